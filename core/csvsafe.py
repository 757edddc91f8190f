"""Cells a spreadsheet program shows as text, never runs as a formula (OWASP "CSV injection").

Every file the portal writes for spreadsheets (the directory's CSV and XLSX, the comparison
CSV, the LEG import report, the back office's django-import-export downloads) passes its cells
through ``neutralise()``; every file it reads back (django-import-export uploads, LEG files)
passes them through ``unneutralise()``, which undoes exactly that and nothing else.

The rule, after OWASP's "CSV Injection" page:

- A text cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a leading apostrophe (``=1+1`` → ``'=1+1``). So does a text cell that starts with
  spaces or line breaks followed by one of those characters (``" =1+1"``): some programs trim
  cells when they open a CSV file and would then evaluate the rest.
- Numbers (``int``, ``float``, ``Decimal``), dates, booleans and ``None`` are never touched,
  and neither is text that is nothing but a number (``-5``, ``-1234,5``, ``-1.234,5``,
  ``+3.5e2``): a spreadsheet reads it as that number, not as a formula, so a negative number
  stays a negative number in every column. ``-5+3`` or ``+49 3641`` are not plain numbers and
  are neutralised.
- A text cell that already looks like our own output (an apostrophe followed by something we
  would neutralise, e.g. ``'=1+1``) gets one more apostrophe (``''=1+1``). That keeps the
  escaping exactly reversible: ``unneutralise(neutralise(x)) == x`` for every value, so an
  export re-imports unchanged and never doubles its apostrophes.

XLSX cells cannot hold most ASCII control characters at all (openpyxl refuses the whole file);
``xlsx_clean()`` replaces those characters with U+FFFD, ``xlsx_value()`` also neutralises.

``unneutralise()`` removes one leading apostrophe when the rest is something ``neutralise()``
would have prefixed, and leaves every other value alone (``'Jena`` stays ``'Jena``, ``'-5``
stays ``'-5``). The one ambiguity: a file we did not write (typed by hand, from another
system) whose cell really is ``'=1+1`` is read as ``=1+1``. Spreadsheet programs themselves
treat a leading apostrophe as "show as text", so that reading matches what staff see.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Text that is only a number: optional sign, digits with "." or "," between groups, an optional
# exponent. ASCII digits only (``\d`` would take any script's digits).
# The control characters an XLSX file cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]+)*[.,]?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_formula_like(text: str) -> bool:
    """True for text a spreadsheet would evaluate, or our own escaping of such text."""
    text = text.lstrip(QUOTE)  # "'=1" is our escaping of "=1", "''=1" of "'=1", and so on
    if text.startswith(("\t", "\r")):
        return True
    stripped = text.lstrip()
    return stripped.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(stripped.rstrip()) is None


def neutralise(value):
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula;
    anything else (numbers, dates, booleans, ``None``, plain numbers as text) unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return QUOTE + value
    return value


def unneutralise(value):
    """Undo ``neutralise()``: one leading apostrophe less if the rest is formula-like text;
    anything else unchanged."""
    if isinstance(value, str) and value.startswith(QUOTE) and is_formula_like(value[1:]):
        return value[1:]
    return value


def neutralised_text(value) -> str:
    """``value`` as CSV text (``None`` → ""), neutralised."""
    return neutralise("" if value is None else str(value))


def xlsx_clean(value):
    """Text without the control characters an XLSX cell cannot hold; anything else as it is."""
    if isinstance(value, str):
        return _ILLEGAL_IN_XLSX.sub("\N{REPLACEMENT CHARACTER}", value)
    return value


def xlsx_value(value):
    """``value`` neutralised and fit for an XLSX cell."""
    return xlsx_clean(neutralise(value))
