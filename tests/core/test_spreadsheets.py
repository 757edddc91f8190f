"""The one writer of CSV and XLSX downloads (core.spreadsheets): its bytes, its cell
formats and its licence policy, shared by the directory export, the comparison table and the
LEG import report."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core import spreadsheets
from imports.models import ImportRun
from tests.factories import OrganisationFactory

LICENSE_LINK = f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'


def content_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("stream", [False, True])
def test_csv_bytes(stream):
    """Byte order mark, ";" between cells, CRLF, German decimal comma without grouping, ISO
    dates, ja/nein, empty for None, formulas escaped (the header too), numbers left alone."""
    response = spreadsheets.csv_response(
        ["Name", "=Kopf"],
        [
            ["=1+1", Decimal("1234.500")],
            [-5, 0.25],
            [True, datetime.date(2012, 2, 27)],
            [False, None],
            ["Jena; Weimar", "-1234,5"],
        ],
        filename="probe.csv",
        licence=False,
        stream=stream,
    )
    assert content_of(response) == (
        b"\xef\xbb\xbfName;'=Kopf\r\n"
        b"'=1+1;1234,5\r\n"
        b"-5;0,25\r\n"
        b"ja;2012-02-27\r\n"
        b"nein;\r\n"
        b'"Jena; Weimar";-1234,5\r\n'
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="probe.csv"'


def test_streamed_csv_keeps_the_language_of_the_request():
    """A streamed file is written after the view returned, still in the request's language."""
    with translation.override("en"):
        response = spreadsheets.csv_response(
            ["x"], [[True]], filename="p.csv", licence=False, stream=True
        )
    assert content_of(response).endswith(b"yes\r\n")


def test_licence_policy_open_data_names_the_licence_in_the_link_header():
    """Open data carries the licence in the Link header and nothing else in the file; a
    back-office file carries none."""
    public = spreadsheets.csv_response(["a"], [[1]], filename="p.csv", licence=True)
    internal = spreadsheets.csv_response(["a"], [[1]], filename="p.csv", licence=False)
    assert public["Link"] == LICENSE_LINK
    assert "Link" not in internal
    assert public.content == internal.content == b"\xef\xbb\xbfa\r\n1\r\n"


def test_xlsx_has_the_same_rows_typed_and_a_licence_sheet():
    """The XLSX writer takes the same rows: typed cells, formulas escaped, bold header, the
    licence in the Link header, the document properties and a sheet of its own."""
    response = spreadsheets.xlsx_response(
        ["Name", "Zahl"],
        [["=1+1", Decimal("12.5")], ["Jena\x07", 3]],
        filename="probe.xlsx",
        title="Probe",
        sheet="Daten",
        source="http://testserver/probe/",
    )
    assert response["Link"] == LICENSE_LINK
    workbook = load_workbook(io.BytesIO(content_of(response)))
    assert workbook.sheetnames == ["Daten", "Lizenz"]
    assert list(workbook["Daten"].values) == [
        ("Name", "Zahl"),
        ("'=1+1", 12.5),
        ("Jena\N{REPLACEMENT CHARACTER}", 3),
    ]
    assert workbook["Daten"]["A1"].font.bold
    licence = dict(workbook["Lizenz"].values)
    assert licence["Lizenz"] == settings.PORTAL_DATA_LICENSE["name"]
    assert licence["Quelle"] == "http://testserver/probe/"
    assert settings.PORTAL_DATA_LICENSE["url"] in workbook.properties.description


@pytest.mark.django_db
def test_every_download_uses_the_one_writer(client, admin_client, monkeypatch):
    """The directory's CSV, the comparison CSV and the import report all come from
    ``spreadsheets.csv_response``: the open data ones with the licence, the report without."""
    calls = []
    original = spreadsheets.csv_response

    def recorded(header, rows, **options):
        calls.append(options["licence"])
        return original(header, rows, **options)

    monkeypatch.setattr(spreadsheets, "csv_response", recorded)
    OrganisationFactory()
    run = ImportRun.objects.create(file_name="leg.csv", report=[])
    assert client.get(reverse("members:export"), {"format": "csv"}).status_code == 200
    assert client.get(reverse("compare_export")).status_code == 200
    report = admin_client.get(reverse("admin:imports_importrun_report", args=[run.pk]))
    assert report.status_code == 200
    assert calls == [True, True, False]
    assert "Link" not in report


def test_csv_text_formats_numbers_the_german_way_in_every_language():
    """German spreadsheets read "12,5" whatever language the page is in."""
    with translation.override("en"):
        assert spreadsheets.csv_text(Decimal("12.500")) == "12,5"
