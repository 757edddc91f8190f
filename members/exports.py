"""The member directory's current result as a file: CSV (streamed) or XLSX.

The view passes the directory's current result (``members.views.public_records()`` filtered
and ordered by ``OrganisationFilterSet``); both formats carry the same columns, the header
labels in the active language. Contact data (telephone, e-mail) is never exported.

CSV: UTF-8 with a byte order mark (so that Excel reads the umlauts), ``;`` between cells,
numbers with a German decimal comma and without thousands separators ("12,5"), dates as
ISO dates ("2012-02-27"), yes/no as "ja"/"nein". The file holds the header row and the data
rows, nothing else, so that it re-imports into any spreadsheet or data tool as it is: a
licence line at the top or bottom would be read as a record (or shift the header). The data
licence travels in the response's ``Link: <…>; rel="license"`` header (RFC 8288), and the
page that offers the download names it next to the links.

XLSX: the rows in a sheet "Mitglieder" with typed cells (numbers as numbers, dates as
dates, yes/no as booleans); a second sheet "Lizenz" names the licence, its address, the
attribution the licence requires and the address of the exported result. The workbook's
document properties repeat the licence.

Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) get a leading apostrophe (OWASP "CSV injection", see
``clusterportal.csvsafe``); numbers are never touched, so a negative number stays a number.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from clusterportal.csvsafe import neutralise, xlsx_clean, xlsx_value
from imports.widgets import format_german_decimal

from .choices import OrganisationKind

CHUNK_SIZE = 2000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The columns, in the file's order; ``Rows.values()`` gives a row's cells in the same order.
HEADER = (
    gettext_lazy("LEG-ID"),
    gettext_lazy("Name"),
    gettext_lazy("Rechtsform"),
    gettext_lazy("Art"),
    gettext_lazy("Straße"),
    gettext_lazy("PLZ"),
    gettext_lazy("Ort"),
    gettext_lazy("Landkreis"),
    gettext_lazy("Website"),
    gettext_lazy("Gründungsjahr"),
    gettext_lazy("Beschäftigte"),
    gettext_lazy("Beschäftigte ca."),
    gettext_lazy("Umsatz Mio EUR"),
    gettext_lazy("Umsatz ca."),
    gettext_lazy("Exportquote %"),
    gettext_lazy("WZ 2008"),
    gettext_lazy("Wachstumsfelder"),
    gettext_lazy("Netzwerke"),
    gettext_lazy("Schlagworte"),
    gettext_lazy("Stand"),
    gettext_lazy("Adresse im Portal"),
)
# A primary key no organisation has: reversed once, it gives the pattern of every detail page's
# address (a reverse() per row would cost more than the rest of the row).
_PK_PLACEHOLDER = 9081726354453627189


def header() -> list[str]:
    """The column labels in the active language."""
    return [str(label) for label in HEADER]


class Rows:
    """Organisations as rows of typed, neutralised values in the active language.

    The labels of kinds and growth fields and the address pattern are looked up once per
    export, not once per row.
    """

    def __init__(self, base_url: str):
        self.kinds = {value: str(label) for value, label in OrganisationKind.choices}
        self.growth_field_names = {}
        detail = reverse("members:detail", kwargs={"pk": _PK_PLACEHOLDER})
        self.detail_url = base_url + detail.replace(str(_PK_PLACEHOLDER), "{pk}")

    def values(self, organisation) -> list:
        o = organisation
        cells = (
            o.leg_id or "",
            o.name,
            o.legal_form,
            self.kinds.get(o.kind, o.kind),
            o.street,
            o.postcode,
            o.town,
            o.district,
            o.website,
            o.founding_year,
            o.employees,
            o.employees_approximate,
            o.revenue_meur,
            o.revenue_approximate,
            o.export_quota,
            o.wz_code,
            ", ".join(self.growth_field_name(field) for field in o.growth_field_list),
            ", ".join(membership.network.name for membership in o.current_memberships),
            ", ".join(o.keyword_list),
            o.record_date,
        )
        return [*map(neutralise, cells), self.detail_url.format(pk=o.pk)]

    def growth_field_name(self, growth_field) -> str:
        try:
            return self.growth_field_names[growth_field.pk]
        except KeyError:
            name = self.growth_field_names[growth_field.pk] = growth_field.display_name
            return name


def rows(queryset, base_url: str) -> Iterator[list]:
    """Each organisation of ``queryset`` as a row, read in chunks of CHUNK_SIZE."""
    builder = Rows(base_url)
    for organisation in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield builder.values(organisation)


def as_csv_text(value, yes_no: tuple[str, str] = ("ja", "nein")) -> str:
    """A typed value as CSV text: German decimal comma, ISO dates, yes/no as ``yes_no``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, Decimal | float):
        return format_german_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def filename(extension: str) -> str:
    return f"mitglieder-{timezone.localdate().isoformat()}.{extension}"


def base_url(request) -> str:
    """Where the portal is reached: ``PORTAL_BASE_URL``, else the address of this request."""
    return settings.PORTAL_BASE_URL or f"{request.scheme}://{request.get_host()}"


def licence_link() -> str:
    return f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'


def csv_chunks(queryset, portal: str) -> Iterator[bytes]:
    """The CSV file in pieces of 500 rows, in the active language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header())
    yes_no = (_("ja"), _("nein"))
    for number, row in enumerate(rows(queryset, portal), start=1):
        writer.writerow([as_csv_text(value, yes_no) for value in row])
        if number % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def capped_name(name: str, capped: int | None) -> str:
    """``mitglieder-2026-01-02.csv`` -> ``mitglieder-2026-01-02-erste-5000.csv`` when capped."""
    if not capped:
        return name
    stem, extension = name.rsplit(".", 1)
    return f"{stem}-{_('erste')}-{capped}.{extension}"


def mark_capped(response, capped: int | None, full_url: str) -> None:
    """The licence link, and for a capped file the row limit and the full file's address."""
    links = [licence_link()]
    if capped:
        response["X-Export-Row-Limit"] = str(capped)
        links.append(f'<{full_url}>; rel="alternate"')
    response["Link"] = ", ".join(links)


def csv_response(queryset, request, capped=None, full_url="") -> StreamingHttpResponse:
    """The rows as a streamed CSV file: memory stays flat however many rows there are. A capped
    file (``capped`` rows at most) says so in its name and headers, not in its rows."""
    language = translation.get_language()
    portal = base_url(request)

    def content() -> Iterator[bytes]:
        # Streaming runs after the view has returned: keep the request's language.
        with translation.override(language):
            yield from csv_chunks(queryset, portal)

    response = StreamingHttpResponse(content(), content_type=CSV_CONTENT_TYPE)
    name = capped_name(filename("csv"), capped)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    mark_capped(response, capped, full_url)
    return response


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def write_xlsx(queryset, portal: str, file, source: str, note: str = "") -> None:
    """The rows as an XLSX workbook (openpyxl's write-only mode), saved to ``file``."""
    workbook = Workbook(write_only=True)
    licence = settings.PORTAL_DATA_LICENSE
    workbook.properties.title = _("Mitglieder der Thüringer Clusternetzwerke")
    workbook.properties.creator = licence["attribution"]
    workbook.properties.description = _("Lizenz: %(name)s (%(url)s). Quelle: %(attribution)s") % {
        "name": licence["name"],
        "url": licence["url"],
        "attribution": licence["attribution"],
    }

    sheet = workbook.create_sheet(_("Mitglieder"))
    sheet.freeze_panes = "A2"
    for letter, width in (("B", 40), ("E", 28), ("I", 30), ("Q", 30), ("R", 30), ("S", 40)):
        sheet.column_dimensions[letter].width = width
    sheet.append(_bold_cells(sheet, header()))
    for row in rows(queryset, portal):
        # The rows are neutralised; control characters XLSX cannot hold become U+FFFD.
        sheet.append([xlsx_clean(value) for value in row])

    _append_licence_sheet(workbook, source, note)
    workbook.save(file)


def capped_note(capped: int, full_url: str) -> str:
    return _(
        "Ohne Anmeldung enthält diese Datei die ersten %(limit)s Treffer. "
        "Der vollständige Datenbestand: %(url)s"
    ) % {"limit": capped, "url": full_url}


def xlsx_response(queryset, request, capped=None, full_url="") -> FileResponse:
    """The rows as an XLSX workbook, written row by row to a temporary file; a capped one
    says so on its licence sheet, in its name and in its headers."""
    query = request.GET.copy()
    query.pop("format", None)
    source = base_url(request) + reverse("members:list")
    if query:
        source = f"{source}?{query.urlencode()}"
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    note = capped_note(capped, full_url) if capped else ""
    write_xlsx(queryset, base_url(request), file, source, note)
    file.seek(0)
    response = FileResponse(
        file,
        as_attachment=True,
        filename=capped_name(filename("xlsx"), capped),
        content_type=XLSX_CONTENT_TYPE,
    )
    mark_capped(response, capped, full_url)
    return response


def _bold_cells(sheet, values: Iterable) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
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
