"""German order of names (DIN 5007-1) on both databases, through one collation name.

DIN 5007-1: ä = a, ö = o, ü = u, ß = ss; upper and lower case sort together; leading quotation
marks and other punctuation (and spaces) are ignored; numbers in numeric order ("Halle 9"
before "Halle 10").

- PostgreSQL: an ICU collation ``GERMAN`` (``de-u-kn-true-ka-shifted``: numbers numeric,
  punctuation "shifted" so that it is ignored), created by migration core 0001. It is
  deterministic: names that compare equal are told apart by their bytes, so LIKE and
  uniqueness work as before.
- SQLite: a collation of the same name registered on every connection
  (``register_sqlite_collation``), comparing ``sort_key``.

``german_order("name")`` is the expression to order by (``.order_by(german_order("name"),
"pk")``, also with ``.desc()``).
"""

import functools
import re
import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

GERMAN = "de_din5007"
ICU_LOCALE = "de-u-kn-true-ka-shifted"

# Letters NFKD does not take apart (unaccent and ICU treat them as these).
_LETTERS = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_NOT_ALNUM = re.compile(r"[\W_]+")
_RUNS = re.compile(r"(\d+)")


def strip_diacritics(text: str) -> str:
    """Casefolded (ß -> ss) with accents removed: "Ölmühle" -> "olmuhle"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=65536)
def sort_key(text: str | None) -> tuple:
    """The order ICU's ``de-u-kn-true-ka-shifted`` gives, as a Python key.

    Primary: letters without accents or case, punctuation and spaces dropped, digit runs as
    numbers (a digit before a letter); then accents (a before ä), then case (lower first),
    then the text itself, as a deterministic collation does.
    """
    text = text or ""
    primary = []
    for number, part in enumerate(_RUNS.split(_NOT_ALNUM.sub("", strip_diacritics(text)))):
        if not part:
            continue
        primary.append((0, int(part), "") if number % 2 else (1, 0, part))
    accents = _NOT_ALNUM.sub("", text.casefold())
    case = _NOT_ALNUM.sub("", text).swapcase()
    return (tuple(primary), accents, case, text)


def compare(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def german_order(field):
    """The expression that orders ``field`` (a name or an expression) in German order (see
    the module docstring)."""
    return Collate(F(field) if isinstance(field, str) else field, GERMAN)


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created receiver: teach SQLite the German order."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(GERMAN, compare)


def create_collation_sql() -> str:
    return (
        f'CREATE COLLATION IF NOT EXISTS "{GERMAN}" '
        f"(provider = icu, locale = '{ICU_LOCALE}', deterministic = true)"
    )
