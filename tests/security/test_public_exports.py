"""Every other download escapes formulas with core.csvsafe (the directory's CSV and
XLSX, the comparison CSV, the LEG import report), the API offers no spreadsheet download, and
the LEG import reads our escaping back without the apostrophe."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from imports.models import ImportRun
from imports.reading import open_spreadsheet
from imports.services import leg_import_run
from members.models import Organisation
from tests.factories import GrowthFieldFactory, KeyFigureFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DDE = "-cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example";"klick")'
LEG_HEADERS = ["LEG-ID", "Name", "Rechtsform", "Art", "PLZ", "Ort", "Beschäftigte"]


def csv_lines(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_directory_export_escapes_formulas(client, file_format):
    """The directory download writes DDE and HYPERLINK payloads as text with an apostrophe,
    also after leading spaces."""
    OrganisationFactory(name=DDE, town=LINK, legal_form="  @SUM(A1)")
    response = client.get(reverse("members:export"), {"format": file_format})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        header, row = csv_lines(content)
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        header, row = workbook.worksheets[0].values
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == "'" + DDE
    assert cells["Ort"] == "'" + LINK
    assert cells["Rechtsform"] == "'  @SUM(A1)"


def test_comparison_export_escapes_formulas(client):
    """The comparison CSV escapes a growth field's name, scope note and source title; the
    figure itself stays a number."""
    field = GrowthFieldFactory(name=DDE, name_en="")
    KeyFigureFactory(growth_field=field, scope_note=LINK)
    lines = csv_lines(client.get(reverse("compare_export")).content)
    record = dict(zip(lines[0], lines[1], strict=True))
    assert record["Wachstumsfeld"] == "'" + DDE
    assert record["Unternehmen: Abgrenzung"] == "'" + LINK
    assert record["Unternehmen"] == "500"


def test_leg_report_escapes_formulas(superuser_client, tmp_path):
    """The import report CSV of a refused LEG file writes the offending value with an
    apostrophe."""
    path = tmp_path / "leg.csv"
    path.write_text(
        ";".join(LEG_HEADERS)
        + "\r\n"
        + ";".join(["TH-000001", "A GmbH", "GmbH", DDE, "07743", "Jena", "5"])
        + "\r\n",
        encoding="utf-8",
    )
    run = leg_import_run(path=path)
    assert run.error_count >= 1
    response = superuser_client.get(reverse("admin:imports_importrun_report", args=[run.pk]))
    values = [line[2] for line in csv_lines(response.content)[1:]]
    assert "'" + DDE in values
    assert DDE not in values


@pytest.mark.parametrize(
    ("params", "accept"),
    [({"format": "csv"}, "*/*"), ({}, "text/csv"), ({"format": "xlsx"}, "*/*")],
)
def test_the_api_offers_no_spreadsheet_download(client, params, accept):
    """The API answers JSON only: asking for CSV or XLSX is refused, never a file."""
    OrganisationFactory(name=LINK)
    response = client.get("/api/organisations/", params, HTTP_ACCEPT=accept)
    assert response.status_code in (404, 406)
    assert not response.get("Content-Type", "").startswith(("text/csv", "application/vnd"))


# The LEG reader ------------------------------------------------------------------------------


def test_leg_reader_removes_our_escaping_in_csv(tmp_path):
    """A CSV cell "'=Optik" (our escaping of "=Optik") is read as "=Optik"; "'Jena" (an
    apostrophe that is not ours) and "-5" stay as they are."""
    path = tmp_path / "leg.csv"
    path.write_text("LEG-ID;Name;Ort;Wert\r\nTH-000001;'=Optik;'Jena;-5\r\n", encoding="utf-8")
    (sheet,) = open_spreadsheet(path).sheets
    assert list(sheet.rows) == [(2, ["TH-000001", "=Optik", "'Jena", "-5"])]


def test_leg_reader_removes_our_escaping_in_xlsx(tmp_path):
    """The same in an XLSX cell; numbers stay numbers."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["LEG-ID", "Name", "Beschäftigte"])
    workbook.active.append(["TH-000001", "''=Optik", -5])
    path = tmp_path / "leg.xlsx"
    workbook.save(path)
    (sheet,) = open_spreadsheet(path).sheets
    assert list(sheet.rows) == [(2, ["TH-000001", "'=Optik", -5])]


def test_directory_export_through_the_leg_import_keeps_the_name(client, tmp_path):
    """The directory's CSV, fed to the LEG import, leaves "=1+1 GmbH" exactly as it was: the
    file shows "'=1+1 GmbH", the import reads "=1+1 GmbH" and reports nothing changed."""
    call_command("load_reference_data", stdout=io.StringIO())
    OrganisationFactory(name="=1+1 GmbH", leg_id="TH-000001", employees=5)
    content = b"".join(client.get(reverse("members:export"), {"format": "csv"}).streaming_content)
    assert "'=1+1 GmbH" in content.decode("utf-8-sig")
    path = tmp_path / "mitglieder.csv"
    path.write_bytes(content)

    run = leg_import_run(path=path, dry_run=True)

    assert run.error_count == 0, run.report
    assert (run.created, run.updated, run.unchanged) == (0, 0, 1), run.changes
    assert Organisation.objects.get().name == "=1+1 GmbH"
    assert ImportRun.objects.count() == 1


def test_directory_xlsx_export_survives_control_characters(client):
    """A control character XLSX cannot hold becomes U+FFFD instead of failing the download;
    the formula in the same row is escaped once, not twice."""
    OrganisationFactory(name="Optik\x01Werk", town="=1+1")
    response = client.get(reverse("members:export"), {"format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, row = workbook.worksheets[0].values
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == "Optik\ufffdWerk"
    assert cells["Ort"] == "'=1+1"
