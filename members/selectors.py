"""Reads the directory's pages, a network's member list, the directory's export and the API
share: the one way their rows are built from the directory's parameters."""

from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

from core.collation import GERMAN
from core.pagination import CachedCountPaginator, remembered_count

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

    def paginator(self, per_page):
        """The rows' paginator; for a search in relevance order, one that reads a page of the
        best tiers from their own indexes (``RankedPaginator``)."""
        data = getattr(self.filterset.form, "cleaned_data", {})
        tiers = []
        if self.query and not self.similar_spelling and not data.get("sort"):
            tiers = self.rows.relevance_tiers(self.query)
        return RankedPaginator(self.rows, per_page, tiers=tiers)


class RankedPaginator(CachedCountPaginator):
    """Pages of search results in relevance order (``order_by_relevance``) that do not rank
    every match: a broad search ("Jena": 9,500 matches) would read and sort all of them for
    the 25 of its first page. ``tiers``: the rows of the best tiers, one queryset each, in
    the order of the list; a page is taken from them, each in German name order, as far as
    they reach, and only the rest from the whole list (the same order: the tiers are its
    first rows). The tiers before the page are counted (remembered like the list's count).
    """

    def __init__(self, object_list, per_page, *, tiers=(), **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.tiers = list(tiers)

    def page_keys(self, bottom):
        top = bottom + self.per_page
        keys, start = [], 0  # start: the position of the tier's first row in the list
        for tier in self.tiers:
            if bottom + len(keys) >= top:
                return keys
            wanted = bottom + len(keys) - start  # the first row of the tier this page needs
            if wanted < 0:
                wanted = 0
            if wanted > 0:
                size = remembered_count(tier)
                if wanted >= size:
                    start += size
                    continue
            found = _in_german_order(tier, wanted, top - bottom - len(keys))
            keys += found
            if bottom + len(keys) >= top:
                return keys
            start = bottom + len(keys)  # the tier ended: the next one begins here
        return keys + list(
            self.object_list.values_list("pk", flat=True)[bottom + len(keys) : top]
        )


def _in_german_order(rows, offset, limit):
    """The keys of ``rows`` in German name order, ``limit`` of them from ``offset``. The rows
    are selected first, as the query alone would select them (through its own indexes), and
    only then sorted: PostgreSQL would otherwise walk the name index of every organisation."""
    sql, params = rows.order_by().values_list("pk", "name").query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            f'SELECT s.id FROM ({sql} OFFSET 0) AS s(id, name) '
            f'ORDER BY s.name COLLATE "{GERMAN}", s.id LIMIT %s OFFSET %s',
            (*params, limit, offset),
        )
        return [row[0] for row in cursor.fetchall()]


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
