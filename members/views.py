from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView, View

from core import spreadsheets
from core.api import license_link
from core.cache import cache_public_page
from core.pagination import PAGE_SIZES, page_or_nearest, page_size_from
from core.ratelimit import Slots, seconds_to_wait, too_many_requests

from . import export_files, exports
from .choices import WZ_DIVISIONS
from .filtersets import url_without
from .models import Organisation
from .selectors import directory_search

# Parameters of the page itself, not filters: dropped from chip, reset and export links.
PAGE_PARAMETERS = ("page", "page_size", "format")
KEPT_ON_RESET = ("sort", "page_size")


class DirectoryListMixin:
    """A page that lists organisations the directory's way: its filters and search (with the
    similar-spelling fallback), its sorting, chips and pagination, read through
    ``directory_search``. The member directory and a network's member list use it; both show
    the rows with "members/includes/organisation_table.html".

    Invalid filter values are shown as errors and ignored; the valid ones still apply. A page
    number past the end shows the last page, one that is not a number the first. The page runs
    the same number of queries whatever the page size.
    """

    def get_directory_queryset(self):
        """The organisations the list may show: every public one."""
        return Organisation.objects.for_directory()

    def directory_context(self):
        request = self.request
        search = directory_search(
            request.GET, queryset=self.get_directory_queryset(), request=request
        )
        paginator = search.paginator(page_size_from(request))
        page = page_or_nearest(paginator, request.GET.get("page"))
        return {
            "filterset": search.filterset,
            "similar_spelling": search.similar_spelling,
            "active_filters": search.filterset.active_filters(),
            "paginator": paginator,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "organisations": page.object_list,
            "page_size": paginator.per_page,
            "page_sizes": PAGE_SIZES,
            "default_sort": "" if search.query else "name",
        }


@method_decorator(cache_public_page, name="dispatch")
class OrganisationListView(DirectoryListMixin, TemplateView):
    """The member directory: search, filters, sorting, pagination, the export links."""

    template_name = "members/organisation_list.html"

    def get_context_data(self, **kwargs):
        request = self.request
        filters = request.GET.copy()
        for name in PAGE_PARAMETERS:
            filters.pop(name, None)
        context = super().get_context_data(
            **self.directory_context(),
            reset_url=url_without(request, *(set(request.GET) - set(KEPT_ON_RESET))),
            export_query=f"{filters.urlencode()}&" if filters else "",
            export_row_limit=settings.PORTAL_EXPORT_ANONYMOUS_MAX_ROWS,
            **kwargs,
        )
        context["nothing_imported"] = self.nothing_imported(context["paginator"])
        return context

    def nothing_imported(self, paginator) -> bool:
        """Whether the directory is empty because no organisation is published at all (a fresh
        installation), not because the filters exclude every one; asked only for an empty page."""
        return paginator.count == 0 and not Organisation.objects.published().exists()


EXPORT_RATE_GROUP = "members-export"
# Exports running at once in this process (PORTAL_EXPORT_CONCURRENCY); the others get 429.
EXPORT_SLOTS = Slots()
EXPORT_BUSY_RETRY_SECONDS = 30


def run_export(respond):
    """``respond()`` in one of the process's export slots, held until the file is sent; 429
    with Retry-After when every slot is taken."""
    if not EXPORT_SLOTS.try_acquire(settings.PORTAL_EXPORT_CONCURRENCY):
        return too_many_requests(
            _(
                "Gerade laufen zu viele Downloads. Bitte versuchen Sie es in %(seconds)s "
                "Sekunden erneut."
            )
            % {"seconds": EXPORT_BUSY_RETRY_SECONDS},
            EXPORT_BUSY_RETRY_SECONDS,
        )
    try:
        response = respond()
    except BaseException:
        EXPORT_SLOTS.release()
        raise
    if not response.streaming:
        EXPORT_SLOTS.release()
        return response
    return EXPORT_SLOTS.hold_while_streaming(response)


def export_refused(request):
    """429 for a client over the export rate limit, else None (the request is counted)."""
    wait = seconds_to_wait(request, group=EXPORT_RATE_GROUP, rate=settings.PORTAL_EXPORT_RATE)
    if wait is None:
        return None
    return too_many_requests(
        _(
            "Zu viele Downloads in kurzer Zeit. Bitte versuchen Sie es in %(seconds)s Sekunden "
            "erneut. Den vollständigen Datenbestand gibt es als Datei: %(url)s"
        )
        % {"seconds": wait, "url": request.build_absolute_uri(reverse("members:export_full"))},
        wait,
    )


def unknown_format():
    return HttpResponseBadRequest(
        _('Unbekanntes Format: bitte "csv" oder "xlsx" wählen.'),
        content_type="text/plain; charset=utf-8",
    )


class OrganisationExportView(View):
    """The directory's current result (all pages, the same order) as CSV or XLSX; see
    ``members.exports`` for the columns and the licence.

    Rate-limited per client (``PORTAL_EXPORT_RATE``), at most ``PORTAL_EXPORT_CONCURRENCY``
    at once per process (``run_export``); without sign-in at most
    ``PORTAL_EXPORT_ANONYMOUS_MAX_ROWS`` rows, the file then saying so (name, headers, the XLSX
    licence sheet) and naming the full file (``OrganisationFullExportView``)."""

    formats = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}

    def get(self, request):
        fmt = request.GET.get("format", "")
        respond = self.formats.get(fmt)
        if respond is None:
            return unknown_format()
        refused = export_refused(request)
        if refused is not None:
            return refused
        search = directory_search(
            request.GET, queryset=Organisation.objects.for_public_records(), request=request
        )
        queryset, capped = search.rows, None
        if not request.user.is_authenticated:
            limit = settings.PORTAL_EXPORT_ANONYMOUS_MAX_ROWS
            beyond = queryset.order_by().values_list("pk", flat=True)[limit : limit + 1]
            if list(beyond):
                queryset, capped = queryset[:limit], limit
        full_url = request.build_absolute_uri(reverse("members:export_full")) + f"?format={fmt}"
        return run_export(lambda: respond(queryset, request, capped=capped, full_url=full_url))


class OrganisationFullExportView(View):
    """Every published organisation as CSV or XLSX: the file written once per data version
    (``members.export_files``), served from disk. Rate-limited like the directory's export."""

    def get(self, request):
        fmt = request.GET.get("format", "")
        if fmt not in export_files.FORMATS:
            return unknown_format()
        refused = export_refused(request)
        if refused is not None:
            return refused
        return run_export(lambda: self.serve(request, fmt))

    def serve(self, request, fmt):
        try:
            path = export_files.full_file(
                fmt,
                records=lambda: Organisation.objects.for_public_records().order_by("name", "pk"),
                portal=exports.base_url(request),
            )
        except export_files.FileBeingWritten:
            response = HttpResponse(
                _("Die Datei wird gerade erstellt. Bitte versuchen Sie es in einer Minute erneut."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "60"
            return response
        response = FileResponse(
            open(path, "rb"),  # noqa: SIM115 (the response closes it)
            as_attachment=True,
            filename=f"mitglieder-alle-{timezone.localdate().isoformat()}.{fmt}",
            content_type=(
                spreadsheets.CSV_CONTENT_TYPE if fmt == "csv" else spreadsheets.XLSX_CONTENT_TYPE
            ),
        )
        response["Link"] = license_link()
        return response


@method_decorator(cache_public_page, name="dispatch")
class OrganisationDetailView(DetailView):
    """One public organisation: address, networks, growth fields, key data."""

    template_name = "members/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        # Built per request: "current" memberships are those not ended today.
        return Organisation.objects.for_public_records()

    def get_context_data(self, **kwargs):
        organisation = self.object
        return super().get_context_data(
            wz_division_name=WZ_DIVISIONS.get(organisation.wz_division),
            revenue_meur=normalized(organisation.revenue_meur),
            export_quota=normalized(organisation.export_quota),
            **kwargs,
        )


def normalized(number):
    """12.500 -> 12.5, 100.000 -> 100: a stored decimal without its trailing zeros."""
    if number is None:
        return None
    return number.quantize(1) if number == number.to_integral() else number.normalize()
