"""The LEG import under broken and hostile files (issue 18): every row's cell count is checked,
Excel's error values and formulas without a result are refused by cell, huge numbers and
impossible dates are row errors in German, non-ASCII digits are no digits, and a header-only
file is refused. Concurrency (version-conditional writes, one import at a time) is in
``test_concurrency.py``; the bounded report in ``test_bounded_report.py``."""

import datetime
import zipfile
from io import BytesIO

import openpyxl
import pytest

from growthfields.models import KeyFigure, Source
from imports import services
from imports.choices import RunStatus
from imports.reading import open_spreadsheet
from members.models import Organisation
from tests.imports import test_leg_import
from tests.imports.test_leg_import import (
    BASE_ROWS,
    HEADERS,
    KEY_FIGURE_HEADERS,
    LEG_SOURCE,
    command,
    errors,
    key_figure_csv,
    later_rows,
    state,
    write_csv,
)
from tests.leg_files import csv_text

pytestmark = pytest.mark.django_db
existing = test_leg_import.existing

PRIVATE = ("0361 555 123", "geheim@logistik.example")


def crafted_rows():
    """The five known organisations; the fifth has a telephone number and e-mail address
    that must never end up in another organisation's keywords or in any report."""
    rows = [dict(row) for row in BASE_ROWS]
    rows[4].update({"Telefon": PRIVATE[0], "E-Mail": PRIVATE[1]})
    return rows


def unclosed_quote(text, leg_id, closing=""):
    """The file's text with the keywords of ``leg_id`` opening a quote that never closes
    (``"Leichtbau, Sensorik;08.06.2012``); ``closing`` goes into the next row's street."""
    lines = text.split("\r\n")
    for index, line in enumerate(lines):
        if line.startswith(leg_id):
            cells = line.split(";")
            cells[-2:] = ['"Leichtbau, Sensorik', "08.06.2012"]
            lines[index] = ";".join(cells)
            if closing:
                following = lines[index + 1].split(";")
                following[4] += closing
                lines[index + 1] = ";".join(following)
    return "\r\n".join(lines)


CRAFTED = {
    # the quote runs to the end of the file
    "to the end": ("TH-000004", ""),
    # the quote closes in the next line, which then has too few cells
    "closed in the next line": ("TH-000004", '"'),
    # the quote runs into the next row's own quotes
    "into quoted cells": ("TH-000003", ""),
}


@pytest.mark.parametrize(("leg_id", "closing"), CRAFTED.values(), ids=CRAFTED.keys())
def test_an_unclosed_quote_is_refused_and_leaks_nothing(existing, tmp_path, leg_id, closing):
    """The crafted file of issue 18: a keywords cell opens a quote that never closes. The
    file is refused with a German message naming the row, nothing is written, and the next
    organisation's telephone number and e-mail address appear in no output."""
    path = tmp_path / "angriff.csv"
    text = unclosed_quote(csv_text(crafted_rows()), leg_id, closing)
    path.write_text(text, encoding="utf-8", newline="")
    out, err, status = command(path)
    assert status == 1
    assert "Zeile" in err and "Anführungszeichen" in err, err
    assert state() == existing
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.REFUSED
    for secret in PRIVATE:
        assert secret not in out + err
        assert secret not in str(run.report) + run.message
    assert not Organisation.objects.filter(keywords__contains="Leichtbau").exists()


@pytest.mark.parametrize(("change", "count"), [(-1, 19), (+1, 21), (+480, 500)])
def test_a_row_with_too_few_or_too_many_cells_is_a_row_error(existing, tmp_path, change, count):
    """A row with fewer or more cells than the header is an error of that row ("Zeile 4:
    19 Zellen statt 20"), never padded with empty values or cut silently; nothing written."""
    lines = csv_text(later_rows()).split("\r\n")
    cells = lines[3].split(";")
    cells = cells[:change] if change < 0 else cells + ["x"] * change
    lines[3] = ";".join(cells)
    path = tmp_path / "zellen.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.REFUSED
    [error] = errors(run)
    assert error["row"] == 4
    assert error["message"].startswith(f"Zeile 4: {count} Zellen statt 20"), error
    assert state() == existing


def test_extra_cells_right_of_the_headers_in_an_xlsx_are_a_row_error(existing, tmp_path):
    """An XLSX row with values right of the last header is an error of its row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Unternehmen"
    sheet.append(HEADERS)
    for row in later_rows():
        sheet.append([row[header] for header in HEADERS])
    sheet.cell(row=3, column=23, value="übrig")
    workbook.save(tmp_path / "breit.xlsx")
    run = services.leg_import_run(path=tmp_path / "breit.xlsx")
    assert run.status == RunStatus.REFUSED
    assert [e["row"] for e in errors(run)] == [3]
    assert "Zeile 3: 21 Zellen" in errors(run)[0]["message"]
    assert state() == existing


# Huge key figures and impossible dates -------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["1.000.000.000.000.000.000.000.000.000", "ca. 9" + "9" * 40 + ",5", 1e300]
)
def test_a_huge_key_figure_is_a_row_error(reference_data, tmp_path, value):
    """A value with 30 digits (or 1e300 in an XLSX) is refused as "zu groß", with a German
    message naming the cell: never decimal.InvalidOperation and a traceback."""
    row = ["Automobil", "Umsatz Mrd EUR", value, "", "", "2014", LEG_SOURCE]
    if isinstance(value, float):
        workbook = openpyxl.Workbook()
        workbook.active.title = "Kennzahlen"
        workbook.active.append(KEY_FIGURE_HEADERS)
        workbook.active.append(row)
        path = tmp_path / "gross.xlsx"
        workbook.save(path)
    else:
        path = key_figure_csv(tmp_path / "gross.csv", [row])
    before = KeyFigure.objects.count()
    out, err, status = command(path)
    assert status == 1 and "Traceback" not in err
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.REFUSED
    assert [(e["row"], e["column"]) for e in errors(run)] == [(2, "Wert")]
    assert "zu groß" in errors(run)[0]["message"]
    assert KeyFigure.objects.count() == before


@pytest.mark.parametrize("stand", ["0000", "00.0000", "13.2014", "31.02.2014"])
def test_an_impossible_reference_date_is_refused_in_german(reference_data, tmp_path, stand):
    """ "0000" as a key figure's Stand gives a German message, never Python's English
    "year 0 is out of range"."""
    rows = [["Automobil", "Unternehmen", "510", "", "", stand, LEG_SOURCE]]
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "stand.csv", rows))
    assert run.status == RunStatus.REFUSED
    [error] = errors(run)
    assert error["column"] == "Stand"
    assert "kein Stand" in error["message"] and "range" not in error["message"]


# Non-ASCII digits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Beschäftigte", "١٢٣"),
        ("Umsatz Mio EUR", "١٢,٥"),
        ("WZ 2008", "٢٦.٥١"),
        ("Gründungsjahr", "١٩٩٠"),
        ("Stand", "٢٧.٠٢.٢٠١٢"),
        ("Beschäftigte", "１２３"),
    ],
)
def test_non_ascii_digits_are_no_numbers(existing, tmp_path, header, value):
    """Arabic-Indic or full-width digits are refused as numbers, years, dates and WZ codes
    (``str.isdigit()`` and ``\\d`` accept them, the database and the public pages must not)."""
    rows = later_rows()
    rows[1][header] = value
    run = services.leg_import_run(path=write_csv(tmp_path / "ziffern.csv", rows))
    assert run.status == RunStatus.REFUSED
    assert [(e["row"], e["column"]) for e in errors(run)] == [(3, header)]


def test_non_ascii_digits_are_no_key_figure_values_or_dates(reference_data, tmp_path):
    rows = [
        ["Automobil", "Unternehmen", "٥١٠", "", "", "2014", LEG_SOURCE],
        ["Automobil", "Beschäftigte", "510", "", "", "٢٠١٤", LEG_SOURCE],
    ]
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "ziffern.csv", rows))
    assert [(e["row"], e["column"]) for e in errors(run)] == [(2, "Wert"), (3, "Stand")]


# Sources with non-Latin titles ---------------------------------------------------------------


def test_sources_with_non_latin_titles_stay_apart(reference_data, tmp_path):
    """Two new sources whose titles have no Latin letters are two sources with two slugs,
    not one source (both titles normalise to the empty key, and slugify to "")."""
    rows = [
        ["Automobil", "Unternehmen", "510", "", "", "2014", "Статистика Тюрингии"],
        ["Automobil", "Beschäftigte", "52.000", "", "", "2014", "統計局"],
    ]
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "quellen.csv", rows))
    assert run.status == RunStatus.IMPORTED, errors(run)
    sources = Source.objects.filter(title__in=[rows[0][6], rows[1][6]])
    assert sorted(sources.values_list("title", flat=True)) == sorted([rows[0][6], rows[1][6]])
    assert len(set(sources.values_list("slug", flat=True))) == 2
    assert all(slug.strip("-") for slug in sources.values_list("slug", flat=True))
    figures = KeyFigure.objects.filter(source__in=sources)
    assert sorted(figures.values_list("source__title", flat=True)) == sorted(
        [rows[0][6], rows[1][6]]
    )


# XLSX: empty formatted rows, formulas, error values -----------------------------------------


def formatted_to_the_last_row(path, rows):
    """An XLSX with ``rows`` and every row down to 1,048,576 formatted but empty, as Excel
    writes a sheet whose whole columns were formatted."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Unternehmen"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[header] for header in HEADERS])
    buffer = BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(BytesIO(buffer.getvalue()))
    xml = source.read("xl/worksheets/sheet1.xml").decode()
    first = len(rows) + 2
    empty = "".join(f'<row r="{n}" s="1" customFormat="1"/>' for n in range(first, 1_048_577))
    xml = xml.replace("</sheetData>", empty + "</sheetData>")
    xml = xml.replace(f'ref="A1:T{first - 1}"', 'ref="A1:T1048576"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else None
            target.writestr(info.filename, data or source.read(info.filename))
    return path


def test_empty_formatted_rows_down_to_the_last_excel_row_are_not_counted(reference_data, tmp_path):
    """An XLSX with 5 rows and empty formatted rows down to row 1,048,576 imports its 5 rows;
    only rows with a value count against the row limit."""
    path = formatted_to_the_last_row(tmp_path / "formatiert.xlsx", BASE_ROWS)
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.IMPORTED, run.report
    assert (run.rows, run.created) == (5, 5)


def xlsx_with_cells(path, cells):
    """The five known rows as XLSX; ``cells`` ({(row, header): value}) typed in afterwards."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Unternehmen"
    sheet.append(HEADERS)
    for row in later_rows():
        sheet.append([row[header] for header in HEADERS])
    for (row, header), value in cells.items():
        sheet.cell(row=row, column=HEADERS.index(header) + 1, value=value)
    workbook.save(path)
    return path


def with_cell_xml(path, target_path, coordinate, content):
    """A copy of the XLSX at ``path`` whose cell ``coordinate`` is written as
    ``<c r="…" {content}</c>`` in the sheet's XML (what openpyxl cannot write)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target_path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{coordinate}"')
                end = text.index("</c>", start) + 4
                data = (text[:start] + f'<c r="{coordinate}" {content}</c>' + text[end:]).encode()
            target.writestr(info.filename, data)
    return target_path


def test_a_formula_without_a_stored_result_is_an_error_naming_the_cell(existing, tmp_path):
    """openpyxl saves formulas without results (as do other tools): such a cell is an error
    naming the cell ("B3"), not silently empty."""
    path = xlsx_with_cells(tmp_path / "formel.xlsx", {(3, "Name"): '=CONCAT("A";"B")'})
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.REFUSED
    [error] = errors(run)
    assert (error["row"], error["column"]) == (3, "Name")
    assert "Formel" in error["message"] and "B3" in error["message"]
    assert state() == existing


def test_excel_error_values_are_refused_as_names_and_values(existing, tmp_path):
    """ "#NAME?" (an error cell of Excel) is no name, "#DIV/0!" no number: errors of their
    cells, in XLSX (error cells) and CSV (their text) alike."""
    path = xlsx_with_cells(tmp_path / "fehlerwert.xlsx", {(3, "Name"): "#NAME?"})
    xml_path = with_cell_xml(path, tmp_path / "fehlerwert-e.xlsx", "B3", 't="e"><v>#NAME?</v>')
    rows = later_rows()
    rows[1]["Beschäftigte"] = "#DIV/0!"
    csv_path = write_csv(tmp_path / "fehlerwert.csv", rows)
    for file, column in ((path, "Name"), (xml_path, "Name"), (csv_path, "Beschäftigte")):
        run = services.leg_import_run(path=file)
        assert run.status == RunStatus.REFUSED, file
        assert [(e["row"], e["column"]) for e in errors(run)] == [(3, column)]
        assert "Excel-Fehlerwert" in errors(run)[0]["message"]
    assert state() == existing


def test_an_unreadable_xlsx_row_is_named_in_german(tmp_path):
    """A cell Excel cannot hold (a number cell with text) makes the file unreadable from its
    row on, in German and without openpyxl's English reason."""
    path = xlsx_with_cells(tmp_path / "kaputt.xlsx", {})
    broken = with_cell_xml(path, tmp_path / "kaputt2.xlsx", "M4", 't="n"><v>zwölf</v>')
    run = services.leg_import_run(path=broken)
    assert run.status == RunStatus.REFUSED
    assert "ab Zeile 4 nicht lesbar" in run.message, run.message
    assert "could not convert" not in run.message


# A file without data rows ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_header_only_file_is_refused(existing, tmp_path, kind):
    """A file with the header and no data row imports nothing: it is refused with "keine
    Datenzeilen" and exit status 1, as docs/import.md defines for a file not imported."""
    if kind == "csv":
        path = write_csv(tmp_path / "leer.csv", [])
    else:
        workbook = openpyxl.Workbook()
        workbook.active.title = "Unternehmen"
        workbook.active.append(HEADERS)
        path = tmp_path / "leer.xlsx"
        workbook.save(path)
    out, err, status = command(path)
    assert status == 1
    assert "keine Datenzeilen" in err
    assert state() == existing


def test_the_reader_keeps_dates_and_numbers_of_xlsx_cells(tmp_path):
    """The reader's own sheet parser keeps what openpyxl gave: dates, numbers, percent cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["LEG-ID", "Stand", "Exportquote %", "Beschäftigte"])
    sheet.append(["TH-000001", datetime.datetime(2012, 2, 27), 0.456, 1250])
    sheet["C2"].number_format = "0.0%"
    workbook.save(tmp_path / "typen.xlsx")
    [(row, values)] = list(open_spreadsheet(tmp_path / "typen.xlsx").sheets[0].rows)
    assert row == 2
    assert values[0] == "TH-000001" and values[1] == datetime.datetime(2012, 2, 27)
    assert float(values[2]) == pytest.approx(45.6) and values[3] == 1250
