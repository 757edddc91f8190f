from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpResponseBadRequest
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View

from clusterportal.cache import cache_public_page
from clusterportal.pagination import PAGE_SIZES, CachedCountPaginator, page_size_from

from . import exports
from .choices import WZ_DIVISIONS
from .filtersets import OrganisationFilterSet, url_without
from .models import Organisation
from .selectors import directory_results

# Parameters of the page itself, not filters: dropped from chip, reset and export links.
PAGE_PARAMETERS = ("page", "page_size", "format")
KEPT_ON_RESET = ("sort", "page_size")


@method_decorator(cache_public_page, name="dispatch")
class OrganisationListView(ListView):
    """The member directory: search, filters, sorting, pagination.

    Invalid filter values are shown as errors beside the form and ignored; the valid ones
    still apply. A page number past the end shows the last page, one that is not a number
    the first. The page runs the same number of queries whatever the page size.
    """

    template_name = "members/organisation_list.html"
    context_object_name = "organisations"

    paginator_class = CachedCountPaginator

    def get_queryset(self):
        self.filterset = OrganisationFilterSet(
            self.request.GET, queryset=Organisation.objects.for_directory(), request=self.request
        )
        rows, self.similar_spelling = directory_results(self.filterset)
        return rows

    def get_paginate_by(self, queryset):
        return page_size_from(self.request)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        number = self.request.GET.get("page") or 1
        try:
            page = paginator.page(number)
        except PageNotAnInteger:
            page = paginator.page(1)
        except EmptyPage:
            page = paginator.page(1 if int(number) < 1 else paginator.num_pages)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        request = self.request
        filters = request.GET.copy()
        for name in PAGE_PARAMETERS:
            filters.pop(name, None)
        return super().get_context_data(
            filterset=self.filterset,
            similar_spelling=self.similar_spelling,
            active_filters=self.filterset.active_filters(),
            reset_url=url_without(request, *(set(request.GET) - set(KEPT_ON_RESET))),
            export_query=f"{filters.urlencode()}&" if filters else "",
            page_sizes=PAGE_SIZES,
            page_size=self.get_paginate_by(None),
            default_sort="" if self.filterset.form.cleaned_data.get("q") else "name",
            **kwargs,
        )


class OrganisationExportView(View):
    """The directory's current result (all pages, the same order) as CSV or XLSX; see
    ``members.exports`` for the columns and the licence."""

    formats = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}

    def get(self, request):
        respond = self.formats.get(request.GET.get("format", ""))
        if respond is None:
            return HttpResponseBadRequest(
                _('Unbekanntes Format: bitte "csv" oder "xlsx" wählen.'),
                content_type="text/plain; charset=utf-8",
            )
        filterset = OrganisationFilterSet(
            request.GET, queryset=Organisation.objects.for_public_records(), request=request
        )
        return respond(filterset.qs, request)


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
