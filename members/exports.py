"""The member directory's current result as a file: CSV (streamed) or XLSX.

The view passes the directory's current result (``Organisation.objects.for_public_records()``
filtered and ordered by ``OrganisationFilterSet``); both formats carry the same columns, the
header labels in the active language. ``core.spreadsheets`` writes the files (cell
formats, formula escaping) and states the licence policy: the licence travels in the
``Link`` header, the CSV file holds the header and the rows only, the XLSX workbook has a
sheet "Lizenz" naming the address of the exported result.
"""

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import spreadsheets

from .choices import OrganisationKind

CHUNK_SIZE = 2000

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
    """Organisations as rows of typed values in the active language.

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
        return [*cells, self.detail_url.format(pk=o.pk)]

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


def filename(extension: str) -> str:
    return f"mitglieder-{timezone.localdate().isoformat()}.{extension}"


def base_url(request) -> str:
    """Where the portal is reached: ``PORTAL_BASE_URL``, else the address of this request."""
    return settings.PORTAL_BASE_URL or f"{request.scheme}://{request.get_host()}"


def capped_name(name: str, capped: int | None) -> str:
    """``mitglieder-2026-01-02.csv`` -> ``mitglieder-2026-01-02-erste-5000.csv`` when capped."""
    if not capped:
        return name
    stem, extension = name.rsplit(".", 1)
    return f"{stem}-{_('erste')}-{capped}.{extension}"


def mark_capped(response, capped: int | None, full_url: str) -> None:
    """For a capped file the row limit and, next to the licence link, the full file's
    address."""
    if capped:
        response["X-Export-Row-Limit"] = str(capped)
        response["Link"] = f'{response["Link"]}, <{full_url}>; rel="alternate"'


def capped_note(capped: int, full_url: str) -> str:
    return _(
        "Ohne Anmeldung enthält diese Datei die ersten %(limit)s Treffer. "
        "Der vollständige Datenbestand: %(url)s"
    ) % {"limit": capped, "url": full_url}


def csv_response(queryset, request, capped=None, full_url=""):
    """The rows as a streamed CSV file: memory stays flat however many rows there are. A capped
    file (``capped`` rows at most) says so in its name and headers, not in its rows."""
    response = spreadsheets.csv_response(
        header(),
        rows(queryset, base_url(request)),
        filename=capped_name(filename("csv"), capped),
        licence=True,
        stream=True,
    )
    mark_capped(response, capped, full_url)
    return response


XLSX_OPTIONS = {
    "column_widths": {"B": 40, "E": 28, "I": 30, "Q": 30, "R": 30, "S": 40},
}


def xlsx_response(queryset, request, capped=None, full_url=""):
    """The rows as an XLSX workbook with the licence sheet naming the exported result; a capped
    one says so on its licence sheet, in its name and in its headers."""
    query = request.GET.copy()
    query.pop("format", None)
    source = base_url(request) + reverse("members:list")
    if query:
        source = f"{source}?{query.urlencode()}"
    response = spreadsheets.xlsx_response(
        header(),
        rows(queryset, base_url(request)),
        filename=capped_name(filename("xlsx"), capped),
        title=_("Mitglieder der Thüringer Clusternetzwerke"),
        sheet=_("Mitglieder"),
        source=source,
        note=capped_note(capped, full_url) if capped else "",
        **XLSX_OPTIONS,
    )
    mark_capped(response, capped, full_url)
    return response


def write_file(fmt: str, queryset, portal: str, file) -> None:
    """Every row of ``queryset`` as a ``fmt`` ("csv" or "xlsx") file written to the binary
    ``file``: the full file ``members.export_files`` serves from disk."""
    if fmt == "csv":
        spreadsheets.write_csv(header(), rows(queryset, portal), file)
    else:
        spreadsheets.write_xlsx(
            header(),
            rows(queryset, portal),
            file,
            title=_("Mitglieder der Thüringer Clusternetzwerke"),
            sheet=_("Mitglieder"),
            source=portal + reverse("members:list"),
            **XLSX_OPTIONS,
        )
