"""Reads the directory's pages, a network's member list and the API share."""

from core.pagination import remembered_count


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
