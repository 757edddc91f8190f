"""Declared member counts for a database that already holds the reference data: each belongs
to the edition that published it (the brochure's profiles and Anlage 2, ELMUG's strategy
paper), and ELMUG's series gains its founding count (9 members, 25.02.2009) from that paper."""

import datetime

from django.db import migrations

BROCHURE_SOURCE_PREFIXES = ("profil-", "webseiten-netzwerke-")
FOUNDING_NOTE = (
    "Gründung der Genossenschaft am 25.02.2009 „mit neun Mitgliedern“ "
    "(Strategiepapier der ELMUG eG)."
)


def forwards(apps, schema_editor):
    Edition = apps.get_model("growthfields", "Edition")
    DeclaredMemberCount = apps.get_model("networks", "DeclaredMemberCount")
    Network = apps.get_model("networks", "Network")
    Source = apps.get_model("growthfields", "Source")
    editions = {edition.slug: edition for edition in Edition.objects.all()}
    brochure = editions.get("thcm-broschuere-2012-09")
    elmug_paper = editions.get("elmug-strategie-2019")
    if brochure is not None:
        for prefix in BROCHURE_SOURCE_PREFIXES:
            DeclaredMemberCount.objects.filter(
                edition__isnull=True,
                source__slug__startswith=prefix,
                reference_date=datetime.date(2012, 9, 1),
            ).update(edition=brochure)
    if elmug_paper is None:
        return
    DeclaredMemberCount.objects.filter(
        edition__isnull=True, source__slug="elmug-strategie-2019"
    ).update(edition=elmug_paper)
    network = Network.objects.filter(slug="elmug").first()
    source = Source.objects.filter(slug="elmug-strategie-2019").first()
    if network is None or source is None:
        return
    DeclaredMemberCount.objects.get_or_create(
        network=network,
        reference_date=datetime.date(2009, 2, 25),
        source=source,
        defaults={
            "total": 9,
            "reference_precision": "day",
            "edition": elmug_paper,
            "note": FOUNDING_NOTE,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0004_declared_count_edition"),
        ("growthfields", "0004_editions_data"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
