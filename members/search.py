"""Searching the member directory by name, town and keywords: one behaviour on both databases
(see docs/search.md).

Both sides of a search, the stored document and the query, go through the same steps:

1. **fold** (``fold``; on PostgreSQL the SQL function ``portal_search_fold``): lower case,
   "ae"/"oe"/"ue" -> "a"/"o"/"u", accents removed ("ä" -> "a", "ß" -> "ss"), everything but
   letters and digits a space ("Mikro-Nano" = "Mikro Nano"). So "Thüringer", "Thueringer" and
   "Thuringer" are the same word.
2. **words**: legal forms (``LEGAL_FORMS``: GmbH, e. V., AG, …) are set apart: they are found,
   but never decide whether a name matches the query exactly; German stop words ("und",
   "für") are dropped; the rest is reduced to its stem with the Snowball German stemmer
   ("optischen" -> "optisch").

PostgreSQL keeps the document in ``search_vector`` (a trigger, migration members 0007) with the
text-search configuration ``portal_german`` (``unaccent``, then ``german_stem``), weighted: the
name without legal forms A, town B, keywords C, the whole name D, and the name's key in
``search_name_key`` (migration 0009). SQLite keeps the same words in
an FTS5 table (``members_organisation_search``) filled by triggers that call ``lexemes``.

Every query word must match (AND). Query words that name a WZ 2008 division ("Maschinenbau")
also find that division's organisations. Relevance is one of five tiers (``TIERS``) on both
databases, then German name order.

A query stem of PREFIX_MIN letters or more also finds the words it begins ("jena" finds
"Jenaer", "optik" finds "Optikwerke"); a compound is never an exact name.

Typos: when the words as written find nothing, each query word is replaced by the indexed words
spelled most like it (rapidfuzz, ``similar_groups``): PostgreSQL takes the candidates from a
word table with a trigram index (migration members 0009), SQLite from the FTS5 index's own
vocabulary.
"""

import functools
import re

from django.db import models

from core.collation import strip_diacritics

SEARCH_CONFIG = "portal_german"
# Relevance, best first: the name is the query (legal forms aside), the name holds every word,
# the town does, the keywords (or name, town and keywords together) do, only the WZ title does.
TIERS = ("exact name", "name", "town", "keywords", "WZ division")
MAX_QUERY_LENGTH = 200
SQLITE_LEXEMES_FUNCTION = "portal_lexemes"
SQLITE_NAME_KEY_FUNCTION = "portal_name_key"
SQLITE_TABLE = "members_organisation_search"
SQLITE_VOCABULARY = "members_organisation_search_vocab"
# rapidfuzz score (0-100) a vocabulary word needs to stand in for a query word; how many.
SIMILAR_SCORE = 78
SIMILAR_WORDS = 3
# A query stem of this many characters or more also finds the words it begins: "jena" finds
# "Jenaer" (stem "jenar"), "optik" finds "Optikwerke". Shorter ones ("e", "v") only themselves.
PREFIX_MIN = 3

LEGAL_FORMS = frozenset(
    [
        "gmbh",
        "mbh",
        "ggmbh",
        "ag",
        "kg",
        "kgaa",
        "ohg",
        "gbr",
        "ug",
        "haftungsbeschrankt",
        "se",
        "eg",
        "ev",
        "e",
        "v",
        "k",
        "co",
        "partg",
        "inc",
        "ltd",
        "llc",
        "sa",
        "sarl",
        "bv",
        "nv",
    ]
)

_TRANSLITERATIONS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str | None) -> str:
    """Lower case, transliterations and accents folded, only letters, digits and single
    spaces: "Thüringer Mikro-Nano e.V." -> "thuringer mikro nano e v"."""
    text = (text or "").lower()
    for written, letter in _TRANSLITERATIONS:
        text = text.replace(written, letter)
    return _NOT_ALNUM.sub(" ", strip_diacritics(text)).strip()


def clean_query(text: str | None) -> str:
    """The search words, spacing collapsed, at most MAX_QUERY_LENGTH characters. A word without
    a letter or digit ("%", "!", "(") is dropped: it would match every row (a LIKE over the
    whole table, a trigram match without trigrams), so a query of punctuation alone is no
    query."""
    words = (word for word in (text or "").split() if any(char.isalnum() for char in word))
    return " ".join(words)[:MAX_QUERY_LENGTH]


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("german")


@functools.cache
def stop_words() -> frozenset:
    """PostgreSQL's German stop words (tsearch_data/german.stop, from Snowball), so that both
    databases drop the same words."""
    from pathlib import Path

    path = Path(__file__).with_name("german.stop")
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines())


def _stems(tokens) -> list[str]:
    """What PostgreSQL's ``german_stem`` makes of folded tokens: stop words dropped, words of
    letters stemmed, tokens with digits kept as they are (the parser's numword/uint go to the
    ``simple`` dictionary)."""
    stop = stop_words()
    words = [token for token in tokens if not (token.isalpha() and token in stop)]
    stemmed = _stemmer().stemWords([word for word in words if word.isalpha()])
    it = iter(stemmed)
    return [next(it) if word.isalpha() else word for word in words]


def lexemes(text: str | None) -> str:
    """The document's words of ``text`` (SQLite's FTS5 columns): folded, stemmed, joined."""
    return " ".join(_stems(fold(text).split()))


def split_legal(text: str | None) -> tuple[list[str], list[str]]:
    """Folded tokens of a name: (words, legal-form tokens)."""
    tokens = fold(text).split()
    return (
        [token for token in tokens if token not in LEGAL_FORMS],
        [token for token in tokens if token in LEGAL_FORMS],
    )


def name_key(name: str | None) -> str:
    """The name's distinct stems without legal forms, sorted: equal for an exact match."""
    return " ".join(sorted(set(_stems(split_legal(name)[0]))))


def _star(word: str) -> str:
    """The prefix mark for a stem long enough to be the start of other words."""
    return "*" if len(word) >= PREFIX_MIN else ""


class Query:
    """A search query, as both databases search it.

    ``text``: the words to search for as typed, legal forms left out unless the query is
    nothing else ("Jenoptik GmbH" searches "Jenoptik"; "GmbH" searches "GmbH").
    ``stems``: their stems (distinct, in order). ``words``: the folded words before stemming
    (for the similar-spelling search).
    """

    def __init__(self, raw: str | None):
        self.raw = clean_query(raw)
        kept = []
        for word in self.raw.split():
            folded = fold(word).split()
            if folded and not all(token in LEGAL_FORMS for token in folded):
                kept.append(word)
        self.text = " ".join(kept) if kept else self.raw
        self.words = [w for w in fold(self.text).split() if not (w.isalpha() and w in stop_words())]
        self.stems = list(dict.fromkeys(_stems(fold(self.text).split())))

    def __bool__(self):
        return bool(self.stems)

    @property
    def key(self) -> str:
        return " ".join(sorted(set(self.stems)))

    def groups(self, stems=None) -> list[list[str]]:
        """The words to search for: one group of alternatives for each query word (a typo's
        similar words, see ``similar_groups``), else each stem alone."""
        return stems if stems is not None else [[stem] for stem in self.stems]

    def fts5(self, column: str | None = None, stems=None) -> str:
        """An FTS5 MATCH expression: every stem (or group of alternatives) must occur, a stem
        of PREFIX_MIN letters or more also as the start of a word."""
        column = f"{column} : " if column else ""
        return " AND ".join(
            "(" + " OR ".join(f'{column}"{word}"{_star(word)}' for word in group) + ")"
            for group in self.groups(stems)
        )

    def tsquery(self, weights: str = "", stems=None) -> str:
        """The same as a PostgreSQL tsquery, restricted to ``weights`` ("A": the name)."""

        def term(word):
            label = _star(word) + weights
            return f"'{word}'" + (f":{label}" if label else "")

        return " & ".join(
            "(" + " | ".join(term(word) for word in group) + ")" for group in self.groups(stems)
        )

    def wz_divisions(self) -> list[str]:
        """WZ 2008 divisions whose German title holds every stem of the query."""
        wanted = set(self.stems)
        return [code for code, stems in wz_title_stems().items() if wanted <= stems]


@functools.cache
def wz_title_stems() -> dict[str, frozenset]:
    from django.utils import translation

    from .choices import WZ_DIVISIONS

    with translation.override("de"):
        return {
            code: frozenset(_stems(fold(str(title)).split()))
            for code, title in WZ_DIVISIONS.items()
        }


# --------------------------------------------------------------------------- PostgreSQL


def postgres_match(query: Query, weights="", stems=None):
    """``search_vector`` matches the query (GIN index ``organisation_search_fts``; without
    weights the index answers it without rechecking each row)."""
    from django.db.models.expressions import RawSQL

    return RawSQL(
        "search_vector @@ %s::tsquery",
        (query.tsquery(weights, stems),),
        output_field=models.BooleanField(),
    )


def postgres_relevance(query: Query, stems=None):
    """The tier of PostgreSQL's row (see ``TIERS``): the stored name key for an exact name,
    then the weights of the matching words; nothing computed per row but ``@@``."""
    from django.db.models.expressions import RawSQL

    return RawSQL(
        "CASE WHEN search_name_key = %s THEN 4 WHEN search_vector @@ %s::tsquery THEN 3 "
        "WHEN search_vector @@ %s::tsquery THEN 2 WHEN search_vector @@ %s::tsquery THEN 1 "
        "ELSE 0 END",
        (query.key, query.tsquery("A", stems), query.tsquery("B", stems), query.tsquery("", stems)),
        output_field=models.IntegerField(),
    )


def postgres_tiers(query: Query):
    """The conditions of the best tiers, exact name, name, town (``TIERS``), each true of a
    row exactly when ``postgres_relevance`` gives it that tier, and each answered by an
    index of its own (``organisation_search_name_key``, and the GIN indexes of the name's and
    the town's words ``organisation_search_name_fts``/``_town_fts``), so that a page of the
    best matches reads only those rows, not every match (``members.selectors``)."""
    from django.db.models.expressions import RawSQL

    name = "ts_filter(search_vector, '{a}') @@ %s::tsquery"
    town = "ts_filter(search_vector, '{b}') @@ %s::tsquery"
    words = query.tsquery()
    return [
        RawSQL("search_name_key = %s", (query.key,), output_field=models.BooleanField()),
        RawSQL(
            f"search_name_key <> %s AND {name}",
            (query.key, words),
            output_field=models.BooleanField(),
        ),
        RawSQL(
            f"search_name_key <> %s AND NOT {name} AND {town}",
            (query.key, words, words),
            output_field=models.BooleanField(),
        ),
    ]


POSTGRES_WORDS = "members_organisation_search_word"


def postgres_similar_groups(connection, query: Query):
    """For every query stem, the indexed words spelled most like it (itself if indexed): the
    candidates from the word table's trigram index (``%``), scored as on SQLite."""

    def candidates(stem):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT word FROM {POSTGRES_WORDS} WHERE word %% %s", [stem])
            return [row[0] for row in cursor.fetchall()]

    return similar_groups(query, candidates)


# --------------------------------------------------------------------------- SQLite


def sqlite_ids(expression: str, extra: str = "", params=()):
    """A subquery of the organisation ids whose FTS5 row matches ``expression``."""
    from django.db.models.expressions import RawSQL

    return RawSQL(
        f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s{extra}",
        (expression, *params),
    )


def sqlite_relevance(query: Query, groups=None):
    """The tier of SQLite's row (see ``TIERS``)."""
    from django.db.models import Case, Q, Value, When

    name = query.fts5("name", groups)
    return Case(
        When(Q(pk__in=sqlite_ids(name, " AND name_key = %s", (query.key,))), then=Value(4)),
        When(Q(pk__in=sqlite_ids(name)), then=Value(3)),
        When(Q(pk__in=sqlite_ids(query.fts5("town", groups))), then=Value(2)),
        When(Q(pk__in=sqlite_ids(query.fts5(stems=groups))), then=Value(1)),
        default=Value(0),
        output_field=models.IntegerField(),
    )


def similar_groups(query: Query, candidates):
    """For every query stem, the indexed words spelled most like it (itself if indexed), from
    ``candidates(stem)`` (the words worth scoring); None when a stem has none."""
    from rapidfuzz import fuzz, process

    groups = []
    for stem in query.stems:
        words = candidates(stem)
        if stem in words:
            groups.append([stem])
            continue
        found = process.extract(
            stem, words, scorer=fuzz.ratio, score_cutoff=SIMILAR_SCORE, limit=SIMILAR_WORDS
        )
        if not found:
            return None
        groups.append([word for word, _score, _index in found])
    return groups


def sqlite_similar_groups(connection, query: Query):
    """For every query stem, the index's words spelled most like it (itself if indexed): the
    FTS5 table's whole vocabulary scored."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {SQLITE_VOCABULARY}")
        vocabulary = [row[0] for row in cursor.fetchall()]
    known = set(vocabulary)

    def candidates(stem):
        return [stem] if stem in known else vocabulary

    return similar_groups(query, candidates)


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created receiver: the functions the FTS5 triggers call (migration 0007)."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(SQLITE_LEXEMES_FUNCTION, 1, lexemes, deterministic=True)
        raw.create_function(SQLITE_NAME_KEY_FUNCTION, 1, name_key, deterministic=True)
        raw.create_function("portal_name_lexemes", 1, _name_lexemes, deterministic=True)
        raw.create_function("portal_legal_lexemes", 1, _legal_lexemes, deterministic=True)


def _legal_lexemes(name):
    return " ".join(_stems(split_legal(name)[1]))


def _name_lexemes(name):
    return " ".join(_stems(split_legal(name)[0]))


SQLITE_COLUMNS = "name, legal, town, keywords, name_key"


def sqlite_values(prefix: str) -> str:
    return (
        f"portal_name_lexemes({prefix}.name), portal_legal_lexemes({prefix}.name), "
        f"{SQLITE_LEXEMES_FUNCTION}({prefix}.town), {SQLITE_LEXEMES_FUNCTION}({prefix}.keywords), "
        f"{SQLITE_NAME_KEY_FUNCTION}({prefix}.name)"
    )


def sqlite_install(connection, rebuild=False):
    """Create the FTS5 table, its vocabulary and the triggers that keep it, if missing (a
    migration that rebuilds the organisation table on SQLite drops its triggers); fill the
    table when it or a trigger was missing."""
    table = "members_organisation"
    statements = {
        "members_organisation_search_insert": (
            f"CREATE TRIGGER members_organisation_search_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {SQLITE_TABLE}(rowid, {SQLITE_COLUMNS}) "
            f"VALUES (new.id, {sqlite_values('new')}); END"
        ),
        "members_organisation_search_update": (
            f"CREATE TRIGGER members_organisation_search_update AFTER UPDATE OF name, town, "
            f"keywords ON {table} BEGIN "
            f"DELETE FROM {SQLITE_TABLE} WHERE rowid = old.id; "
            f"INSERT INTO {SQLITE_TABLE}(rowid, {SQLITE_COLUMNS}) "
            f"VALUES (new.id, {sqlite_values('new')}); END"
        ),
        "members_organisation_search_delete": (
            f"CREATE TRIGGER members_organisation_search_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {SQLITE_TABLE} WHERE rowid = old.id; END"
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            ["members_organisation_search%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if SQLITE_TABLE not in present:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(name, legal, town, keywords, "
                "name_key UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
            )
            rebuild = True
        if SQLITE_VOCABULARY not in present:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {SQLITE_VOCABULARY} USING fts5vocab({SQLITE_TABLE}, 'row')"
            )
        for name, sql in statements.items():
            if name not in present:
                cursor.execute(sql)
                rebuild = True
        if rebuild:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")
            cursor.execute(
                f"INSERT INTO {SQLITE_TABLE}(rowid, {SQLITE_COLUMNS}) "
                f"SELECT o.id, {sqlite_values('o')} FROM {table} o"
            )
