"""Reading LEG spreadsheets (CSV or XLSX) into header + rows, refusing bad files early.

Every refusal is an ``ImportFileError`` with a German message for staff; nothing here ever
lets a traceback through for a file a user could upload. Limits (settings ``LEG_IMPORT_*``) are
checked before the content is parsed in full, so memory stays bounded.

Cells escaped by the portal's own exports (``'=1+1``, see ``core.csvsafe``) are read
without that apostrophe: staff may take the directory's export through a spreadsheet program
and back into the import, and must get the original value, not ``'=1+1``. Nothing else about a
cell is changed here.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from openpyxl.cell.read_only import EMPTY_CELL, ReadOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from core import xlsx
from core.csvsafe import QUOTE, unneutralise

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

COMPANY_SHEET = "Unternehmen"
KEY_FIGURE_SHEET = "Kennzahlen"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in German."""


# The values Excel shows instead of a result (also as text in a CSV saved from Excel).
EXCEL_ERRORS = frozenset(
    {"#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
     "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)  # fmt: skip


@dataclass(frozen=True)
class CellProblem:
    """Why a row cannot be read as it stands: ``column`` is the cell's position in the row
    (None for the row as a whole), ``value`` what staff may be shown of it."""

    column: int | None
    value: str
    message: str


class RowProblems(tuple):
    """A row's ``CellProblem``s; ``Sheet.rows`` yields it instead of the row's cells.

    The sheets' cleaners report each problem as an error of its row and clean nothing else of
    that row: its cells cannot be trusted (a cell swallowed the next line, or one is missing),
    and what they hold (another organisation's address) must not appear in any report.
    """


@dataclass
class Sheet:
    """One table: its headers (row 1) and its data rows with their spreadsheet row numbers."""

    name: str
    headers: list[str]
    rows: Iterator[tuple[int, list]]


@dataclass
class Spreadsheet:
    format: str
    encoding: str = ""
    sheets: list[Sheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def sheet(self, name):
        for sheet in self.sheets:
            if sheet.name.casefold() == name.casefold():
                return sheet
        return None


def open_spreadsheet(
    path: Path, *, file_name: str = "", max_bytes: int | None = None
) -> Spreadsheet:
    """Detect the format from the content (not the name) and open the file."""
    path = Path(path)
    size = path.stat().st_size
    limit = max_bytes or settings.LEG_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            f"Die Datei ist {size / 1024 / 1024:.1f} MB groß; erlaubt sind höchstens "
            f"{limit / 1024 / 1024:.0f} MB."
        )
    if size == 0:
        raise ImportFileError("Die Datei ist leer.")
    with path.open("rb") as stream:
        head = stream.read(8)
    name = (file_name or path.name).lower()
    if head.startswith(OLE_MAGIC):
        raise ImportFileError(
            "Die Datei ist kennwortgeschützt oder im alten Excel-Format (.xls). Bitte ohne "
            "Kennwort als Excel-Arbeitsmappe (.xlsx) oder als CSV speichern."
        )
    if head.startswith(ZIP_MAGIC):
        spreadsheet = _open_xlsx(path)
        if name.endswith(".csv"):
            spreadsheet.notes.append("Die Datei heißt .csv, ist aber eine Excel-Datei (XLSX).")
        return spreadsheet
    spreadsheet = _open_csv(path.read_bytes())
    if name.endswith((".xlsx", ".xlsm")):
        spreadsheet.notes.append("Die Datei heißt .xlsx, ist aber eine Textdatei (CSV).")
    return spreadsheet


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(UTF16_BOMS):
        raise ImportFileError(
            "Die Datei ist als UTF-16 („Unicode-Text“) gespeichert. Bitte als „CSV UTF-8“ oder "
            "„CSV (Trennzeichen-getrennt)“ speichern."
        )
    # The whole file, not only its start: a NUL further down would reach the database.
    if b"\x00" in data:
        raise ImportFileError(
            "Die Datei ist keine Tabelle (CSV oder XLSX), sondern enthält Binärdaten."
        )
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise ImportFileError("Die Datei ist als UTF-8 markiert, aber beschädigt.") from error
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "Die Zeichenkodierung der Datei ist weder UTF-8 noch Windows-1252."
        ) from error


def _open_csv(data: bytes) -> Spreadsheet:
    text, encoding = _decode(data)
    if not text.strip():
        raise ImportFileError("Die Datei ist leer.")
    # strict: a quote that is not closed where a cell ends is an error, not part of the text.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    try:
        headers = next(reader)
    except csv.Error as error:
        raise ImportFileError(
            "Die Kopfzeile ist kein gültiges CSV: " + _csv_problem(error)
        ) from error
    if len(headers) <= 1:
        first = headers[0] if headers else ""
        for delimiter, label in ((",", "Komma"), ("\t", "Tabulator"), ("|", "senkrechter Strich")):
            if delimiter in first:
                raise ImportFileError(
                    f"Falsches Trennzeichen: Die Spalten sind durch {label} getrennt, "
                    "erwartet wird das Semikolon (;)."
                )
    if len(headers) > settings.LEG_IMPORT_MAX_COLUMNS:
        raise ImportFileError(
            f"Die Datei hat {len(headers)} Spalten; erlaubt sind höchstens "
            f"{settings.LEG_IMPORT_MAX_COLUMNS}."
        )
    return Spreadsheet(
        format="csv",
        encoding=encoding,
        sheets=[
            Sheet(
                name="",
                headers=[h.strip() for h in headers],
                rows=_csv_rows(reader, len(headers)),
            )
        ],
    )


def _csv_problem(error: csv.Error) -> str:
    """The csv module's (English) reason in German."""
    reason = str(error)
    if "end of data" in reason or "expected after" in reason or "EOF" in reason:
        return "ein Anführungszeichen ist nicht geschlossen (oder steht mitten in einer Zelle)"
    if "field larger than field limit" in reason:
        return "eine Zelle ist zu lang"
    return "die Zeile lässt sich nicht lesen"


def _csv_rows(reader, width) -> Iterator[tuple[int, list]]:
    """Every non-empty row with its spreadsheet row number; a row whose cells cannot be
    trusted comes as ``RowProblems`` (wrong number of cells, a cell over several lines of the
    file holding a ``;``: an unclosed quote that swallowed the next line, Excel error
    values)."""
    limit = settings.LEG_IMPORT_MAX_ROWS
    row_number = 1
    while True:
        first_line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(
                f"Zeile {row_number + 1} (ab Zeile {first_line} der Datei): kein gültiges CSV, "
                f"{_csv_problem(error)}. Es wurde nichts importiert."
            ) from error
        row_number += 1
        if row_number - 1 > limit:
            raise ImportFileError(f"Die Datei hat mehr als {limit} Datenzeilen.")
        if not any(value.strip() for value in values):
            continue
        joined = "".join(values)
        if len(values) != width:
            yield row_number, _wrong_count(row_number, len(values), width)
            continue
        if reader.line_num > first_line and ";" in joined and _swallowed(values):
            yield row_number, RowProblems([CellProblem(None, "", _swallowed_message(
                row_number, first_line, reader.line_num
            ))])  # fmt: skip
            continue
        if "#" in joined and not EXCEL_ERRORS.isdisjoint(map(str.strip, values)):
            yield row_number, _excel_errors(values)
            continue
        if QUOTE in joined:  # one test per row; rarely true
            values = [unneutralise(value) for value in values]
        yield row_number, values


def _wrong_count(row_number, count, width) -> RowProblems:
    more = "zu viele" if count > width else "zu wenige"
    return RowProblems(
        [
            CellProblem(
                None,
                "",
                f"Zeile {row_number}: {count} Zellen statt {width} wie in der Kopfzeile "
                f"({more}; fehlt ein Trennzeichen oder ist ein Anführungszeichen nicht "
                "geschlossen?). Die Zeile wird nicht gelesen.",
            )
        ]
    )


def _swallowed(values) -> bool:
    """A cell reaching over a line break and holding the delimiter: an unclosed quote ate the
    following line(s) of the file."""
    return any(("\n" in value or "\r" in value) and ";" in value for value in values)


def _swallowed_message(row_number, first_line, last_line) -> str:
    return (
        f"Zeile {row_number}: eine Zelle reicht über die Zeilen {first_line} bis {last_line} "
        "der Datei und enthält Semikolons; vermutlich ist ein Anführungszeichen nicht "
        "geschlossen. Die Zeile wird nicht gelesen."
    )


def _excel_errors(values) -> RowProblems:
    return RowProblems(
        CellProblem(position, value.strip(), _EXCEL_ERROR_MESSAGE)
        for position, value in enumerate(values)
        if isinstance(value, str) and value.strip() in EXCEL_ERRORS
    )


_EXCEL_ERROR_MESSAGE = "Excel-Fehlerwert statt eines Werts; bitte die Zelle in Excel korrigieren"


def check_xlsx_archive(source) -> None:
    """Refuse an XLSX file by its ZIP directory alone (``core.xlsx``), with the import's
    limit ``LEG_IMPORT_MAX_UNCOMPRESSED_BYTES``. Nothing is unpacked here."""
    try:
        xlsx.check_xlsx_archive(
            source, max_uncompressed_bytes=settings.LEG_IMPORT_MAX_UNCOMPRESSED_BYTES
        )
    except xlsx.XlsxArchiveError as error:
        raise ImportFileError(str(error)) from error


def _open_xlsx(path: Path) -> Spreadsheet:
    check_xlsx_archive(path)
    import openpyxl

    # A file object, not the path: openpyxl refuses a path by its extension (".csv"), and the
    # format was already decided by the content. The read-only workbook keeps it open.
    stream = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for broken files
        stream.close()
        raise ImportFileError(f"Die Excel-Datei kann nicht gelesen werden ({error}).") from error
    sheets = []
    names = workbook.sheetnames
    company = next((n for n in names if n.casefold() == COMPANY_SHEET.casefold()), None)
    key_figures = next((n for n in names if n.casefold() == KEY_FIGURE_SHEET.casefold()), None)
    chosen = [company or (names[0] if names and names[0] != key_figures else None), key_figures]
    for name in filter(None, chosen):
        sheets.append(_xlsx_sheet(workbook[name]))
    if not sheets:
        raise ImportFileError("Die Excel-Datei enthält kein Tabellenblatt.")
    return Spreadsheet(format="xlsx", sheets=sheets)


def _xlsx_sheet(worksheet) -> Sheet:
    max_columns = settings.LEG_IMPORT_MAX_COLUMNS
    declared_columns = worksheet.max_column or 0
    if declared_columns > max_columns:
        raise ImportFileError(
            f"Das Tabellenblatt „{worksheet.title}“ gibt {declared_columns} Spalten an; "
            f"erlaubt sind höchstens {max_columns}. Die Datei wird nicht verarbeitet."
        )
    # The declared rows are not trusted, neither way: many tools write <dimension ref="A1"/>
    # whatever the sheet holds, and a formatted but empty sheet declares all 1,048,576 rows.
    # Only rows with a value count against LEG_IMPORT_MAX_ROWS (``_xlsx_rows``).
    rows = _xlsx_parsed_rows(worksheet, max_columns)
    try:
        first = next(rows, None)
    except Exception as error:
        raise ImportFileError(_xlsx_unreadable(1)) from error
    if first is None:
        raise ImportFileError(f"Das Tabellenblatt „{worksheet.title}“ ist leer.")
    number, header_row = first
    if number != 1:  # row 1 is empty: the first row read is data, not headers
        header_row = []
    headers = ["" if cell.value is None else str(cell.value).strip() for cell in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(f"Das Tabellenblatt „{worksheet.title}“ hat keine Kopfzeile.")
    return Sheet(name=worksheet.title, headers=headers, rows=_xlsx_rows(rows, len(headers)))


class NoResult(str):
    """A formula cell saved without its result (the workbook was never calculated)."""


class _CellParser(WorkSheetParser):
    """openpyxl's sheet parser, telling a formula without a stored result from an empty cell
    (openpyxl gives None for both when it reads results, ``data_only``)."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            formula = element.findtext(FORMULA_TAG) or ""
            cell["value"] = NoResult(f"={formula}" if formula else "=")
            cell["data_type"] = "f"
        return cell


def _xlsx_parsed_rows(worksheet, max_columns):
    """``(row number, [cells])`` of every row the sheet's XML holds, numbered as Excel shows
    them; cells beyond ``max_columns`` left out. The sheet is read once, as it streams."""
    workbook = worksheet.parent
    with worksheet._get_source() as source:
        parser = _CellParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            row = [None] * min(max_columns, cells[-1]["column"] if cells else 0)
            for cell in cells:
                if cell["column"] <= max_columns:
                    row[cell["column"] - 1] = ReadOnlyCell(worksheet, **cell)
            yield number, [EMPTY_CELL if cell is None else cell for cell in row]


def _cell_value(cell):
    """A cell's value as the spreadsheet shows it: 0.456 in a percent-formatted cell is 45.6."""
    value = cell.value
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and "%" in (getattr(cell, "number_format", "") or ""):
        return Decimal(str(value)) * 100
    return value


def _xlsx_unreadable(row_number) -> str:
    return (
        f"Die Excel-Datei ist ab Zeile {row_number} nicht lesbar (beschädigte Tabelle oder "
        "ungültiger Zellwert). Bitte in Excel öffnen und neu speichern."
    )


def _xlsx_rows(rows, width) -> Iterator[tuple[int, list]]:
    """The data rows with a value; a row with an Excel error value or a formula without a
    result comes as ``RowProblems`` naming its cells; cells right of the last header with a
    value make the row's cell count wrong."""
    limit = settings.LEG_IMPORT_MAX_ROWS
    row_number, data_rows = 1, 0
    try:
        for row_number, cells in rows:
            values = [_cell_value(cell) for cell in cells]
            if not any(value not in (None, "") for value in values):
                continue
            data_rows += 1
            if data_rows > limit:
                raise ImportFileError(f"Die Datei hat mehr als {limit} Datenzeilen.")
            problems = _xlsx_problems(row_number, cells, values, width)
            if problems:
                yield row_number, problems
                continue
            values = values[:width]
            if any(type(value) is str and value[:1] == QUOTE for value in values):  # rarely
                values = [unneutralise(value) for value in values]
            values += [None] * (width - len(values))
            yield row_number, values
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_xlsx_unreadable(row_number + 1)) from error


def _xlsx_problems(row_number, cells, values, width) -> RowProblems | None:
    problems = []
    for position, (cell, value) in enumerate(zip(cells, values, strict=True)):
        if type(value) is NoResult:
            where = f"{get_column_letter(position + 1)}{row_number}"
            problems.append(
                CellProblem(
                    position,
                    str(value),
                    f"Formel ohne gespeichertes Ergebnis (Zelle {where}); bitte die Datei in "
                    "Excel neu berechnen und speichern",
                )
            )
        elif getattr(cell, "data_type", "") == "e" or (
            isinstance(value, str) and value.strip() in EXCEL_ERRORS
        ):
            problems.append(CellProblem(position, str(value).strip(), _EXCEL_ERROR_MESSAGE))
    extra = [v for v in values[width:] if v not in (None, "")]
    if extra:
        problems.insert(
            0,
            CellProblem(
                None,
                "",
                f"Zeile {row_number}: {width + len(extra)} Zellen mit Werten, aber nur "
                f"{width} Spalten in der Kopfzeile. Die Zeile wird nicht gelesen.",
            ),
        )
    return RowProblems(problems) if problems else None
