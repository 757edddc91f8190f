"""Downloads for spreadsheets: the one writer of every CSV and XLSX file the portal serves (the
directory's export, the comparison of key figures, the LEG import report).

CSV: UTF-8 with a byte order mark (so that Excel reads the umlauts), ``;`` between cells,
CRLF line ends; numbers with a German decimal comma and without thousands separators
("12,5", ``core.formatting.german_decimal``) whatever the page's language, dates as
ISO dates ("2012-02-27"), yes/no as "ja"/"nein" in the active language, ``None`` as an empty
cell. A large file is streamed (``stream=True``): memory stays flat however many rows.

XLSX: the same rows as typed cells (numbers as numbers, dates as dates, yes/no as booleans),
the header in bold, one sheet per table (several with ``xlsx_sheets_response``), and a last
sheet with the licence.

Every text cell of both formats, the header included, passes ``core.csvsafe``
exactly once (OWASP "CSV injection"): callers hand over the plain values.

Licence policy, the same for every download: a file of open data (``licence=True``: the
directory's export, the comparison table) names the data licence (``PORTAL_DATA_LICENSE``)
in the response's ``Link: <…>; rel="license"`` header (RFC 8288), as every API response
does, and the page that offers the download names it next to the link. A CSV file holds the
header row and the data rows, nothing else, so that it re-imports into any spreadsheet or
data tool as it is: a licence line at the top or bottom would be read as a record. An XLSX
workbook also carries a sheet "Lizenz" (licence, its text, the attribution, the address of
the exported page, the date) and names the licence in its document properties. Back-office
files (the import report, ``licence=False``) are not open data and name no licence.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .api import license_link
from .csvsafe import neutralise, xlsx_value
from .formatting import german_decimal

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BYTE_ORDER_MARK = "\ufeff"
# Rows written between two chunks of a streamed CSV file.
STREAM_ROWS = 500


def csv_text(value) -> str:
    """A value as a CSV cell: German decimal comma, ISO dates, yes/no in the active language,
    text neutralised (``None`` → "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, Decimal | float):
        return german_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_chunks(header: Sequence, rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The file's bytes: the byte order mark and the header, then the rows, a chunk every
    STREAM_ROWS rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow([csv_text(label) for label in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow([csv_text(value) for value in row])
        if number % STREAM_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def csv_response(
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    filename: str,
    licence: bool,
    stream: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """``header`` and ``rows`` as a CSV download named ``filename``; ``licence`` for open data
    (see the licence policy above). ``stream`` sends the rows as they are read."""
    if stream:
        language = translation.get_language()

        def content() -> Iterator[bytes]:
            # Streaming runs after the view has returned: keep the request's language.
            with translation.override(language):
                yield from csv_chunks(header, rows)

        response = StreamingHttpResponse(content(), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(b"".join(csv_chunks(header, rows)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if licence:
        response["Link"] = license_link()
    return response


def write_csv(header: Sequence, rows: Iterable[Sequence], file) -> None:
    """``header`` and ``rows`` as a CSV file written to the binary ``file`` (a download
    written once and served from disk)."""
    for chunk in csv_chunks(header, rows):
        file.write(chunk)


@dataclass
class Sheet:
    """One sheet of a workbook: its name (at most 31 characters are kept), header and rows."""

    name: str
    header: Sequence
    rows: Iterable[Sequence]
    column_widths: dict[str, int] | None = None


def write_xlsx_sheets(
    sheets: Sequence[Sheet], file, *, title: str, source: str, note: str = ""
) -> None:
    """Tables as an XLSX workbook of open data saved to ``file``: a sheet each, in order
    (openpyxl's write-only mode, row by row), then the licence sheet naming ``source`` and, if
    given, ``note``; ``title`` is the workbook's title."""
    licence = settings.PORTAL_DATA_LICENSE
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = licence["attribution"]
    workbook.properties.description = _("Lizenz: %(name)s (%(url)s). Quelle: %(attribution)s") % {
        "name": licence["name"],
        "url": licence["url"],
        "attribution": licence["attribution"],
    }
    for sheet in sheets:
        data = workbook.create_sheet(str(sheet.name)[:31])
        data.freeze_panes = "A2"
        for letter, width in (sheet.column_widths or {}).items():
            data.column_dimensions[letter].width = width
        data.append(_bold_cells(data, sheet.header))
        for row in sheet.rows:
            # Neutralised; control characters XLSX cannot hold become U+FFFD.
            data.append([xlsx_value(value) for value in row])
    _append_licence_sheet(workbook, source, note)
    workbook.save(file)


def write_xlsx(
    header: Sequence,
    rows: Iterable[Sequence],
    file,
    *,
    title: str,
    sheet: str,
    source: str,
    column_widths: dict[str, int] | None = None,
    note: str = "",
) -> None:
    """``header`` and ``rows`` as a one-sheet XLSX workbook of open data saved to ``file``
    (``write_xlsx_sheets``)."""
    write_xlsx_sheets(
        [Sheet(sheet, header, rows, column_widths)], file, title=title, source=source, note=note
    )


def xlsx_sheets_response(
    sheets: Sequence[Sheet], *, filename: str, title: str, source: str, note: str = ""
) -> FileResponse:
    """Tables as an XLSX download of open data (``write_xlsx_sheets``), written to a temporary
    file the response closes, with the licence in the ``Link`` header."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    write_xlsx_sheets(sheets, file, title=title, source=source, note=note)
    file.seek(0)
    response = FileResponse(
        file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
    response["Link"] = license_link()
    return response


def xlsx_response(
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    filename: str,
    title: str,
    sheet: str,
    source: str,
    column_widths: dict[str, int] | None = None,
    note: str = "",
) -> FileResponse:
    """``header`` and ``rows`` as a one-sheet XLSX download of open data."""
    return xlsx_sheets_response(
        [Sheet(sheet, header, rows, column_widths)],
        filename=filename,
        title=title,
        source=source,
        note=note,
    )


def _bold_cells(sheet, values: Iterable) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=xlsx_value(str(value)))
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _append_licence_sheet(workbook, source: str, note: str = "") -> None:
    licence = settings.PORTAL_DATA_LICENSE
    sheet = workbook.create_sheet(_("Lizenz"))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 70
    lines = [
        (_("Lizenz"), licence["name"]),
        (_("Lizenztext"), licence["url"]),
        (_("Namensnennung"), licence["attribution"]),
        (_("Quelle"), source),
        (_("Stand des Exports"), timezone.localdate()),
    ]
    if note:
        lines.append((_("Hinweis"), note))
    for label, value in lines:
        sheet.append([*_bold_cells(sheet, [label]), xlsx_value(value)])
