"""Bad files give a clear German message, never a traceback: ``ImportFileError`` from
``open_spreadsheet``, a REFUSED ``ImportRun`` from ``leg_import_run`` and exit status 1 from the
command. Limits are checked before a file is parsed, so memory stays bounded."""

import hashlib
import io
import os
import random
import re
import tracemalloc
import zipfile
from contextlib import contextmanager
from io import StringIO

import openpyxl
import openpyxl.xml
import pytest
from django.core.management import call_command
from django.test import override_settings

from imports.choices import RunStatus, Severity
from imports.models import ImportRun
from imports.reading import ImportFileError, open_spreadsheet
from imports.services import leg_import_run
from members.models import Organisation

HEADERS = ["LEG-ID", "Name", "Rechtsform", "Art", "Straße", "PLZ", "Ort", "Beschäftigte"]
ROWS = [
    [
        "TH-000001",
        "Jenaer Optikwerke GmbH",
        "GmbH",
        "Unternehmen",
        "Carl-Zeiss-Straße 1",
        "7743",
        "Jena",
        "1.250",
    ],
    [
        "TH-000002",
        "Erfurter Sensortechnik AG",
        "AG",
        "Unternehmen",
        "Am Erfurter Kreuz 3",
        "99084",
        "Erfurt",
        "ca. 120",
    ],
    [
        "TH-000003",
        "Institut für Mikrooptik e.V.",
        "e.V.",
        "Forschungseinrichtung",
        "",
        "07745",
        "Jena",
        "k. A.",
    ],
]
MEMORY_LIMIT = 50 * 1024 * 1024


def csv_bytes(rows=ROWS, headers=HEADERS, delimiter=";", encoding="utf-8-sig"):
    lines = [delimiter.join(headers), *(delimiter.join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows=ROWS, headers=HEADERS, title="Unternehmen", write_only=False):
    """A workbook; a write-only one has no <dimension> element, like the LEG generator's."""
    workbook = openpyxl.Workbook(write_only=write_only)
    if write_only:
        sheet = workbook.create_sheet(title)
    else:
        sheet = workbook.active
        sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def replace_member(data: bytes, name: str, content) -> bytes:
    """The same zip archive with one member's content replaced (bytes, or an iterable of
    chunks written one at a time so a huge member never sits in memory at once)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
            elif isinstance(content, bytes):
                target.writestr(info.filename, content)
            else:
                with target.open(info.filename, "w", force_zip64=True) as member:
                    for chunk in content:
                        member.write(chunk)
    return stream.getvalue()


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def with_dimension(data: bytes, ref: str) -> bytes:
    xml = sheet_xml(data)
    if "<dimension" in xml:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
    else:
        xml = xml.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)
    return replace_member(data, "xl/worksheets/sheet1.xml", xml.encode())


def huge_cell_sheet(size: int, dimension: str = "A1:A2"):
    """Sheet XML with one inline string of ``size`` bytes: tiny compressed, huge parsed."""
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>LEG-ID</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>'
    ).encode()
    chunk = b"A" * (1 << 20)
    for _ in range(size >> 20):
        yield chunk
    yield b"</t></is></c></row></sheetData></worksheet>"


@contextmanager
def peak_memory():
    """Measure the peak of Python allocations inside the block (``result["peak"]``)."""
    result = {}
    tracemalloc.start()
    try:
        yield result
    finally:
        result["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path, **kwargs) -> str:
    """The message of the ImportFileError that opening or reading the file raises."""
    with pytest.raises(ImportFileError) as error:
        for sheet in open_spreadsheet(path, **kwargs).sheets:
            for _ in sheet.rows:
                pass
    return str(error.value)


# Bad files: one table of file, expected German message ---------------------------------------


def empty(tmp_path):
    return write(tmp_path, "leer.csv", b"")


def only_bom_and_blank_lines(tmp_path):
    return write(tmp_path, "leer2.csv", b"\xef\xbb\xbf\r\n \r\n")


def comma_separated(tmp_path):
    return write(tmp_path, "komma.csv", csv_bytes(delimiter=","))


def tab_separated(tmp_path):
    return write(tmp_path, "tab.csv", csv_bytes(delimiter="\t"))


def binary_garbage(tmp_path):
    data = random.Random(1).randbytes(4096)
    assert b"\x00" in data
    return write(tmp_path, "daten.csv", data)


def nul_after_64_kib(tmp_path):
    """A text file whose first NUL comes late: still binary, still refused before the DB."""
    rows = [
        [f"TH-{n:06d}", f"Firma {n} GmbH", "GmbH", "Unternehmen", "", "07743", "Jena", "1"]
        for n in range(1, 2000)
    ]
    data = csv_bytes(rows)
    assert len(data) > 65536
    return write(tmp_path, "spaet.csv", data[:-20] + b"\x00" + data[-20:])


def utf16_text(tmp_path):
    """Excel's "Unicode-Text" export: UTF-16 with BOM."""
    return write(tmp_path, "unicode.csv", csv_bytes(encoding="utf-16"))


def ole2(tmp_path):
    """A password-protected XLSX or an old .xls: an OLE2 compound file."""
    data = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512 - 8) + os.urandom(1024)
    return write(tmp_path, "geschuetzt.xlsx", data)


def truncated_xlsx(tmp_path):
    data = xlsx_bytes()
    return write(tmp_path, "kaputt.xlsx", data[: len(data) // 2])


def zip_without_workbook(tmp_path):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("readme.txt", "kein Excel")
    return write(tmp_path, "archiv.xlsx", stream.getvalue())


def garbage_sheet_xml(tmp_path):
    data = replace_member(xlsx_bytes(), "xl/worksheets/sheet1.xml", b"<<< kein XML >>>")
    return write(tmp_path, "blatt.xlsx", data)


def csv_with_huge_field(tmp_path):
    rows = [["TH-000001", "X" * 300_000, "", "Unternehmen", "", "07743", "Jena", ""]]
    return write(tmp_path, "lang.csv", csv_bytes(rows).replace(b"XXXX", b'"XXX', 1))


BAD_FILES = [
    (empty, "leer"),
    (only_bom_and_blank_lines, "leer"),
    (comma_separated, "Trennzeichen.*Komma"),
    (tab_separated, "Trennzeichen.*Tabulator"),
    (binary_garbage, "Binärdaten|Zeichenkodierung"),
    (nul_after_64_kib, "Binärdaten"),
    (utf16_text, "UTF-16"),
    (ole2, "kennwortgeschützt"),
    (truncated_xlsx, "beschädigt"),
    (zip_without_workbook, "keine Excel-Arbeitsmappe"),
    (garbage_sheet_xml, "kann nicht gelesen werden|nicht lesbar"),
    (csv_with_huge_field, "kein gültiges CSV"),
]


@pytest.mark.parametrize(("make", "message"), BAD_FILES, ids=[m.__name__ for m, _ in BAD_FILES])
def test_a_bad_file_is_refused_with_a_german_message(tmp_path, make, message):
    """open_spreadsheet raises ImportFileError with a message that says what is wrong."""
    path = make(tmp_path)
    text = refusal(path)
    assert re.search(message, text), text


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "message"), BAD_FILES, ids=[m.__name__ for m, _ in BAD_FILES])
def test_a_bad_file_gives_a_refused_run_and_writes_nothing(tmp_path, make, message):
    """leg_import_run records a REFUSED run with the message, the file's sha256 and a report
    entry for row 1; no organisation is written."""
    path = make(tmp_path)
    run = leg_import_run(path=path)
    assert run.status == RunStatus.REFUSED
    assert re.search(message, run.message), run.message
    assert run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert run.file_name == path.name
    assert run.error_count == 1
    assert run.report == [
        {
            "row": 1,
            "column": "",
            "value": path.name,
            "message": run.message,
            "severity": Severity.ERROR,
        }
    ]
    assert run.duration is not None
    assert ImportRun.objects.get() == run
    assert not Organisation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("make", [ole2, comma_separated, truncated_xlsx])
def test_the_command_prints_the_reason_and_exits_1(tmp_path, make):
    """``import_leg`` on a bad file prints the German reason on stderr and exits with status 1,
    without a traceback."""
    path = make(tmp_path)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_leg", str(path), stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "Traceback" not in err.getvalue()
    assert "row 1, column : " in err.getvalue()
    assert "abgelehnt" in out.getvalue()
    assert ImportRun.objects.get().status == RunStatus.REFUSED


# Wrong file names: read by content ----------------------------------------------------------


def test_a_csv_named_xlsx_is_read_as_csv_with_a_note(tmp_path):
    """A text file named .xlsx is read as CSV; a note says so."""
    path = write(tmp_path, "export.xlsx", csv_bytes())
    spreadsheet = open_spreadsheet(path)
    assert spreadsheet.format == "csv"
    assert spreadsheet.encoding == "utf-8-sig"
    assert [row for _, row in spreadsheet.sheets[0].rows][0][0] == "TH-000001"
    assert any("Textdatei (CSV)" in note for note in spreadsheet.notes)


def test_an_xlsx_named_csv_is_read_as_xlsx_with_a_note(tmp_path):
    """An Excel workbook named .csv is read as XLSX; a note says so."""
    path = write(tmp_path, "export.csv", xlsx_bytes())
    spreadsheet = open_spreadsheet(path)
    assert spreadsheet.format == "xlsx"
    assert spreadsheet.sheets[0].headers == HEADERS
    assert any("Excel-Datei (XLSX)" in note for note in spreadsheet.notes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "note"),
    [
        ("export.xlsx", csv_bytes(), "Textdatei (CSV)"),
        ("export.csv", xlsx_bytes(), "Excel-Datei (XLSX)"),
    ],
    ids=["csv-named-xlsx", "xlsx-named-csv"],
)
def test_a_misnamed_file_is_imported_with_a_warning(tmp_path, name, data, note):
    """The misnamed file is imported in full; the run's report carries the note as a warning."""
    path = write(tmp_path, name, data)
    run = leg_import_run(path=path)
    assert run.status == RunStatus.IMPORTED, run.report
    assert run.created == 3
    assert run.error_count == 0
    warnings = [issue for issue in run.report if issue["severity"] == Severity.WARNING]
    assert any(note in issue["message"] for issue in warnings), run.report
    jena = Organisation.objects.get(leg_id="TH-000001")
    assert (jena.postcode, jena.employees) == ("07743", 1250)


# Limits -------------------------------------------------------------------------------------


@override_settings(LEG_IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(tmp_path):
    """A file larger than LEG_IMPORT_MAX_BYTES is refused before it is read."""
    rows = [
        [f"TH-{n:06d}", f"Firma {n}", "", "Unternehmen", "", "07743", "Jena", ""]
        for n in range(1, 100)
    ]
    path = write(tmp_path, "gross.csv", csv_bytes(rows))
    assert path.stat().st_size > 1024
    assert "erlaubt sind höchstens" in refusal(path)
    assert "erlaubt sind höchstens" in refusal(write(tmp_path, "gross.xlsx", xlsx_bytes(rows)))
    # The limit holds exactly: a file of the allowed size passes.
    small = write(tmp_path, "klein.csv", csv_bytes(rows[:2]))
    with override_settings(LEG_IMPORT_MAX_BYTES=small.stat().st_size):
        assert open_spreadsheet(small).format == "csv"


@pytest.mark.django_db
@override_settings(LEG_IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_gives_a_refused_run(tmp_path):
    """leg_import_run refuses the large file and records its size."""
    rows = [
        [f"TH-{n:06d}", f"Firma {n}", "", "Unternehmen", "", "07743", "Jena", ""]
        for n in range(1, 100)
    ]
    path = write(tmp_path, "gross.csv", csv_bytes(rows))
    run = leg_import_run(path=path)
    assert run.status == RunStatus.REFUSED
    assert "MB groß" in run.message
    assert run.file_size == path.stat().st_size
    assert not Organisation.objects.exists()


@pytest.mark.django_db
@override_settings(LEG_IMPORT_COMMAND_MAX_BYTES=1024)
def test_the_command_has_its_own_size_limit(tmp_path):
    """The command refuses files over LEG_IMPORT_COMMAND_MAX_BYTES with exit status 1."""
    rows = [
        [f"TH-{n:06d}", f"Firma {n}", "", "Unternehmen", "", "07743", "Jena", ""]
        for n in range(1, 100)
    ]
    path = write(tmp_path, "gross.csv", csv_bytes(rows))
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_leg", str(path), stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert "erlaubt sind höchstens" in err.getvalue()


@pytest.fixture(scope="module")
def zip_bomb():
    """An XLSX whose sheet is 200 MB of XML but a few hundred KB compressed (built once: the
    deflating takes seconds)."""
    return replace_member(xlsx_bytes(), "xl/worksheets/sheet1.xml", huge_cell_sheet(200 << 20))


@override_settings(LEG_IMPORT_MAX_UNCOMPRESSED_BYTES=8 * 1024 * 1024)
def test_a_zip_bomb_is_refused_before_parsing_with_bounded_memory(tmp_path, zip_bomb):
    """An XLSX whose sheet is 200 MB of XML but a few hundred KB compressed is refused from
    the archive's directory, before any XML is parsed; memory stays far below the sheet size."""
    assert len(zip_bomb) < 2 * 1024 * 1024
    path = write(tmp_path, "bombe.xlsx", zip_bomb)
    with peak_memory() as memory:
        text = refusal(path)
    assert "entpackt sich auf" in text
    assert memory["peak"] < MEMORY_LIMIT


def test_a_zip_bomb_that_understates_its_size_is_still_bounded(tmp_path, zip_bomb):
    """A bomb whose zip directory claims a small size is cut off at that size: refused (the
    checksum fails) with bounded memory, never inflated in full."""
    data = zip_bomb
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 200 << 20
    lie = 4096
    patched = bytearray(data)
    # Central directory entry: uncompressed size at offset 24 (ZIP64 keeps it in an extra field).
    central = None
    for offset in [m.start() for m in re.finditer(rb"PK\x01\x02", data)]:
        name_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
        name = data[offset + 46 : offset + 46 + name_length]
        if name == b"xl/worksheets/sheet1.xml":
            central = offset
    assert central is not None
    extra_length = int.from_bytes(data[central + 30 : central + 32], "little")
    extra_start = central + 46 + len(b"xl/worksheets/sheet1.xml")
    extra = data[extra_start : extra_start + extra_length]
    if data[central + 24 : central + 28] == b"\xff\xff\xff\xff":
        # ZIP64: the real sizes sit in the extra field (header id 0x0001).
        assert extra[:2] == b"\x01\x00"
        patched[extra_start + 4 : extra_start + 12] = lie.to_bytes(8, "little")
    else:
        patched[central + 24 : central + 28] = lie.to_bytes(4, "little")
    path = write(tmp_path, "bombe2.xlsx", bytes(patched))
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == lie
    with peak_memory() as memory:
        try:
            spreadsheet = open_spreadsheet(path)
            rows = list(spreadsheet.sheets[0].rows)
        except ImportFileError as error:
            assert str(error)
        else:
            assert all(len(str(value or "")) <= lie for _, row in rows for value in row)
    assert memory["peak"] < MEMORY_LIMIT


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:ZZ2"])
def test_a_sheet_declaring_a_huge_dimension_is_refused_before_parsing(tmp_path, ref):
    """A sheet whose <dimension ref> declares more columns than allowed is refused from that
    declaration alone: its 60 MB cell is never parsed, memory stays bounded. (Declared rows
    are not trusted either way: only rows with a value count, see
    ``test_empty_formatted_rows_down_to_the_last_excel_row_are_not_counted``.)"""
    data = replace_member(
        xlsx_bytes(), "xl/worksheets/sheet1.xml", huge_cell_sheet(60 << 20, dimension=ref)
    )
    path = write(tmp_path, "riesig.xlsx", data)
    del data
    with peak_memory() as memory:
        text = refusal(path)
    assert "Die Datei wird nicht verarbeitet" in text
    assert memory["peak"] < MEMORY_LIMIT


def test_a_sheet_declaring_a_too_small_dimension_is_read_in_full(tmp_path):
    """Many tools write <dimension ref="A1"/> whatever the sheet holds: every row is still
    read (a wrong declaration must not silently drop rows)."""
    rows = [
        [f"TH-{n:06d}", f"Firma {n}", "", "Unternehmen", "", "07743", "Jena", ""]
        for n in range(1, 51)
    ]
    for ref in ("A1", "A1:C3"):
        path = write(
            tmp_path, f"klein-{ref.replace(':', '')}.xlsx", with_dimension(xlsx_bytes(rows), ref)
        )
        sheet = open_spreadsheet(path).sheets[0]
        assert sheet.headers == HEADERS
        read = list(sheet.rows)
        assert [number for number, _ in read] == list(range(2, 52))
        assert read[-1][1][:2] == ["TH-000050", "Firma 50"]


def test_openpyxl_parses_with_defusedxml():
    """defusedxml is installed, so openpyxl parses workbook XML with it (no entity expansion)."""
    assert openpyxl.xml.DEFUSEDXML is True


def test_an_xml_entity_bomb_is_refused(tmp_path):
    """A sheet with a billion-laughs DTD is refused (defusedxml forbids the DTD)."""
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    data = replace_member(xlsx_bytes(), "xl/worksheets/sheet1.xml", laughs.encode())
    path = write(tmp_path, "lol.xlsx", data)
    with peak_memory() as memory:
        try:
            sheet = open_spreadsheet(path).sheets[0]
            list(sheet.rows)
        except ImportFileError as error:
            assert str(error)
        else:
            pytest.fail("a sheet with a DTD entity was parsed")
    assert memory["peak"] < MEMORY_LIMIT


@override_settings(LEG_IMPORT_MAX_ROWS=10)
def test_too_many_rows_are_refused_while_reading(tmp_path):
    """More data rows than LEG_IMPORT_MAX_ROWS stop the reading with a clear message."""
    rows = [
        [f"TH-{n:06d}", f"Firma {n}", "", "Unternehmen", "", "07743", "Jena", ""]
        for n in range(1, 12)
    ]
    for path in (
        write(tmp_path, "viele.csv", csv_bytes(rows)),
        write(tmp_path, "viele.xlsx", xlsx_bytes(rows, write_only=True)),
    ):
        sheet = open_spreadsheet(path).sheets[0]
        with pytest.raises(ImportFileError, match="mehr als 10 Datenzeilen"):
            list(sheet.rows)


@override_settings(LEG_IMPORT_MAX_COLUMNS=5)
def test_too_many_columns_are_refused(tmp_path):
    """More columns than LEG_IMPORT_MAX_COLUMNS are refused in CSV and XLSX."""
    assert "Spalten" in refusal(write(tmp_path, "breit.csv", csv_bytes()))
    assert "Spalten" in refusal(write(tmp_path, "breit.xlsx", xlsx_bytes()))


# Good files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("cp1252", "cp1252")],
)
def test_the_encoding_is_detected(tmp_path, encoding, expected):
    """UTF-8 with or without BOM and Windows-1252 are told apart; umlauts survive."""
    path = write(tmp_path, "export.csv", csv_bytes(encoding=encoding))
    spreadsheet = open_spreadsheet(path)
    assert spreadsheet.encoding == expected
    assert spreadsheet.sheets[0].headers == HEADERS
    rows = [row for _, row in spreadsheet.sheets[0].rows]
    assert rows[0][4] == "Carl-Zeiss-Straße 1"
    assert rows[2][1] == "Institut für Mikrooptik e.V."


def test_csv_row_numbers_are_spreadsheet_rows(tmp_path):
    """Rows are numbered as the spreadsheet shows them: header is row 1, a blank line still
    counts, LF endings work like CRLF."""
    text = "\n".join([";".join(HEADERS), ";".join(ROWS[0]), "", ";".join(ROWS[1])]) + "\n"
    path = write(tmp_path, "lf.csv", text.encode())
    assert [number for number, _ in open_spreadsheet(path).sheets[0].rows] == [2, 4]


def test_xlsx_row_numbers_are_spreadsheet_rows(tmp_path):
    """An empty row in the sheet still counts, so row numbers match Excel's."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(ROWS[0])
    sheet.append([])
    sheet.append(ROWS[1])
    sheet.cell(row=6, column=1, value=ROWS[2][0])
    path = tmp_path / "luecke.xlsx"
    workbook.save(path)
    assert [number for number, _ in open_spreadsheet(path).sheets[0].rows] == [2, 4, 6]


def test_the_sheet_named_unternehmen_is_read_and_kennzahlen_too(tmp_path):
    """In a workbook the sheet ``Unternehmen`` is the company sheet wherever it stands, and
    ``Kennzahlen`` is read beside it; other sheets are ignored."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Hinweise"
    workbook.active.append(["Bitte nicht ändern"])
    figures = workbook.create_sheet("Kennzahlen")
    figures.append(["Wachstumsfeld", "Kennzahl", "Wert"])
    companies = workbook.create_sheet("Unternehmen")
    companies.append(HEADERS)
    companies.append(ROWS[0])
    path = tmp_path / "mappe.xlsx"
    workbook.save(path)
    spreadsheet = open_spreadsheet(path)
    assert [sheet.name for sheet in spreadsheet.sheets] == ["Unternehmen", "Kennzahlen"]
    assert spreadsheet.sheet("unternehmen").headers == HEADERS


def test_xlsx_cells_keep_their_types(tmp_path):
    """Numbers and dates in XLSX cells arrive as numbers and dates."""
    import datetime

    workbook = openpyxl.Workbook()
    workbook.active.append(["LEG-ID", "PLZ", "Umsatz Mio EUR", "Stand"])
    workbook.active.append(["TH-000001", 7743, 12.5, datetime.date(2012, 3, 1)])
    path = tmp_path / "typen.xlsx"
    workbook.save(path)
    [(number, row)] = list(open_spreadsheet(path).sheets[0].rows)
    assert number == 2
    assert row[1:3] == [7743, 12.5]
    assert row[3] == datetime.datetime(2012, 3, 1)
