"""Reads the directory's pages, a network's member list, the directory's export and the API
share: the one way their rows are built from the directory's parameters."""

from dataclasses import dataclass

from django.db.models import QuerySet

from core.pagination import remembered_count

from .filtersets import OrganisationFilterSet
from .models import Organisation


@dataclass
class DirectorySearch:
    """The directory's filters applied to a request's parameters."""

    filterset: OrganisationFilterSet
    rows: QuerySet
    similar_spelling: bool

    @property
    def query(self) -> str:
        """The search words as the filterset cleaned them ("" when there are none)."""
        return getattr(self.filterset.form, "cleaned_data", {}).get("q") or ""


def directory_search(data, *, queryset=None, request=None) -> DirectorySearch:
    """The directory's rows for the parameters ``data`` (``request.GET``): its filters, search
    and order over ``queryset`` (the directory's rows, ``Organisation.objects.for_directory()``,
    unless given), with the similar-spelling fallback of ``directory_results``. Invalid
    parameters are ignored; ``filterset.errors`` names them."""
    if queryset is None:
        queryset = Organisation.objects.for_directory()
    filterset = OrganisationFilterSet(data, queryset=queryset, request=request)
    rows, similar = directory_results(filterset)
    return DirectorySearch(filterset, rows, similar)


def directory_results(filterset):
    """``(rows, similar)``: the filterset's rows; when a search matched nothing as written, the
    rows whose name or town is spelled similarly instead, and ``similar`` is True.

    Whether the words matched is read from the count the page shows anyway (remembered until
    the data changes), so the typo-tolerant search costs nothing when it is not needed.
    """
    rows = filterset.qs
    if filterset.searching and remembered_count(rows) == 0:
        return filterset.similar_spelling().qs, True
    return rows, False
