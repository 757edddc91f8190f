"""Editions for a database that already holds the reference data (``load_reference_data`` never
overwrites, so the fixtures' changes reach such a database only through this migration):

- the editions, the footnotes of Anlage 2 and its printed lines, read from the same fixture
  files (15_editions.yaml, 25_edition_rows.yaml) as plain data;
- every key figure of the brochure belongs to the brochure's edition;
- the value-added shares stop claiming "2008": the brochure names only their source (Trendatlas,
  Endbericht März 2011); "Zahlenwerte aus 2008" is said of the export quotas alone;
- the TRIA list is undated ("ohne Datum" instead of an invented 2012).

A database without the reference data (a new one, the tests') is left alone.
"""

import datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.db import migrations

BROCHURE = "thcm-broschuere-2012-09"
BROCHURE_SOURCES = (
    "leg-db-2012-09",
    "trendatlas-2020",
    "tls-betriebe-2011",
    "optonet-optische-industrie-2011-05",
    "helaba-logistik-2012-06",
    "thcm-broschuere-2012-09",
)
GVA_NOTE = (
    "Die Broschüre nennt für die Anteile an der Bruttowertschöpfung nur die Quelle (Trendatlas, "
    "Endbericht März 2011), kein Jahr der Zahlenwerte; als Stichtag gilt der Stand der Quelle."
)
TRENDATLAS_NOTE = (
    "Endbericht März 2011. Quelle der Stärken und Schwächen der elf Wachstumsfelder, der Anteile "
    "an der Bruttowertschöpfung des verarbeitenden Gewerbes und einiger Exportquoten. Nur für "
    "diese Exportquoten nennt Anlage 2 der ThCM-Broschüre (Fußnote 5) „Zahlenwerte aus 2008“; "
    "für die Anteile an der Bruttowertschöpfung nennt die Broschüre kein Jahr der Zahlenwerte."
)


def _objects(name):
    path = Path(settings.FIXTURE_DIRS[0], "reference", name)
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream) or []


def forwards(apps, schema_editor):
    Source = apps.get_model("growthfields", "Source")
    if not Source.objects.filter(slug=BROCHURE).exists():
        return
    Edition = apps.get_model("growthfields", "Edition")
    EditionFootnote = apps.get_model("growthfields", "EditionFootnote")
    EditionRow = apps.get_model("growthfields", "EditionRow")
    GrowthField = apps.get_model("growthfields", "GrowthField")
    KeyFigure = apps.get_model("growthfields", "KeyFigure")
    sources = {source.slug: source for source in Source.objects.all()}

    Source.objects.filter(slug="tria-cluster-netzwerke", reference_precision="year").update(
        reference_date=None,
        reference_precision="none",
        note="Webseite mit Kurzprofilen der in der TRIA tätigen Netzwerke und Cluster. "
        "Die Seite ist undatiert.",
    )
    Source.objects.filter(slug="trendatlas-2020", note__contains="Zahlenwerte aus 2008 (").update(
        note=TRENDATLAS_NOTE
    )
    gva = KeyFigure.objects.filter(
        metric="gva_share",
        source__slug="trendatlas-2020",
        reference_date=datetime.date(2008, 1, 1),
        reference_precision="year",
    )
    for figure in gva:
        clash = KeyFigure.objects.filter(
            growth_field_id=figure.growth_field_id,
            metric="gva_share",
            source_id=figure.source_id,
            reference_date=datetime.date(2011, 3, 1),
        ).exists()
        if clash:
            continue
        figure.reference_date = datetime.date(2011, 3, 1)
        figure.reference_precision = "month"
        if not figure.note:
            figure.note = GVA_NOTE
        figure.save(update_fields=["reference_date", "reference_precision", "note"])

    editions = {edition.slug: edition for edition in Edition.objects.all()}
    for item in _objects("15_editions.yaml"):
        fields = dict(item["fields"])
        if item["model"] == "growthfields.edition" and fields["slug"] not in editions:
            source = fields.pop("source")
            fields["source"] = sources.get(source[0]) if source else None
            editions[fields["slug"]] = Edition.objects.create(**fields)
    for item in _objects("15_editions.yaml"):
        fields = dict(item["fields"])
        if item["model"] != "growthfields.editionfootnote":
            continue
        edition = editions[fields.pop("edition")[0]]
        source = fields.pop("source")
        EditionFootnote.objects.get_or_create(
            edition=edition,
            number=fields.pop("number"),
            defaults={**fields, "source": sources.get(source[0]) if source else None},
        )
    fields_by_slug = {field.slug: field for field in GrowthField.objects.all()}
    for item in _objects("25_edition_rows.yaml"):
        fields = dict(item["fields"])
        edition = editions[fields.pop("edition")[0]]
        slug = fields.pop("growth_field")
        EditionRow.objects.get_or_create(
            edition=edition,
            position=fields.pop("position"),
            defaults={**fields, "growth_field": fields_by_slug.get(slug[0]) if slug else None},
        )

    KeyFigure.objects.filter(
        edition__isnull=True,
        source__slug__in=BROCHURE_SOURCES,
        reference_date__lte=datetime.date(2012, 9, 30),
    ).update(edition=editions[BROCHURE])


class Migration(migrations.Migration):
    dependencies = [
        ("growthfields", "0003_editions"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
