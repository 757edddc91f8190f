"""Searching the member directory by name, town and keywords.

PostgreSQL: full-text search with German stemming ("optisch" finds "optischen"), plus trigram
word similarity on name and town for typos ("Jenoptk"); both are served by GIN indexes
(migration members 0002), so no search scans the table.

SQLite (the embedded default): every word must occur in name, town or keywords, compared
case-insensitively with umlauts folded ("MÜLLER", "müller" and "Mueller" find "Müller").
"""

from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat

SEARCH_CONFIG = "german"
MAX_QUERY_LENGTH = 200
SQLITE_FOLD_FUNCTION = "portal_fold"

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str | None) -> str:
    """Lower case (Unicode-aware) with umlauts written out: "Müller" -> "mueller"."""
    return (text or "").casefold().translate(_FOLD)


def clean_query(text: str | None) -> str:
    """The search words, spacing collapsed, at most MAX_QUERY_LENGTH characters. A word without
    a letter or digit ("%", "!", "(") is dropped: it would match every row (a LIKE over the
    whole table, a trigram match without trigrams), so a query of punctuation alone is no
    query."""
    words = (word for word in (text or "").split() if any(char.isalnum() for char in word))
    return " ".join(words)[:MAX_QUERY_LENGTH]


def search_vector():
    """The document searched on PostgreSQL: the column a trigger keeps current (migration
    members 0002), indexed with GIN."""
    return F("search_vector")


def search_query(text: str):
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


class Folded(models.Func):
    """``fold()`` inside SQLite, registered on each connection (see ``register_sqlite_functions``)."""

    function = SQLITE_FOLD_FUNCTION
    output_field = models.TextField()


def folded_document():
    return Folded(Concat("name", Value(" "), "town", Value(" "), "keywords"))


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created receiver: teach SQLite the folding the directory search uses."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, fold, deterministic=True)
