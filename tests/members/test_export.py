"""The directory's export: CSV and XLSX of the current result."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.csvsafe import neutralise
from core.spreadsheets import csv_text
from tests.factories import (
    GrowthFieldFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "LEG-ID",
    "Name",
    "Rechtsform",
    "Art",
    "Straße",
    "PLZ",
    "Ort",
    "Landkreis",
    "Website",
    "Gründungsjahr",
    "Beschäftigte",
    "Beschäftigte ca.",
    "Umsatz Mio EUR",
    "Umsatz ca.",
    "Exportquote %",
    "WZ 2008",
    "Wachstumsfelder",
    "Netzwerke",
    "Schlagworte",
    "Stand",
    "Adresse im Portal",
]


def export_url(language="de"):
    with translation.override(language):
        return reverse("members:export")


def csv_rows(response):
    """The CSV body as rows of text (the byte order mark checked and dropped)."""
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def jenoptik():
    organisation = OrganisationFactory(
        leg_id="TH-000001",
        name="Jenoptik GmbH",
        street="Carl-Zeiß-Straße 1",
        phone="03641 65-0",
        email="info@jenoptik.example",
        website="https://www.jenoptik.example/",
        founding_year=1991,
        employees=3000,
        employees_approximate=True,
        revenue_meur=Decimal("1100.500"),
        export_quota=Decimal("65.25"),
        wz_code="26.70",
        keywords="Laser, Optik",
        record_date=datetime.date(2012, 2, 27),
    )
    organisation.growth_fields.add(GrowthFieldFactory(name="Optische Technologien"))
    MembershipFactory(organisation=organisation, network=NetworkFactory(name="OptoNet e.V."))
    MembershipFactory(
        organisation=organisation,
        network=NetworkFactory(name="Altes Netz e.V."),
        until=datetime.date(2009, 12, 31),
    )
    return organisation


def test_csv_has_the_columns_and_german_numbers(client, jenoptik):
    response = client.get(export_url(), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="mitglieder-{today}.csv"'
    header, row = csv_rows(response)
    assert header == HEADER
    assert dict(zip(header, row, strict=True)) == {
        "LEG-ID": "TH-000001",
        "Name": "Jenoptik GmbH",
        "Rechtsform": "GmbH",
        "Art": "Unternehmen",
        "Straße": "Carl-Zeiß-Straße 1",
        "PLZ": "07743",
        "Ort": "Jena",
        "Landkreis": "Jena",
        "Website": "https://www.jenoptik.example/",
        "Gründungsjahr": "1991",
        "Beschäftigte": "3000",
        "Beschäftigte ca.": "ja",
        "Umsatz Mio EUR": "1100,5",
        "Umsatz ca.": "nein",
        "Exportquote %": "65,25",
        "WZ 2008": "26.70",
        "Wachstumsfelder": "Optische Technologien",
        "Netzwerke": "OptoNet e.V.",
        "Schlagworte": "Laser, Optik",
        "Stand": "2012-02-27",
        "Adresse im Portal": f"http://testserver/mitglieder/{jenoptik.pk}/",
    }


def test_missing_numbers_are_empty_cells(client):
    OrganisationFactory()
    header, row = csv_rows(client.get(export_url(), {"format": "csv"}))
    cells = dict(zip(header, row, strict=True))
    for column in ("Gründungsjahr", "Beschäftigte", "Umsatz Mio EUR", "Exportquote %", "Stand"):
        assert cells[column] == ""


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_no_phone_or_email_is_exported(client, jenoptik, file_format):
    response = client.get(export_url(), {"format": file_format})
    if file_format == "csv":
        content = str(csv_rows(response))
    else:
        workbook = workbook_of(response)
        content = str([list(sheet.values) for sheet in workbook.worksheets])
    assert "03641" not in content
    assert "info@jenoptik.example" not in content
    assert "Telefon" not in content


def test_csv_names_the_licence_in_a_link_header(client, settings, jenoptik):
    """The licence travels beside the data, so that the file stays plain header plus rows."""
    response = client.get(export_url(), {"format": "csv"})
    assert response["Link"] == f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'
    rows = csv_rows(response)
    assert len(rows) == 2
    assert all(len(row) == len(HEADER) for row in rows)


def test_xlsx_has_typed_cells_and_a_licence_sheet(client, settings, jenoptik):
    response = client.get(export_url(), {"format": "xlsx", "district": "Jena"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="mitglieder-{today.isoformat()}.xlsx"'
    )
    assert response["Link"] == f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["Mitglieder", "Lizenz"]
    header, row = workbook["Mitglieder"].values
    assert list(header) == HEADER
    cells = dict(zip(header, row, strict=True))
    assert cells["Beschäftigte"] == 3000
    assert cells["Beschäftigte ca."] is True
    assert cells["Umsatz Mio EUR"] == pytest.approx(1100.5)
    assert cells["Exportquote %"] == pytest.approx(65.25)
    assert cells["Gründungsjahr"] == 1991
    assert cells["Stand"] == datetime.datetime(2012, 2, 27)
    assert cells["PLZ"] == "07743"
    assert cells["WZ 2008"] == "26.70"

    licence = dict(workbook["Lizenz"].values)
    assert licence["Lizenz"] == settings.PORTAL_DATA_LICENSE["name"]
    assert licence["Lizenztext"] == settings.PORTAL_DATA_LICENSE["url"]
    assert licence["Namensnennung"] == settings.PORTAL_DATA_LICENSE["attribution"]
    assert licence["Quelle"] == "http://testserver/mitglieder/?district=Jena"
    assert licence["Stand des Exports"].date() == today
    assert settings.PORTAL_DATA_LICENSE["url"] in workbook.properties.description


@pytest.fixture
def thirty():
    """30 organisations: more than one page of the directory."""
    return [
        OrganisationFactory(name=f"Firma {number:02d}", employees=number) for number in range(1, 31)
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_holds_every_page_in_the_directorys_order(client, thirty, file_format):
    response = client.get(export_url(), {"format": file_format, "sort": "-employees", "page": "2"})
    if file_format == "csv":
        names = [row[1] for row in csv_rows(response)[1:]]
    else:
        names = [row[1] for row in list(workbook_of(response)["Mitglieder"].values)[1:]]
    assert names == [f"Firma {number:02d}" for number in range(30, 0, -1)]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_applies_the_filters(client, file_format):
    network = NetworkFactory(slug="optonet")
    member = OrganisationFactory(name="Mitglied GmbH", town="Weimar", district="Weimar")
    MembershipFactory(organisation=member, network=network)
    OrganisationFactory(name="Andere GmbH", town="Weimar", district="Weimar")
    OrganisationFactory(name="Jenaer Mitglied", town="Jena")
    params = {"format": file_format, "network": "optonet", "district": "Weimar", "q": "Weimar"}
    response = client.get(export_url(), params)
    if file_format == "csv":
        names = [row[1] for row in csv_rows(response)[1:]]
    else:
        names = [row[1] for row in list(workbook_of(response)["Mitglieder"].values)[1:]]
    assert names == ["Mitglied GmbH"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_unpublished_organisations_are_never_exported(client, file_format):
    OrganisationFactory(name="Öffentlich GmbH")
    OrganisationFactory(name="Verborgen GmbH", leg_id="TH-987654", published=False)
    for params in ({}, {"leg_id": "TH-987654"}, {"q": "Verborgen"}):
        response = client.get(export_url(), {"format": file_format, **params})
        if file_format == "csv":
            content = str(csv_rows(response))
        else:
            content = str(list(workbook_of(response)["Mitglieder"].values))
        assert "Verborgen" not in content


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formula_cells_are_neutralised(client, file_format):
    """Text that a spreadsheet would run as a formula starts with an apostrophe; markup is
    plain text in a file."""
    OrganisationFactory(
        name='=HYPERLINK("http://evil.example","Klick")',
        legal_form="+GmbH",
        street="-Straße 1",
        town="@Jena",
        keywords="<script>alert(1)</script>",
    )
    response = client.get(export_url(), {"format": file_format})
    if file_format == "csv":
        header, row = csv_rows(response)
    else:
        header, row = workbook_of(response)["Mitglieder"].values
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == '\'=HYPERLINK("http://evil.example","Klick")'
    assert cells["Rechtsform"] == "'+GmbH"
    assert cells["Straße"] == "'-Straße 1"
    assert cells["Ort"] == "'@Jena"
    assert cells["Schlagworte"] == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 3641", "'+49 3641"),
        ("-foo", "'-foo"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Jenoptik", "Jenoptik"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_formula_text(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("number", [-5, Decimal("-5.5"), -0.5, 0, None, True])
def test_neutralise_leaves_numbers_alone(number):
    """A negative number is a number, not a formula: neither touched nor turned into text."""
    assert neutralise(number) is number


def test_negative_numbers_stay_numbers_in_the_csv():
    assert csv_text(neutralise(Decimal("-5"))) == "-5"
    assert csv_text(neutralise(Decimal("-1234.50"))) == "-1234,5"
    assert csv_text(neutralise(-5)) == "-5"


@pytest.mark.parametrize("file_format", [None, "", "pdf", "CSV", "json"])
def test_unknown_format_is_a_bad_request(client, file_format):
    params = {} if file_format is None else {"format": file_format}
    response = client.get(export_url(), params)
    assert response.status_code == 400
    assert "Unbekanntes Format" in response.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_english_export_links_to_english_pages(client, file_format):
    organisation = OrganisationFactory()
    url = export_url("en")
    assert url.startswith("/en/")
    response = client.get(url, {"format": file_format})
    assert response.status_code == 200
    if file_format == "csv":
        row = csv_rows(response)[1]
    else:
        row = list(workbook_of(response).worksheets[0].values)[1]
    assert row[-1] == f"http://testserver/en/members/{organisation.pk}/"


def test_invalid_filter_values_are_ignored_in_the_export(client):
    OrganisationFactory(name="Weimarer GmbH", district="Weimar")
    OrganisationFactory(name="Jenaer GmbH")
    response = client.get(export_url(), {"format": "csv", "district": "Weimar", "kind": "x"})
    assert response.status_code == 200
    assert [row[1] for row in csv_rows(response)[1:]] == ["Weimarer GmbH"]


def test_export_reads_rows_in_chunks_with_constant_queries(
    client, django_assert_max_num_queries, monkeypatch
):
    """Rows come in chunks, each chunk with one query for growth fields and one for networks,
    so that a large export never holds every row at once."""
    monkeypatch.setattr("members.exports.CHUNK_SIZE", 10)
    network = NetworkFactory()
    growth_field = GrowthFieldFactory()
    for organisation in OrganisationFactory.create_batch(25):
        organisation.growth_fields.add(growth_field)
        MembershipFactory(organisation=organisation, network=network)
    with django_assert_max_num_queries(3 * 3 + 2):
        rows = csv_rows(client.get(export_url(), {"format": "csv"}))
    assert len(rows) == 26
