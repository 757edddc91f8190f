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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=False)
    try:
        headers = next(reader)
    except csv.Error as error:
        raise ImportFileError(f"Die Kopfzeile ist kein gültiges CSV: {error}") from error
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
        sheets=[Sheet(name="", headers=[h.strip() for h in headers], rows=_csv_rows(reader))],
    )


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    limit = settings.LEG_IMPORT_MAX_ROWS
    row_number = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(
                f"Zeile {row_number + 1}: kein gültiges CSV ({error})."
            ) from error
        row_number += 1
        if row_number - 1 > limit:
            raise ImportFileError(f"Die Datei hat mehr als {limit} Datenzeilen.")
        if any(value.strip() for value in values):
            if QUOTE in "".join(values):  # one test per row; rarely true
                values = [unneutralise(value) for value in values]
            yield row_number, values


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
    max_rows, max_columns = settings.LEG_IMPORT_MAX_ROWS, settings.LEG_IMPORT_MAX_COLUMNS
    declared_rows, declared_columns = worksheet.max_row or 0, worksheet.max_column or 0
    if declared_columns > max_columns or declared_rows > max_rows + 1:
        raise ImportFileError(
            f"Das Tabellenblatt „{worksheet.title}“ gibt {declared_rows} Zeilen und "
            f"{declared_columns} Spalten an; erlaubt sind höchstens {max_rows} Zeilen und "
            f"{max_columns} Spalten. Die Datei wird nicht verarbeitet."
        )
    # Within the limits the declaration is not trusted either: many tools write
    # <dimension ref="A1"/> whatever the sheet holds, and openpyxl would stop after row 1.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(max_col=max_columns)
    try:
        header_row = next(rows)
    except StopIteration:
        raise ImportFileError(f"Das Tabellenblatt „{worksheet.title}“ ist leer.") from None
    except Exception as error:
        raise ImportFileError(f"Die Excel-Datei kann nicht gelesen werden ({error}).") from error
    headers = ["" if cell.value is None else str(cell.value).strip() for cell in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(f"Das Tabellenblatt „{worksheet.title}“ hat keine Kopfzeile.")
    return Sheet(name=worksheet.title, headers=headers, rows=_xlsx_rows(rows, len(headers)))


def _cell_value(cell):
    """A cell's value as the spreadsheet shows it: 0.456 in a percent-formatted cell is 45.6."""
    value = cell.value
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and "%" in (getattr(cell, "number_format", "") or ""):
        return Decimal(str(value)) * 100
    return value


def _xlsx_rows(rows, width) -> Iterator[tuple[int, list]]:
    limit = settings.LEG_IMPORT_MAX_ROWS
    row_number = 1
    try:
        for values in rows:
            row_number += 1
            if row_number - 1 > limit:
                raise ImportFileError(f"Die Datei hat mehr als {limit} Datenzeilen.")
            values = [_cell_value(cell) for cell in values[:width]]
            if any(type(value) is str and value[:1] == QUOTE for value in values):  # rarely
                values = [unneutralise(value) for value in values]
            if any(value not in (None, "") for value in values):
                values += [None] * (width - len(values))
                yield row_number, values
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            f"Die Excel-Datei ist ab Zeile {row_number} nicht lesbar ({error})."
        ) from error
