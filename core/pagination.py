"""Pagination for the public lists."""

import hashlib

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

from core.cache import cached

PAGE_SIZES = (25, 50, 100)


class CachedCountPaginator(Paginator):
    """A paginator that remembers how many rows a query has until the data changes.

    Counting 100,000 organisations (or every match of a broad search) touches every row each
    time a page is shown; the number only changes when the data does, and every change makes
    the versioned cache stale (core.cache), so the count is kept there, keyed by the
    query's SQL.
    """

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:  # .none(), e.g. a search of stop words alone
            return 0
        digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
        return cached(f"count:{digest}", lambda: Paginator.count.func(self))

    def page_keys(self, bottom):
        """The keys of the rows from ``bottom`` on, one page of them, in the list's order."""
        return list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])

    def page(self, number):
        """The page's rows in two steps: their keys in the list's order (which an index can
        answer without reading the table, even thousands of rows deep), then those rows."""
        number = self.validate_number(number)
        object_list = self.object_list
        if getattr(object_list, "query", None) is None or self.orphans:
            return super().page(number)
        keys = self.page_keys((number - 1) * self.per_page)
        rows = {row.pk: row for row in object_list.filter(pk__in=keys).order_by()}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def remembered_count(queryset):
    """How many rows ``queryset`` has, remembered as the paginator remembers it."""
    return CachedCountPaginator(queryset, 1).count


def page_size_from(request, default=None):
    """The page size the visitor chose with ``?page_size=`` if it is one we offer."""
    default = default or settings.PORTAL_PAGE_SIZE
    try:
        size = int(request.GET.get("page_size", default))
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


def page_or_nearest(paginator, number):
    """The page ``number``; past the end the last page, below 1 or not a number the first.
    Every public list reads ``?page=`` through this, so a stale or mistyped link shows a page
    instead of a 404."""
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(1 if int(number) < 1 else paginator.num_pages)
