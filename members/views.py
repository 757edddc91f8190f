from django.views.generic import DetailView, ListView, View

from .models import Organisation


class OrganisationListView(ListView):
    """The member directory: search, filters, sorting, pagination."""

    queryset = Organisation.objects.published()
    template_name = "members/organisation_list.html"


class OrganisationExportView(View):
    """The directory's current result as CSV or XLSX."""


class OrganisationDetailView(DetailView):
    """One published organisation."""

    queryset = Organisation.objects.published()
    template_name = "members/organisation_detail.html"
