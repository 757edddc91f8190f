"""The LEG import end to end (``leg_import_run`` and ``manage.py import_leg``): an idempotent
upsert on LEG-ID, every encoding and XLSX alike, name matching through aliases, all-or-nothing
on row errors and database failures, key figures as series, constant query counts, and a
recorded ``ImportRun`` for every run. The contract is ``../shared/leg/FORMAT.md``."""

import csv
import datetime
import gc
import hashlib
import importlib.util
import random
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from growthfields.choices import Metric
from growthfields.models import GrowthField, KeyFigure, Source
from imports import companies, leg, services
from imports.choices import RunStatus, Severity
from imports.models import ImportRun
from members.models import Organisation
from networks.models import Membership, Network
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SHARED = Path(settings.BASE_DIR).parent / "shared" / "leg"
SAMPLE = SHARED / "sample.csv"
GENERATOR = SHARED / "make_leg_export.py"
LEG_SOURCE = "Unternehmens- und Technologiedatenbank der LEG Thüringen"

HEADERS = [
    "LEG-ID", "Name", "Rechtsform", "Art", "Straße", "PLZ", "Ort", "Landkreis", "Telefon",
    "E-Mail", "Website", "Gründungsjahr", "Beschäftigte", "Umsatz Mio EUR", "Exportquote %",
    "WZ 2008", "Wachstumsfelder", "Netzwerke", "Schlagworte", "Stand",
]  # fmt: skip
KEY_FIGURE_HEADERS = ["Wachstumsfeld", "Kennzahl", "Wert", "ca.", "Abgrenzung", "Stand", "Quelle"]

# Every Organisation field an import may write (all but the key and the timestamps).
ORGANISATION_FIELDS = [
    f.attname
    for f in Organisation._meta.concrete_fields
    if f.name not in ("id", "created_at", "updated_at")
]
GrowthFieldLink = Organisation.growth_fields.through


# Files ----------------------------------------------------------------------------------------


def company(leg_id, name, **values):
    """One row of the company sheet as a dict keyed by header, with plausible defaults."""
    row = {
        "LEG-ID": leg_id,
        "Name": name,
        "Rechtsform": "GmbH",
        "Art": "Unternehmen",
        "Straße": "Carl-Zeiss-Straße 1",
        "PLZ": "7743",
        "Ort": "Jena",
        "Landkreis": "Jena",
        "Telefon": "03641 123456",
        "E-Mail": "",
        "Website": "",
        "Gründungsjahr": "1990",
        "Beschäftigte": "1.250",
        "Umsatz Mio EUR": "1.234,5",
        "Exportquote %": "45,6 %",
        "WZ 2008": "C 26.70",
        "Wachstumsfelder": "Optik/Optoelektronik",
        "Netzwerke": "",
        "Schlagworte": "Lasertechnik, Mikroskopie",
        "Stand": "27.02.2012",
    }
    row.update(values)
    return row


BASE_ROWS = [
    company("TH-000001", "Jenaer Optikwerke GmbH", Netzwerke="OptoNet", **{"E-Mail": "info@optikwerke.de", "Website": "www.optikwerke.de"}),
    company("TH-000002", "Erfurter Sensortechnik AG", Rechtsform="AG", PLZ="99084", Ort="Erfurt", Landkreis="Erfurt", Beschäftigte="ca. 120", **{"Umsatz Mio EUR": "ca. 3,2", "Exportquote %": "k. A.", "WZ 2008": "26.51.0", "Wachstumsfelder": "MSR"}),
    company("TH-000003", "Institut für Mikrooptik e.V.", Rechtsform="e.V.", Art="Forschungseinrichtung", Beschäftigte="k. A.", Gründungsjahr="", **{"Umsatz Mio EUR": "-", "Exportquote %": "", "WZ 2008": "2651", "Wachstumsfelder": "Mikro- und Nanotechnik; Optik / Optoelektronik", "Netzwerke": "MNT e.V."}),
    company("TH-000004", 'Müller & Söhne "Präzision" GmbH', Straße="Weg 1\\2", PLZ="98693", Ort="Ilmenau", Landkreis="Ilm-Kreis", **{"WZ 2008": "28.41", "Wachstumsfelder": "Maschinenbau", "Netzwerke": "FerMeTh"}),
    company("TH-000005", "Thüringer Logistik KG", Rechtsform="KG", PLZ="99310", Ort="Arnstadt", Landkreis="", **{"WZ 2008": "", "Wachstumsfelder": "logistik", "Netzwerke": "Logistik-Netzwerk Thüringen e.V."}),
]  # fmt: skip


def csv_text(rows, headers=HEADERS):
    """Rows (dicts keyed by header) as LEG CSV text: ';', '"' quotes, CRLF."""
    stream = StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return stream.getvalue()


def write_csv(path, rows, headers=HEADERS, encoding="utf-8-sig"):
    path.write_text(csv_text(rows, headers), encoding=encoding, newline="")
    return path


def read_csv(path, encoding="utf-8-sig"):
    """A CSV file as (headers, list of rows as lists)."""
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=";")
        headers = next(reader)
        return headers, list(reader)


def excel_cell(header, value):
    """What Excel makes of a typed cell: numbers become numbers, dates dates; the rest text."""
    if value == "":
        return None
    if header in ("PLZ", "Gründungsjahr") and value.isdigit():
        return int(value)  # Excel drops the leading zero of 07743
    if header == "Beschäftigte" and re.fullmatch(r"\d{1,3}(\.\d{3})*", value):
        return int(value.replace(".", ""))
    if header == "Umsatz Mio EUR" and re.fullmatch(r"\d{1,3}(\.\d{3})*,\d+", value):
        return float(value.replace(".", "").replace(",", "."))
    if header == "Stand":
        return datetime.datetime.strptime(value, "%d.%m.%Y")
    return value


def write_xlsx(path, headers, rows, key_figures=None):
    """An XLSX with the sheet Unternehmen (and Kennzahlen), cells typed as Excel would."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Unternehmen"
    sheet.append(headers)
    for row in rows:
        sheet.append([excel_cell(h, v) for h, v in zip(headers, row, strict=True)])
    if key_figures is not None:
        figures = workbook.create_sheet("Kennzahlen")
        figures.append(KEY_FIGURE_HEADERS)
        for row in key_figures:
            figures.append(row)
    workbook.save(path)
    return path


_generator = None


def generator():
    global _generator
    if _generator is None:
        spec = importlib.util.spec_from_file_location("make_leg_export", GENERATOR)
        _generator = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_generator)
    return _generator


def generate(path, rows, seed=2012, encoding="utf-8-sig", first_id=1):
    """A synthetic LEG export written by make_leg_export.py (see FORMAT.md)."""
    args = [
        "--rows",
        str(rows),
        "--out",
        str(path),
        "--seed",
        str(seed),
        "--first-id",
        str(first_id),
    ]
    if str(path).endswith(".csv"):
        args += ["--encoding", encoding]
    generator().main(args)
    return path


# Database state -------------------------------------------------------------------------------


_reference_rows = []


def reference_models():
    return [
        model
        for label in ("growthfields", "networks")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


@pytest.fixture
def reference():
    """The growth fields, networks and aliases the LEG files name.

    The first test loads them with ``load_reference_data``; later tests get the very rows it
    wrote (history and link tables included) inserted in bulk, which is much faster.
    """
    if not _reference_rows:
        call_command("load_reference_data", stdout=StringIO())
        for model in reference_models():
            fields = [f.attname for f in model._meta.concrete_fields]
            rows = list(model._base_manager.order_by("pk").values_list(*fields))
            _reference_rows.append((model, fields, rows))
        return
    for model, fields, rows in _reference_rows:
        model._base_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows]
        )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), reference_models()):
            cursor.execute(statement)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("leg-import", "import@example.org", "pw")


def counts():
    return {
        "organisations": Organisation.objects.count(),
        "organisation history": Organisation.history.count(),
        "memberships": Membership.objects.count(),
        "membership history": Membership.history.count(),
        "growth field links": GrowthFieldLink.objects.count(),
        "key figures": KeyFigure.objects.count(),
        "sources": Source.objects.count(),
    }


def state():
    """Everything an import may write, with values, to compare before and after."""
    return {
        "counts": counts(),
        "organisations": list(
            Organisation.objects.order_by("pk").values_list(
                "pk", *ORGANISATION_FIELDS, "updated_at"
            )
        ),
        "memberships": sorted(Membership.objects.values_list("organisation_id", "network_id")),
        "links": sorted(GrowthFieldLink.objects.values_list("organisation_id", "growthfield_id")),
        "key figures": sorted(
            KeyFigure.objects.values_list("pk", "value", "approximate", "reference_date")
        ),
    }


def records():
    """The imported data keyed by LEG-ID: field values, growth fields and networks by slug."""
    data = {row["leg_id"]: row for row in Organisation.objects.values(*ORGANISATION_FIELDS)}
    for leg_id, slug in GrowthFieldLink.objects.values_list(
        "organisation__leg_id", "growthfield__slug"
    ):
        data[leg_id].setdefault("growth_fields", set()).add(slug)
    for leg_id, slug in Membership.objects.values_list("organisation__leg_id", "network__slug"):
        data[leg_id].setdefault("networks", set()).add(slug)
    return data


def imported_records(path):
    """Import ``path`` in a savepoint, return its records and roll the import back."""
    with transaction.atomic():
        run = services.leg_import_run(path=path)
        assert run.status == RunStatus.IMPORTED, run.report
        result = records()
        transaction.set_rollback(True)
    return run, result


def command(path, *args):
    """Run ``import_leg``; return (stdout, stderr, exit status)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_leg", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return out.getvalue(), err.getvalue(), exit_.code
    return out.getvalue(), err.getvalue(), 0


def errors(run):
    return [issue for issue in run.report if issue["severity"] == Severity.ERROR]


def warnings_of(run):
    return [issue for issue in run.report if issue["severity"] == Severity.WARNING]


# The sample file ------------------------------------------------------------------------------


def test_the_sample_imports_300_organisations(reference):
    """sample.csv creates 300 organisations with German numbers, postcodes and names resolved."""
    run = services.leg_import_run(path=SAMPLE)
    assert run.status == RunStatus.IMPORTED, errors(run)
    assert (run.rows, run.created, run.updated, run.unchanged) == (300, 300, 0, 0)
    assert run.error_count == 0
    assert Organisation.objects.count() == 300
    headers, rows = read_csv(SAMPLE)
    column = {header: position for position, header in enumerate(headers)}
    by_id = {o.leg_id: o for o in Organisation.objects.all()}
    for row in rows:
        organisation = by_id[row[column["LEG-ID"]].strip().upper()]
        assert organisation.name == row[column["Name"]]
        assert organisation.postcode == row[column["PLZ"]].zfill(5)
        employees = row[column["Beschäftigte"]]
        if employees in ("k. A.", "k.A.", "-", ""):
            assert organisation.employees is None
        else:
            assert organisation.employees == int(employees.removeprefix("ca. ").replace(".", ""))
            assert organisation.employees_approximate is employees.startswith("ca.")
    assert Membership.objects.exists()
    assert GrowthFieldLink.objects.count() >= 300


def test_reimporting_the_same_file_changes_nothing(reference):
    """The second import of sample.csv reports 300 unchanged and writes nothing: the same
    rows (updated_at included), no history rows, no memberships or links."""
    services.leg_import_run(path=SAMPLE)
    before = state()
    run = services.leg_import_run(path=SAMPLE)
    assert run.status == RunStatus.IMPORTED
    assert (run.created, run.updated, run.unchanged, run.not_in_file) == (0, 0, 300, 0)
    assert state() == before


def test_the_command_prints_the_summary(reference):
    """import_leg prints created, updated, unchanged, not in file, warnings, errors and the
    duration, and exits 0; the second time everything is unchanged."""
    out, err, status = command(SAMPLE)
    assert status == 0, err
    for pattern in (
        r"sample\.csv: importiert",
        r"Zeilen:\s+300\n",
        r"neu:\s+300\n",
        r"geändert:\s+0\n",
        r"unverändert:\s+0\n",
        r"nicht in der Datei:\s+0\n",
        r"Warnungen:\s+[1-9]\d*\n",
        r"Fehler:\s+0\n",
        r"Dauer:\s+\d+\.\d\d s",
    ):
        assert re.search(pattern, out), (pattern, out)
    assert re.search(r"Warnung: row \d+, column E-Mail: '.+': ", out)
    history = Organisation.history.count()

    out, err, status = command(SAMPLE)
    assert status == 0
    assert re.search(r"neu:\s+0\n", out)
    assert re.search(r"unverändert:\s+300\n", out)
    assert Organisation.history.count() == history


def test_dry_run_writes_nothing_and_exits_0(reference):
    """--dry-run checks and counts everything, writes nothing and exits 0."""
    before = state()
    out, err, status = command(SAMPLE, "--dry-run")
    assert status == 0, err
    assert "Probelauf" in out
    assert re.search(r"neu:\s+300\n", out)
    assert state() == before
    assert ImportRun.objects.get().status == RunStatus.DRY_RUN


def test_dry_run_on_existing_data_counts_the_changes_without_writing(reference, tmp_path):
    """A dry run against imported data reports the update it would make and makes none."""
    services.leg_import_run(path=write_csv(tmp_path / "a.csv", BASE_ROWS))
    changed = [*BASE_ROWS[:4], {**BASE_ROWS[4], "Telefon": "0361 999"}]
    before = state()
    run = services.leg_import_run(path=write_csv(tmp_path / "b.csv", changed), dry_run=True)
    assert run.status == RunStatus.DRY_RUN
    assert (run.created, run.updated, run.unchanged) == (0, 1, 4)
    assert state() == before


def test_the_values_of_a_row(reference, tmp_path):
    """One row's quirks end up as clean values: leading zero, German numbers, ca., k. A.,
    WZ spellings, a website with scheme, the date, growth fields and networks by alias."""
    run = services.leg_import_run(path=write_csv(tmp_path / "a.csv", BASE_ROWS))
    assert run.status == RunStatus.IMPORTED, errors(run)
    data = records()
    first = data["TH-000001"]
    assert first["postcode"] == "07743"
    assert first["employees"] == 1250 and first["employees_approximate"] is False
    assert first["revenue_meur"] == Decimal("1234.5")
    assert first["export_quota"] == Decimal("45.6")
    assert first["wz_code"] == "26.70"
    assert first["website"] == "https://www.optikwerke.de"
    assert first["record_date"] == datetime.date(2012, 2, 27)
    assert first["kind"] == "unternehmen"
    assert first["keywords"] == "Lasertechnik, Mikroskopie"
    assert first["networks"] == {"optonet"}
    second = data["TH-000002"]
    assert (second["employees"], second["employees_approximate"]) == (120, True)
    assert (second["revenue_meur"], second["revenue_approximate"]) == (Decimal("3.2"), True)
    assert second["export_quota"] is None
    assert second["wz_code"] == "26.51"
    assert second["growth_fields"] == {"mess-steuer-und-regeltechnik"}
    third = data["TH-000003"]
    assert third["employees"] is None and third["revenue_meur"] is None
    assert third["founding_year"] is None
    assert third["growth_fields"] == {"mikro-und-nanotechnik", "optik-optoelektronik"}
    assert third["networks"] == {"mnt"}
    fourth = data["TH-000004"]
    assert fourth["name"] == 'Müller & Söhne "Präzision" GmbH'
    assert fourth["street"] == "Weg 1\\2"
    assert data["TH-000005"]["district"] == ""
    assert data["TH-000005"]["networks"] == {"logistik-netzwerk-thueringen"}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_import_does_not_depend_on_the_active_language(reference, tmp_path, language):
    """Under English, "1.250" employees are still 1250 and "1.234,5" still 1234.5."""
    with translation.override(language):
        run = services.leg_import_run(path=write_csv(tmp_path / "a.csv", BASE_ROWS))
    assert run.status == RunStatus.IMPORTED, errors(run)
    organisation = Organisation.objects.get(leg_id="TH-000001")
    assert organisation.employees == 1250
    assert organisation.revenue_meur == Decimal("1234.5")
    assert organisation.export_quota == Decimal("45.6")


def test_headers_match_ignoring_case_spacing_and_order(reference, tmp_path):
    """ " leg-id ", "NAME", "plz" in any order are the LEG columns."""
    order = [HEADERS[i] for i in (5, 0, 3, 1, 6, 12)]
    spelled = [" plz ", "LEG-ID", "art", "  NAME", "Ort ", "beschäftigte"]
    path = tmp_path / "a.csv"
    lines = [";".join(spelled)] + [";".join(row[h] for h in order) for row in BASE_ROWS]
    path.write_text("\r\n".join(lines), encoding="utf-8")
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.IMPORTED, run.report
    assert run.warning_count == 0
    assert Organisation.objects.get(leg_id="TH-000001").employees == 1250


# Encodings and XLSX ---------------------------------------------------------------------------


def test_every_csv_encoding_imports_identical_records(reference, tmp_path):
    """The same export written in UTF-8 with BOM, UTF-8 and Windows-1252 imports to identical
    records: every Organisation field, growth field and network."""
    results = {}
    for encoding in ("utf-8-sig", "utf-8", "cp1252"):
        path = generate(tmp_path / f"{encoding}.csv", rows=150, seed=77, encoding=encoding)
        run, results[encoding] = imported_records(path)
        assert run.created == 150
    assert len(results["utf-8-sig"]) == 150
    assert results["utf-8"] == results["utf-8-sig"]
    assert results["cp1252"] == results["utf-8-sig"]
    names = {record["name"] for record in results["cp1252"].values()}
    assert any(re.search("[äöüß]", name) for name in names)


def test_an_xlsx_with_the_same_data_imports_identical_records(reference, tmp_path):
    """The generated CSV as an XLSX with typed cells (postcodes, years and employees as
    numbers without leading zero, revenue as real numbers, Stand as dates) imports to the
    same records as the CSV."""
    path = generate(tmp_path / "export.csv", rows=150, seed=78)
    headers, rows = read_csv(path)
    xlsx = write_xlsx(tmp_path / "export.xlsx", headers, rows)
    workbook = openpyxl.load_workbook(xlsx, read_only=True)
    cells = [c for row in workbook["Unternehmen"].iter_rows(values_only=True) for c in row]
    workbook.close()
    assert any(isinstance(c, float) for c in cells)
    assert any(isinstance(c, datetime.datetime) for c in cells)
    _, from_csv = imported_records(path)
    run, from_xlsx = imported_records(xlsx)
    assert run.created == 150
    assert from_xlsx == from_csv


def test_the_generators_xlsx_imports_with_numbers_and_dates_taken_as_they_are(reference, tmp_path):
    """make_leg_export.py's own XLSX (real numbers for some revenues, date cells for Stand)
    imports every row; each revenue and date equals its cell."""
    path = generate(tmp_path / "export.xlsx", rows=150, seed=79)
    run, data = imported_records(path)
    assert (run.created, run.error_count) == (150, 0)
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook["Unternehmen"].iter_rows(values_only=True))
    workbook.close()
    column = {header: position for position, header in enumerate(rows[0])}
    floats = 0
    for row in rows[1:]:
        record = data[row[column["LEG-ID"]].strip().upper()]
        assert record["record_date"] == row[column["Stand"]].date()
        revenue = row[column["Umsatz Mio EUR"]]
        if isinstance(revenue, float):
            floats += 1
            assert record["revenue_meur"] == Decimal(str(revenue))
            assert record["revenue_approximate"] is False
    assert floats > 10


def test_the_generators_xlsx_imports_like_the_same_rows_as_csv(reference, tmp_path):
    """make_leg_export.py --seed S writes other rows to XLSX than to CSV (the XLSX branch draws
    one more random number per row), so the XLSX of a seed is compared with its own rows
    written as CSV text (revenue with decimal comma, Stand as dd.mm.yyyy): same records."""
    xlsx = generate(tmp_path / "export.xlsx", rows=150, seed=79)
    rng = random.Random(79)
    rows = [generator().make_row(n, rng, True) for n in range(1, 151)]
    as_text = [
        {
            header: generator().german_dec(value)
            if isinstance(value, float)
            else value.strftime("%d.%m.%Y")
            if isinstance(value, datetime.date)
            else value
            for header, value in zip(HEADERS, row, strict=True)
        }
        for row in rows
    ]
    assert any(isinstance(value, float) for row in rows for value in row)
    _, from_xlsx = imported_records(xlsx)
    _, from_csv = imported_records(write_csv(tmp_path / "export.csv", as_text))
    assert len(from_xlsx) == 150
    assert from_xlsx == from_csv


def test_a_percent_formatted_export_quota_cell_is_read_as_shown(reference, tmp_path):
    """Excel stores "45,6 %" typed into a cell as 0.456 with a percent format; the import takes
    the value Excel shows, 45.6."""
    rows = [[row[h] for h in HEADERS] for row in BASE_ROWS[:1]]
    path = write_xlsx(tmp_path / "prozent.xlsx", HEADERS, rows)
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Unternehmen"].cell(row=2, column=HEADERS.index("Exportquote %") + 1)
    cell.value, cell.number_format = 0.456, "0.0%"
    workbook.save(path)
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.IMPORTED, errors(run)
    assert Organisation.objects.get().export_quota == Decimal("45.6")


# Later exports --------------------------------------------------------------------------------


def test_a_later_export_updates_only_the_changed_fields(reference, tmp_path, user):
    """A later export where three rows have a new phone number updates exactly those three
    organisations and that field; the others keep their updated_at; history rows are written
    only for the three, with the import's user and the change."""
    first = generate(tmp_path / "2012.csv", rows=60, seed=80)
    services.leg_import_run(path=first)
    before = {o.leg_id: o for o in Organisation.objects.all()}
    history_before = Organisation.history.count()

    headers, rows = read_csv(first)
    phone = headers.index("Telefon")
    changed = {
        "TH-000005": "03641 555001",
        "TH-000017": "03641 555002",
        "TH-000042": "03641 555003",
    }
    for row in rows:
        leg_id = row[0].strip().upper()
        if leg_id in changed:
            row[phone] = changed[leg_id]
    later = write_csv(
        tmp_path / "2013.csv", [dict(zip(headers, r, strict=True)) for r in rows], headers
    )

    run = services.leg_import_run(path=later, user=user)
    assert run.status == RunStatus.IMPORTED, errors(run)
    assert (run.created, run.updated, run.unchanged) == (0, 3, 57)
    for organisation in Organisation.objects.all():
        old = before[organisation.leg_id]
        if organisation.leg_id in changed:
            assert organisation.phone == changed[organisation.leg_id]
            assert organisation.updated_at > old.updated_at
            assert organisation.version == old.version + 1  # an admin form opened before is stale
        else:
            assert organisation.phone == old.phone
            assert organisation.updated_at == old.updated_at
            assert organisation.version == old.version
        for name in ORGANISATION_FIELDS:
            if name not in ("phone", "version"):
                assert getattr(organisation, name) == getattr(old, name), name

    assert Organisation.history.count() == history_before + 3
    new_history = Organisation.history.order_by("-history_id")[:3]
    assert {h.leg_id for h in new_history} == set(changed)
    for entry in new_history:
        assert entry.history_user == user
        assert entry.history_type == "~"
        assert entry.history_change_reason == f"LEG-Import #{run.pk}"
        delta = entry.diff_against(entry.prev_record)
        assert [(c.field, c.old, c.new) for c in delta.changes] == [
            ("phone", before[entry.leg_id].phone, changed[entry.leg_id])
        ]
    samples = {sample["leg_id"]: sample for sample in ImportRun.objects.get(pk=run.pk).changes}
    assert set(samples) == set(changed)
    assert samples["TH-000005"]["action"] == "geändert"
    assert samples["TH-000005"]["fields"] == [["phone", before["TH-000005"].phone, "03641 555001"]]


def test_quotes_backslashes_and_umlauts_survive_an_update(reference, tmp_path):
    """Values with quotes, backslashes, ampersands and umlauts are written exactly, by insert
    and by update, and read back as unchanged."""
    services.leg_import_run(path=write_csv(tmp_path / "a.csv", BASE_ROWS))
    rows = [dict(row) for row in BASE_ROWS]
    rows[0]["Straße"] = 'Am "Tor" 1\\a & Söhne; Hof'
    rows[0]["Name"] = "Jenaer Optikwerke – Zweigstelle Göschwitz GmbH"
    path = write_csv(tmp_path / "b.csv", rows)
    assert services.leg_import_run(path=path).updated == 1
    organisation = Organisation.objects.get(leg_id="TH-000001")
    assert organisation.street == 'Am "Tor" 1\\a & Söhne; Hof'
    assert organisation.name == "Jenaer Optikwerke – Zweigstelle Göschwitz GmbH"
    assert services.leg_import_run(path=path).unchanged == 5


def test_organisations_missing_from_a_file_are_counted_not_deleted(reference, tmp_path):
    """A file without two known organisations reports them as not in the file and keeps them."""
    services.leg_import_run(path=write_csv(tmp_path / "a.csv", BASE_ROWS))
    run = services.leg_import_run(path=write_csv(tmp_path / "b.csv", BASE_ROWS[:3]))
    assert (run.unchanged, run.not_in_file) == (3, 2)
    assert Organisation.objects.count() == 5


def test_an_existing_hand_made_organisation_is_not_touched(reference, tmp_path):
    """Entries made by hand (no LEG-ID) are neither matched nor counted as not in the file."""
    manual = OrganisationFactory(leg_id=None, name="Handeintrag GmbH")
    run = services.leg_import_run(path=write_csv(tmp_path / "a.csv", BASE_ROWS))
    assert (run.created, run.not_in_file) == (5, 0)
    manual.refresh_from_db()
    assert manual.name == "Handeintrag GmbH"


# Names of growth fields and networks ------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "spelling", "slug"),
    [
        ("Netzwerke", "OPTONET", "optonet"),
        ("Netzwerke", "Optonet e.V.", "optonet"),
        ("Netzwerke", "OptoNet", "optonet"),
        ("Netzwerke", "at", "automotive-thueringen"),
        ("Netzwerke", "automotive thüringen", "automotive-thueringen"),
        ("Netzwerke", "Logistik-Netzwerk Thüringen e.V.", "logistik-netzwerk-thueringen"),
        ("Netzwerke", "Logistik Netzwerk Thüringen", "logistik-netzwerk-thueringen"),
        ("Netzwerke", "Thüringer Ernährungsnetzwerk", "th-ern"),
        ("Netzwerke", "ElMuG eG", "elmug"),
        ("Wachstumsfelder", " optik / optoelektronik ", "optik-optoelektronik"),
        ("Wachstumsfelder", "MSR", "mess-steuer-und-regeltechnik"),
        ("Wachstumsfelder", "Mess-, Steuer-  und Regeltechnik", "mess-steuer-und-regeltechnik"),
        ("Wachstumsfelder", "Life Sciences: Biotechnologie und Medizintechnik", "life-sciences"),
        ("Wachstumsfelder", "Servicerobotik", "service-robotik"),
        ("Wachstumsfelder", "KUNSTSTOFFE  UND KERAMIK", "kunststoffe-und-keramik"),
    ],
)
def test_names_match_after_normalising_and_through_aliases(
    reference, tmp_path, column, spelling, slug
):
    """Case, spacing, hyphens, legal-form suffixes and back-office aliases do not matter."""
    row = company(
        "TH-000001",
        "Jenaer Optikwerke GmbH",
        **{"Wachstumsfelder": "", "Netzwerke": "", column: spelling},
    )
    run = services.leg_import_run(path=write_csv(tmp_path / "a.csv", [row]))
    assert run.status == RunStatus.IMPORTED, errors(run)
    organisation = Organisation.objects.get()
    if column == "Netzwerke":
        assert [m.network.slug for m in organisation.memberships.all()] == [slug]
    else:
        assert [g.slug for g in organisation.growth_fields.all()] == [slug]


def test_variants_of_one_network_in_one_cell_give_one_membership(reference, tmp_path):
    """ "OptoNet; OPTONET; Optonet e.V." is one membership, with one history entry."""
    row = company("TH-000001", "Jenaer Optikwerke GmbH", Netzwerke="OptoNet; OPTONET; Optonet e.V.")
    services.leg_import_run(path=write_csv(tmp_path / "a.csv", [row]))
    assert Membership.objects.get().network.slug == "optonet"
    assert Membership.history.count() == 1


def test_an_alias_added_in_the_back_office_is_used(reference, tmp_path):
    """A spelling unknown until staff add it as an alias matches after that."""
    row = company("TH-000001", "Jenaer Optikwerke GmbH", Netzwerke="Optiknetz Jena")
    path = write_csv(tmp_path / "a.csv", [row])
    assert services.leg_import_run(path=path).status == RunStatus.REFUSED
    Network.objects.get(slug="optonet").aliases.create(name="Optiknetz Jena")
    assert services.leg_import_run(path=path).status == RunStatus.IMPORTED
    assert Membership.objects.get().network.slug == "optonet"


def test_networks_are_added_never_removed(reference, tmp_path):
    """A file without a network keeps the membership; a file with another network adds it."""
    row = company("TH-000001", "Jenaer Optikwerke GmbH", Netzwerke="OptoNet")
    services.leg_import_run(path=write_csv(tmp_path / "a.csv", [row]))
    organisation = Organisation.objects.get()
    assert [m.network.slug for m in organisation.memberships.all()] == ["optonet"]

    run = services.leg_import_run(path=write_csv(tmp_path / "b.csv", [{**row, "Netzwerke": ""}]))
    assert (run.updated, run.unchanged) == (0, 1)
    assert [m.network.slug for m in organisation.memberships.all()] == ["optonet"]

    run = services.leg_import_run(path=write_csv(tmp_path / "c.csv", [{**row, "Netzwerke": "MNT"}]))
    assert run.updated == 1
    assert sorted(m.network.slug for m in organisation.memberships.all()) == ["mnt", "optonet"]
    assert Organisation.history.filter(leg_id="TH-000001").count() == 1  # no field changed


def test_a_membership_made_by_hand_is_kept(reference, tmp_path):
    """A membership entered in the back office survives imports that do not name it."""
    organisation = OrganisationFactory(leg_id="TH-000001", name="Jenaer Optikwerke GmbH")
    MembershipFactory(organisation=organisation, network=NetworkFactory(slug="eigenes-netz"))
    row = company("TH-000001", "Jenaer Optikwerke GmbH", Netzwerke="OptoNet")
    run = services.leg_import_run(path=write_csv(tmp_path / "a.csv", [row]))
    assert run.updated == 1
    assert sorted(m.network.slug for m in organisation.memberships.all()) == [
        "eigenes-netz",
        "optonet",
    ]


# Row errors refuse the whole file ---------------------------------------------------------------


ROW_ERRORS = {
    "missing name": (2, {"Name": ""}, "row 4, column Name: '': Pflichtangabe fehlt"),
    "missing postcode": (2, {"PLZ": ""}, "row 4, column PLZ: '': Postleitzahl fehlt"),
    "missing kind": (2, {"Art": ""}, "row 4, column Art: '': Pflichtangabe fehlt"),
    "missing town": (2, {"Ort": ""}, "row 4, column Ort: '': Pflichtangabe fehlt"),
    "missing LEG-ID": (2, {"LEG-ID": ""}, "row 4, column LEG-ID: '': LEG-ID fehlt"),
    "unknown kind": (2, {"Art": "Behörde"}, "row 4, column Art: 'Behörde': unbekannte Art"),
    "unknown network": (1, {"Netzwerke": "OptoNet; Gibtsnicht e.V."}, "row 3, column Netzwerke: 'Gibtsnicht e.V.': unbekanntes Netzwerk"),
    "unknown growth field": (3, {"Wachstumsfelder": "Raumfahrt"}, "row 5, column Wachstumsfelder: 'Raumfahrt': unbekanntes Wachstumsfeld"),
    "unparsable number": (0, {"Beschäftigte": "zwölf"}, "row 2, column Beschäftigte: 'zwölf': keine Zahl"),
    "export quota over 100": (4, {"Exportquote %": "120"}, "row 6, column Exportquote %: '120': Exportquote über 100 %"),
    "negative revenue": (4, {"Umsatz Mio EUR": "-3,5"}, "row 6, column Umsatz Mio EUR: '-3,5': darf nicht negativ sein"),
    "bad postcode": (1, {"PLZ": "077431"}, "row 3, column PLZ: '077431': keine Postleitzahl"),
    "bad LEG-ID": (1, {"LEG-ID": "TH-4711"}, "row 3, column LEG-ID: 'TH-4711': keine LEG-ID"),
    "bad date": (1, {"Stand": "31.02.2012"}, "row 3, column Stand: '31.02.2012': kein Datum"),
    "unknown district": (1, {"Landkreis": "Berlin"}, "row 3, column Landkreis: 'Berlin': kein Thüringer Landkreis"),
    "name too long": (1, {"Name": "N" * 201}, "row 3, column Name: '" + "N" * 60 + "…': zu lang (201 Zeichen, höchstens 200)"),
}  # fmt: skip


@pytest.fixture
def existing(reference, tmp_path):
    """Five imported organisations, and one of them edited since, as the state to keep."""
    services.leg_import_run(path=write_csv(tmp_path / "bestand.csv", BASE_ROWS))
    Organisation.objects.filter(leg_id="TH-000005").update(phone="0361 777")
    return state()


def later_rows():
    """A later export: one changed row, the five known ones and a new one."""
    rows = [dict(row) for row in BASE_ROWS]
    rows[0]["Telefon"] = "03641 000000"
    rows.append(company("TH-000006", "Neue Firma GmbH", Netzwerke="SolarInput"))
    return rows


@pytest.mark.parametrize(("index", "values", "line"), ROW_ERRORS.values(), ids=ROW_ERRORS.keys())
def test_a_row_error_refuses_the_whole_file(existing, tmp_path, index, values, line):
    """One bad cell anywhere refuses the file: nothing is written (counts, values, memberships
    and history as before), the command prints ``row N, column <header>: '<value>': <reason>``
    with the spreadsheet's row number and exits with status 1."""
    rows = later_rows()
    rows[index].update(values)
    path = write_csv(tmp_path / "fehler.csv", rows)
    out, err, status = command(path)
    assert status == 1
    assert any(text.startswith(line) for text in err.splitlines()), err
    assert "abgelehnt, nichts geschrieben" in out
    assert state() == existing
    run = ImportRun.objects.latest("pk")
    assert run.status == RunStatus.REFUSED
    assert run.error_count == len(errors(run)) >= 1
    assert run.message


def test_a_duplicate_leg_id_names_both_rows(existing, tmp_path):
    """Two rows with one LEG-ID (in different spellings) refuse the file naming rows 2 and 7."""
    rows = later_rows()
    rows[5]["LEG-ID"] = " th-000001 "
    out, err, status = command(write_csv(tmp_path / "doppelt.csv", rows))
    assert status == 1
    assert "row 7, column LEG-ID: 'th-000001': LEG-ID doppelt in der Datei (Zeilen 2 und 7)" in err
    assert state() == existing


def test_chunks_of_rows_are_checked_as_one_file(reference, tmp_path, monkeypatch):
    """Rows are cleaned in chunks: a LEG-ID doubled across chunks, a bad value repeated in
    another chunk and the order of one row's issues (by column check) come out the same as
    when all rows share one chunk."""
    rows = later_rows()
    rows[1]["Art"] = "Behörde"
    rows[4]["Art"] = "Behörde"
    rows[3].update({"LEG-ID": "X-1", "PLZ": "12", "Art": "Amt", "Netzwerke": "Unbekannt e.V."})
    rows[5]["LEG-ID"] = "TH-000001"
    path = write_csv(tmp_path / "stuecke.csv", rows)
    reports = []
    for size in (2, 10_000):
        monkeypatch.setattr(leg, "CHUNK_ROWS", size)
        plan = services.leg_import_plan(path=path)
        reports.append([(i.row, i.column, i.severity, i.message) for i in plan.issues])
    assert reports[0] == reports[1]
    assert [(row, column) for row, column, _, _ in reports[0]] == [
        (3, "Art"),
        (5, "Art"),
        (5, "PLZ"),
        (5, "LEG-ID"),
        (5, "Netzwerke"),
        (6, "Art"),
        (7, "LEG-ID"),
    ]
    assert reports[0][-1][3] == "LEG-ID doppelt in der Datei (Zeilen 2 und 7)"
    assert {severity for _, _, severity, _ in reports[0]} == {Severity.ERROR}


def test_refused_addresses_leave_no_rows_in_reference_cycles(reference, tmp_path):
    """An import pauses the cycle collector, so a reference cycle would keep a whole chunk of
    rows alive until the next collection: refused e-mail and web addresses (Django's
    validators raise inside ``except … as e``) leave no frame and no record in one."""
    rows = later_rows()
    rows[0].update({"E-Mail": "info(at)optikwerke.de", "Website": 'www."optikwerke.de'})
    path = write_csv(tmp_path / "adressen.csv", rows)
    gc.collect()
    flags = gc.get_debug()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        plan = services.leg_import_plan(path=path)
        warnings = [(issue.row, issue.column) for issue in plan.issues.warnings]
        del plan
        gc.collect()
        in_cycles = {type(thing).__name__ for thing in gc.garbage}
    finally:
        gc.garbage.clear()
        gc.set_debug(flags)
        gc.enable()
    assert warnings == [(2, "E-Mail"), (2, "Website")]
    assert not in_cycles & {"frame", "traceback", "CompanyRecord"}, in_cycles


def test_a_missing_required_column_is_reported_before_any_row(existing, tmp_path):
    """Without the PLZ column the file is refused at row 1 and no row is read."""
    headers = [h for h in HEADERS if h != "PLZ"]
    rows = later_rows()
    rows[2]["Art"] = "Behörde"  # would be a row error, but no row is read
    out, err, status = command(write_csv(tmp_path / "ohne-plz.csv", rows, headers=headers))
    assert status == 1
    assert "row 1, column PLZ: '': Pflichtspalte fehlt" in err
    assert "Behörde" not in err
    run = ImportRun.objects.latest("pk")
    assert run.rows == 0
    assert [(e["row"], e["column"]) for e in errors(run)] == [(1, "PLZ")]
    assert state() == existing


def test_every_error_is_reported_in_row_order(existing, tmp_path):
    """The report lists all errors of the file, not only the first."""
    rows = later_rows()
    rows[0]["Beschäftigte"] = "zwölf"
    rows[2]["Art"] = "Behörde"
    rows[5]["Exportquote %"] = "120"
    rows[5]["Netzwerke"] = "Gibtsnicht"
    run = services.leg_import_run(path=write_csv(tmp_path / "fehler.csv", rows))
    assert run.status == RunStatus.REFUSED
    assert [(e["row"], e["column"], e["value"]) for e in errors(run)] == [
        (2, "Beschäftigte", "zwölf"),
        (4, "Art", "Behörde"),
        (7, "Exportquote %", "120"),
        (7, "Netzwerke", "Gibtsnicht"),
    ]
    assert run.error_count == 4
    assert (run.created, run.updated) == (0, 0)
    assert state() == existing


def test_a_row_error_in_an_xlsx_gives_the_excel_row_number(existing, tmp_path):
    """In an XLSX with an empty row the error's row number is the one Excel shows."""
    rows = [[row[h] for h in HEADERS] for row in later_rows()]
    rows[3][HEADERS.index("Art")] = "Behörde"
    path = tmp_path / "fehler.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows[:3]:
        sheet.append(row)
    sheet.append([])
    for row in rows[3:]:
        sheet.append(row)
    workbook.save(path)
    out, err, status = command(path)
    assert status == 1
    assert "row 6, column Art: 'Behörde': unbekannte Art" in err
    assert state() == existing


# Warnings do not stop the import ----------------------------------------------------------------


def test_a_malformed_email_is_dropped_with_a_warning(reference, tmp_path):
    """A malformed e-mail keeps the row, drops the value and reports a warning."""
    rows = [dict(row) for row in BASE_ROWS]
    rows[1]["E-Mail"] = "info(at)sensortechnik.de"
    run = services.leg_import_run(path=write_csv(tmp_path / "a.csv", rows))
    assert run.status == RunStatus.IMPORTED
    assert run.created == 5
    assert Organisation.objects.get(leg_id="TH-000002").email == ""
    assert Organisation.objects.get(leg_id="TH-000001").email == "info@optikwerke.de"
    assert [(w["row"], w["column"], w["value"]) for w in warnings_of(run)] == [
        (3, "E-Mail", "info(at)sensortechnik.de")
    ]
    assert run.warning_count == 1


def test_an_unknown_column_is_reported_once_and_ignored(reference, tmp_path):
    """An extra column is reported once (row 1), whatever the number of rows, and ignored."""
    rows = [{**row, "Bemerkung": "bitte prüfen"} for row in BASE_ROWS]
    out, err, status = command(write_csv(tmp_path / "a.csv", rows, headers=[*HEADERS, "Bemerkung"]))
    assert status == 0, err
    assert len([line for line in out.splitlines() if "Bemerkung" in line]) == 1
    assert "Warnung: row 1, column Bemerkung: 'Bemerkung': unbekannte Spalte" in out
    run = ImportRun.objects.get()
    assert (run.created, run.warning_count) == (5, 1)


# A database failure leaves nothing half-written --------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failing", ["insert_rows", "update_rows"])
def test_a_database_failure_in_the_middle_writes_nothing(tmp_path, failing):
    """When a statement fails half-way (the second insert, or the update after the first
    insert), the transaction rolls back: the database is exactly as before and the run is
    recorded as FAILED with a message; the command exits 1."""
    call_command("load_reference_data", stdout=StringIO())
    services.leg_import_run(path=write_csv(tmp_path / "bestand.csv", BASE_ROWS))
    before = state()
    real = getattr(companies, failing)
    calls = []

    def fail_second_call(*args, **kwargs):
        calls.append(args[0])
        if failing == "update_rows" or len(calls) == 2:
            raise DatabaseError("Verbindung verloren")
        return real(*args, **kwargs)

    path = write_csv(tmp_path / "neu.csv", later_rows())
    with mock.patch.object(companies, failing, side_effect=fail_second_call):
        run = services.leg_import_run(path=path)
        assert run.status == RunStatus.FAILED
        assert "Verbindung verloren" in run.message
        assert "nichts wurde geschrieben" in run.message
        calls.clear()
        out, err, status = command(path)
    assert status == 1
    assert "fehlgeschlagen" in out
    assert "Verbindung verloren" in err
    if failing == "insert_rows":
        assert calls[0] is Organisation  # the new row was inserted before the failure
    assert state() == before
    assert list(ImportRun.objects.order_by("pk").values_list("status", flat=True)) == [
        RunStatus.IMPORTED, RunStatus.FAILED, RunStatus.FAILED,
    ]  # fmt: skip
    assert not Organisation.objects.filter(leg_id="TH-000006").exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_gone_for_good_leaves_the_run_marked_failed(tmp_path):
    """When the database dies during the write and is still gone for the run's final save,
    the run stays recorded as failed (it was saved so before the write began), nothing is
    written, and the command ends with its message and exit status 1, not a traceback."""
    call_command("load_reference_data", stdout=StringIO())
    services.leg_import_run(path=write_csv(tmp_path / "bestand.csv", BASE_ROWS))
    before = state()
    real_save = ImportRun.save
    saves = []

    def save_until_the_write(self, *args, **kwargs):
        saves.append(self.status)
        if len(saves) > 1:  # the first save records the run as failed; then the server is gone
            raise DatabaseError("server closed the connection unexpectedly")
        return real_save(self, *args, **kwargs)

    lost = DatabaseError("terminating connection due to administrator command")
    with (
        mock.patch.object(companies, "update_rows", side_effect=lost),
        mock.patch.object(ImportRun, "save", save_until_the_write),
    ):
        out, err, status = command(write_csv(tmp_path / "neu.csv", later_rows()))
    assert status == 1
    assert "fehlgeschlagen" in out
    assert "administrator command" in err and "als fehlgeschlagen verzeichnet" in err
    assert "Traceback" not in err
    assert state() == before
    assert ImportRun.objects.order_by("-pk").values_list("status", flat=True)[0] == (
        RunStatus.FAILED
    )


@pytest.mark.django_db(transaction=True)
def test_the_runs_outcome_commits_with_the_data(tmp_path):
    """The run is marked imported in the import's own transaction: when that cannot be
    written, the data is rolled back too, so rows never stand under a run marked failed."""
    call_command("load_reference_data", stdout=StringIO())
    services.leg_import_run(path=write_csv(tmp_path / "bestand.csv", BASE_ROWS))
    before = state()
    real_save = ImportRun.save

    def refuse_the_outcome(self, *args, **kwargs):
        if self.status == RunStatus.IMPORTED:
            raise DatabaseError("Verbindung verloren")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(ImportRun, "save", refuse_the_outcome):
        run = services.leg_import_run(path=write_csv(tmp_path / "neu.csv", later_rows()))
    assert run.status == RunStatus.FAILED and "Verbindung verloren" in run.message
    assert state() == before
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.FAILED


# Key figures --------------------------------------------------------------------------------------


def key_figure_csv(path, rows):
    stream = StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(KEY_FIGURE_HEADERS)
    writer.writerows(rows)
    path.write_text(stream.getvalue(), encoding="utf-8-sig")
    return path


def test_a_doubled_column_in_the_key_figure_sheet_is_refused(reference, tmp_path):
    """Two "Wert" columns in the Kennzahlen sheet are an error of row 1, as in the company
    sheet; the second column never silently wins."""
    path = tmp_path / "doppelt.csv"
    rows = [
        [*KEY_FIGURE_HEADERS, "Wert"],
        ["Automobil", "Unternehmen", "510", "x", "", "2013", LEG_SOURCE, "999"],
    ]
    path.write_text("\r\n".join(";".join(row) for row in rows) + "\r\n", encoding="utf-8")
    before = KeyFigure.objects.count()
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.REFUSED
    assert any(
        issue["row"] == 1 and issue["column"] == "Wert" and "doppelt" in issue["message"]
        for issue in run.report
    ), run.report
    assert KeyFigure.objects.count() == before


FIGURES_2013 = [
    ["Automobil", "Umsatz Mrd EUR", "7,9", "x", "", "2013", LEG_SOURCE],
    ["Automobil", "Beschäftigte", "52.000", "ja", "", "2013", LEG_SOURCE],
    ["OPTIK / Optoelektronik", "Exportquote %", "k. A.", "", "WZ 26.7", "2013", LEG_SOURCE],
    ["MSR", "Unternehmen", "ca. 460", "", "", "2013", LEG_SOURCE],
]


def figure(slug, metric, year):
    return KeyFigure.objects.get(
        growth_field__slug=slug, metric=metric, reference_date__year=year, source__title=LEG_SOURCE
    )


def test_a_key_figure_csv_adds_a_new_year_to_the_series(reference, tmp_path):
    """A Kennzahlen CSV for 2013 adds points beside 2012: "7,9" Umsatz Mrd EUR is 7.9e9 EUR,
    "k. A." stores None, "ca." and "x" mark estimates; the 2012 figures stay as they were."""
    old = figure("automobil", Metric.REVENUE, 2012)
    sources = Source.objects.count()
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "kennzahlen.csv", FIGURES_2013))
    assert run.status == RunStatus.IMPORTED, run.report
    assert (run.key_figures_created, run.key_figures_updated, run.key_figures_unchanged) == (
        4,
        0,
        0,
    )
    assert Source.objects.count() == sources
    revenue = figure("automobil", Metric.REVENUE, 2013)
    assert revenue.value == Decimal("7900000000")
    assert revenue.approximate is True
    assert revenue.reference_date == datetime.date(2013, 1, 1)
    assert revenue.reference_precision == "year"
    assert figure("automobil", Metric.EMPLOYEES, 2013).value == Decimal("52000")
    quota = figure("optik-optoelektronik", Metric.EXPORT_QUOTA, 2013)
    assert (quota.value, quota.approximate, quota.scope_note) == (None, False, "WZ 26.7")
    companies = figure("mess-steuer-und-regeltechnik", Metric.COMPANIES, 2013)
    assert (companies.value, companies.approximate) == (Decimal("460"), True)
    kept = KeyFigure.objects.get(pk=old.pk)
    assert (kept.value, kept.reference_date) == (old.value, old.reference_date)
    series = GrowthField.objects.get(slug="automobil").key_figures.filter(metric=Metric.REVENUE)
    assert [f.value for f in series.series().filter(source__title=LEG_SOURCE)] == [
        Decimal("7700000000"), Decimal("7900000000"),
    ]  # fmt: skip


def test_the_command_reports_key_figures(reference, tmp_path):
    """import_leg on a Kennzahlen CSV prints the figures' counts."""
    out, err, status = command(key_figure_csv(tmp_path / "kennzahlen.csv", FIGURES_2013))
    assert status == 0, err
    assert re.search(r"Kennzahlen:\s+4 neu, 0 geändert, 0 unverändert", out), out


def test_reimporting_key_figures_is_unchanged(reference, tmp_path):
    """The same Kennzahlen file again changes nothing."""
    path = key_figure_csv(tmp_path / "kennzahlen.csv", FIGURES_2013)
    services.leg_import_run(path=path)
    before = state()
    history = KeyFigure.history.count()
    run = services.leg_import_run(path=path)
    assert (run.key_figures_created, run.key_figures_updated, run.key_figures_unchanged) == (
        0,
        0,
        4,
    )
    assert state() == before
    assert KeyFigure.history.count() == history


def test_a_corrected_figure_of_the_same_year_is_updated(reference, tmp_path):
    """The same point with a new value is an update, not a second point."""
    services.leg_import_run(path=key_figure_csv(tmp_path / "a.csv", FIGURES_2013))
    corrected = [["Automobil", "Umsatz Mrd EUR", "8,1", "x", "", "2013", LEG_SOURCE]]
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "b.csv", corrected))
    assert (run.key_figures_created, run.key_figures_updated) == (0, 1)
    assert figure("automobil", Metric.REVENUE, 2013).value == Decimal("8100000000")


def test_a_key_figure_error_refuses_the_file(reference, tmp_path):
    """An unknown growth field or metric in the Kennzahlen sheet writes nothing."""
    before = state()
    rows = [*FIGURES_2013, ["Raumfahrt", "Umsatz Mrd EUR", "1", "", "", "2013", LEG_SOURCE]]
    rows.append(["Automobil", "Gewinn", "1", "", "", "2013", LEG_SOURCE])
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "a.csv", rows))
    assert run.status == RunStatus.REFUSED
    assert [(e["row"], e["column"], e["value"]) for e in errors(run)] == [
        (6, "Wachstumsfeld", "Raumfahrt"),
        (7, "Kennzahl", "Gewinn"),
    ]
    assert state() == before


def test_an_xlsx_with_companies_and_key_figures_imports_both(reference, tmp_path):
    """An XLSX with the sheets Unternehmen and Kennzahlen (numbers and dates as cells) imports
    organisations and figures in one run; the second run changes nothing."""
    rows = [[row[h] for h in HEADERS] for row in BASE_ROWS]
    figures = [
        ["Automobil", "Umsatz Mrd EUR", 7.9, "x", None, datetime.datetime(2013, 6, 30), LEG_SOURCE],
        ["Maschinenbau", "Anteil BWS %", "12,5", None, None, "06.2013", LEG_SOURCE],
    ]
    path = write_xlsx(tmp_path / "leg.xlsx", HEADERS, rows, key_figures=figures)
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.IMPORTED, run.report
    assert (run.created, run.key_figures_created) == (5, 2)
    revenue = KeyFigure.objects.get(
        growth_field__slug="automobil", reference_date=datetime.date(2013, 6, 30)
    )
    assert (revenue.value, revenue.reference_precision) == (Decimal("7900000000"), "day")
    share = KeyFigure.objects.get(
        growth_field__slug="maschinenbau", reference_date=datetime.date(2013, 6, 1)
    )
    assert (share.value, share.reference_precision, share.metric) == (
        Decimal("12.5"),
        "month",
        Metric.GVA_SHARE,
    )
    before = state()
    run = services.leg_import_run(path=path)
    assert (run.unchanged, run.key_figures_unchanged) == (5, 2)
    assert state() == before


def test_reimporting_a_key_figure_with_three_decimals_is_unchanged(reference, tmp_path):
    """ "Anteil BWS %" "12,345" is stored as 12.35 (two places); importing it again is
    unchanged."""
    path = key_figure_csv(
        tmp_path / "a.csv", [["Automobil", "Anteil BWS %", "12,345", "", "", "2013", LEG_SOURCE]]
    )
    services.leg_import_run(path=path)
    run = services.leg_import_run(path=path)
    assert (run.key_figures_updated, run.key_figures_unchanged) == (0, 1)


def test_a_key_figure_too_large_for_the_database_is_a_row_error(reference, tmp_path):
    """ "1.000.000" Umsatz Mrd EUR (10^15 EUR) does not fit the value column: a row error
    naming the cell, nothing written, and the figures stay readable."""
    rows = [["Automobil", "Umsatz Mrd EUR", "1.000.000", "", "", "2014", LEG_SOURCE]]
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "a.csv", rows))
    assert run.status == RunStatus.REFUSED
    assert [(e["row"], e["column"], e["value"]) for e in errors(run)] == [(2, "Wert", "1.000.000")]
    assert list(KeyFigure.objects.values_list("value", flat=True))


def test_an_over_long_key_figure_text_is_reported_like_the_company_sheet(reference, tmp_path):
    """A scope note over 200 or a source over 300 characters is a row error "zu lang", row and
    column named, as in the company sheet, instead of being cut off silently."""
    scope, source = "WZ " + "x" * 250, "Q" * 301
    rows = [["Automobil", "Umsatz Mrd EUR", "7,9", "", scope, "2014", LEG_SOURCE],
            ["Automobil", "Beschäftigte", "52.000", "", "", "2014", source]]  # fmt: skip
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "a.csv", rows))
    assert run.status == RunStatus.REFUSED
    assert [(e["row"], e["column"], e["value"], e["message"]) for e in errors(run)] == [
        (2, "Abgrenzung", scope[:60] + "…", "zu lang (253 Zeichen, höchstens 200)"),
        (3, "Quelle", source[:60] + "…", "zu lang (301 Zeichen, höchstens 300)"),
    ]
    assert not KeyFigure.objects.filter(reference_date__year=2014).exists()


def test_the_estimate_column_reads_the_one_yes_no_vocabulary(reference, tmp_path):
    """The key figures' "ca." column takes every yes/no spelling the back office's imports
    take ("wahr", "true", "falsch"), and "ca." itself; anything else is a row error."""
    from core.widgets import GermanBooleanWidget

    rows = [["Automobil", "Umsatz Mrd EUR", "7,9", "wahr", "", "2014", LEG_SOURCE],
            ["Automobil", "Beschäftigte", "52.000", "falsch", "", "2014", LEG_SOURCE],
            ["MSR", "Unternehmen", "460", "ca.", "", "2014", LEG_SOURCE]]  # fmt: skip
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "a.csv", rows))
    assert run.status == RunStatus.IMPORTED, run.report
    figures = KeyFigure.objects.filter(reference_date__year=2014).order_by("metric")
    assert [(f.metric, f.approximate) for f in figures] == [
        ("companies", True), ("employees", False), ("revenue", True),
    ]  # fmt: skip
    widget = GermanBooleanWidget()
    assert [widget.clean(v) for v in ("wahr", "true", "x", "ja", "falsch", "0")] == [
        True, True, True, True, False, False,
    ]  # fmt: skip
    bad = [["MSR", "Unternehmen", "461", "vielleicht", "", "2015", LEG_SOURCE]]
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "b.csv", bad))
    assert [(e["column"], e["value"]) for e in errors(run)] == [("ca.", "vielleicht")]


def test_a_known_point_stays_unchanged_when_a_newer_edition_of_its_source_exists(
    reference, tmp_path
):
    """With the LEG database's 2012 and 2013 editions as two sources of the same title, a file
    holding the 2012 figure (as in the brochure) changes nothing."""
    old = figure("automobil", Metric.REVENUE, 2012)
    Source.objects.create(
        slug="leg-db-2013-09", title=LEG_SOURCE, reference_date=datetime.date(2013, 9, 1)
    )
    rows = [["Automobil", "Umsatz Mrd EUR", "7,7", "x", "", "09.2012", LEG_SOURCE]]
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "a.csv", rows))
    assert (run.key_figures_created, run.key_figures_unchanged) == (0, 1)
    assert (
        KeyFigure.objects.filter(
            growth_field=old.growth_field, metric=Metric.REVENUE, reference_date=old.reference_date
        ).count()
        == 1
    )


# Query counts ---------------------------------------------------------------------------------


def queries_of_import_and_reimport(path):
    """Query counts of a first import and of an unchanged re-import, in a savepoint that is
    rolled back so each file starts from the same database."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as first:
            run = services.leg_import_run(path=path)
        assert run.status == RunStatus.IMPORTED, errors(run)
        with CaptureQueriesContext(connection) as second:
            again = services.leg_import_run(path=path)
        assert again.unchanged == run.created
        transaction.set_rollback(True)
    return len(first), len(second)


def test_query_counts_do_not_grow_with_the_number_of_rows(reference, tmp_path):
    """Importing 2,000 rows costs as many queries as 200 (set-based writes, no per-row
    queries), and so does re-importing them unchanged."""
    small = queries_of_import_and_reimport(generate(tmp_path / "200.csv", rows=200, seed=81))
    large = queries_of_import_and_reimport(generate(tmp_path / "2000.csv", rows=2000, seed=81))
    assert large == small
    assert small[0] < 60


def test_query_counts_of_an_update_do_not_grow_with_the_number_of_rows(reference, tmp_path):
    """Updating 20 or 200 changed rows costs the same number of queries."""
    counts_by_size = []
    for size in (20, 200):
        first = generate(tmp_path / f"{size}-a.csv", rows=size, seed=82)
        headers, rows = read_csv(first)
        for row in rows:
            row[headers.index("Telefon")] += "0"
        second = write_csv(
            tmp_path / f"{size}-b.csv", [dict(zip(headers, r, strict=True)) for r in rows], headers
        )
        with transaction.atomic():
            services.leg_import_run(path=first)
            with CaptureQueriesContext(connection) as queries:
                run = services.leg_import_run(path=second)
            assert run.updated == size
            transaction.set_rollback(True)
        counts_by_size.append(len(queries))
    assert counts_by_size[0] == counts_by_size[1]


# The record of every run ----------------------------------------------------------------------


def test_every_run_is_recorded(reference, tmp_path, user):
    """Imported, dry and refused runs are all ImportRuns with the file name, the sha256 of the
    file, the counts, the duration and a report of row, column, value and message."""
    run = services.leg_import_run(path=SAMPLE, user=user)
    stored = ImportRun.objects.get(pk=run.pk)
    assert stored.status == RunStatus.IMPORTED
    assert stored.user == user
    assert stored.file_name == "sample.csv"
    assert stored.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert stored.file_size == SAMPLE.stat().st_size
    assert (stored.rows, stored.created, stored.updated, stored.unchanged) == (300, 300, 0, 0)
    assert stored.duration > 0
    assert stored.warning_count == len(stored.report) > 0
    assert stored.error_count == 0
    for issue in stored.report:
        assert set(issue) == {"row", "column", "value", "message", "severity"}
        assert issue["row"] >= 2 and issue["column"] and issue["message"]

    created = Organisation.history.filter(history_type="+", history_user=user)
    assert created.count() == 300
    assert created.filter(history_change_reason=f"LEG-Import #{run.pk}").count() == 300
    assert Membership.history.filter(history_user=user).count() == Membership.objects.count() > 0

    services.leg_import_run(path=SAMPLE, dry_run=True)
    rows = [dict(row) for row in BASE_ROWS]
    rows[2]["Beschäftigte"] = "zwölf"
    bad = write_csv(tmp_path / "fehler.csv", rows)
    services.leg_import_run(path=bad)
    runs = list(ImportRun.objects.order_by("pk"))
    assert [r.status for r in runs] == [RunStatus.IMPORTED, RunStatus.DRY_RUN, RunStatus.REFUSED]
    assert runs[1].unchanged == 300
    refused = runs[2]
    assert refused.file_name == "fehler.csv"
    assert refused.sha256 == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert refused.error_count == 1
    assert errors(refused) == [
        {
            "row": 4,
            "column": "Beschäftigte",
            "value": "zwölf",
            "message": errors(refused)[0]["message"],
            "severity": "error",
        }
    ]
    assert "keine Zahl" in errors(refused)[0]["message"]
    assert refused.duration is not None


def test_the_import_reads_the_file_by_content_not_by_its_name(reference, tmp_path):
    """The sample saved as .xlsx (a CSV) imports like the .csv, with a warning note."""
    path = tmp_path / "sample.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    run = services.leg_import_run(path=path)
    assert (run.status, run.created) == (RunStatus.IMPORTED, 300)
    assert any("Textdatei (CSV)" in w["message"] for w in warnings_of(run))


def test_an_upload_name_is_recorded(reference, tmp_path):
    """A run from an upload records the name the user gave the file, not the stored path's."""
    path = write_csv(tmp_path / "upload-1234.tmp", BASE_ROWS)
    run = services.leg_import_run(path=path, file_name="LEG-Export September.csv")
    assert run.file_name == "LEG-Export September.csv"
    assert (
        Organisation.history.filter(
            history_change_reason=f"LEG-Import #{run.pk}"
        ).count()
        == 5
    )
    assert run.file_size == path.stat().st_size
