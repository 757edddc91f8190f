"""The declarative column spec of LEG sheets: one ``Column`` per column of a sheet.

A column names its header (and the other spellings it is known by), the record field it
fills, whether the sheet needs it, the parser of its cells (``ValueError`` with a German
message refuses a cell), the length limit of its text and the message of a refused value.
The company sheet (``imports.leg.COMPANY_COLUMNS``) and the key-figure sheet
(``imports.keyfigures.KEY_FIGURE_COLUMNS``) are both described this way; ``map_columns``
matches a file's headers against a sheet's columns.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .issues import IssueList


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    parser: Callable | None = None
    limit: int | None = None  # characters of text
    message: str = ""  # why a refused value was refused, when the parser does not say

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def header_key(header: str) -> str:
    return " ".join(str(header).split()).casefold()


def too_long(text: str, limit: int) -> str:
    """The message of an over-long text, the same in every sheet."""
    return f"zu lang ({len(text)} Zeichen, höchstens {limit})"


def shortened(text: str) -> str:
    """An over-long value as the report shows it."""
    return text[:60] + "…"


REQUIRED_MESSAGE = "Pflichtangabe fehlt"


def limited_text(limit, *, required=False):
    """A parser of text cells: spacing collapsed, at most ``limit`` characters."""

    def parse(raw):
        text = "" if raw is None else " ".join(str(raw).split())
        if required and not text:
            raise ValueError(REQUIRED_MESSAGE)
        if len(text) > limit:
            raise ValueError(too_long(text, limit))
        return text

    return parse


@dataclass
class ColumnMap:
    """Where each known column stands in the file, and the file's own header spelling."""

    index: dict[str, int]
    spelling: dict[str, str]


def map_columns(headers: list[str], issues: IssueList, columns, *, sheet="") -> ColumnMap | None:
    """Match headers ignoring case, spacing and order; report unknown, doubled and missing
    columns. ``columns`` is a sheet's spec (``Column``s, required ones first)."""
    known = {header_key(spelling): column for column in columns for spelling in column.spellings}
    errors_before = issues.error_count
    index, spelling, seen = {}, {}, {}
    for position, header in enumerate(headers):
        column = known.get(header_key(header))
        if column is None:
            if header.strip():
                issues.warning(1, header, header, "unbekannte Spalte, wird nicht importiert")
            continue
        if column.field in seen:
            message = f"Spalte doppelt (auch Spalte {seen[column.field] + 1})"
            issues.error(1, header, header, message)
            continue
        seen[column.field] = position
        index[column.field] = position
        spelling[column.field] = header
    missing = f"Pflichtspalte fehlt (Blatt {sheet})" if sheet else "Pflichtspalte fehlt"
    for column in columns:
        if column.required and column.field not in index:
            issues.error(1, column.header, "", missing)
    if issues.error_count > errors_before:
        return None
    return ColumnMap(index=index, spelling=spelling)
