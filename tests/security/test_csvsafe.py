"""The one formula escaping of every export (core.csvsafe)."""

import datetime
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.csvsafe import neutralise, neutralised_text, unneutralise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        (
            '=HYPERLINK("http://evil.example";"klick")',
            '\'=HYPERLINK("http://evil.example";"klick")',
        ),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("+49 3641", "'+49 3641"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("-5+3", "'-5+3"),
        ("-", "'-"),
        ("  =1+1", "'  =1+1"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("'=1+1", "''=1+1"),
        ("Jenoptik", "Jenoptik"),
        ("Carl-Zeiss-Straße 1", "Carl-Zeiss-Straße 1"),
        ("'Jena", "'Jena"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_formula_text(value, expected):
    """Text starting with = + - @ tab or CR (also after spaces) gets one apostrophe; so does
    text that already looks like our escaping; other text is unchanged."""
    assert neutralise(value) == expected


@pytest.mark.parametrize("text", ["-5", "-1234,5", "-1.234,5", "-0.5", "+3", "-1e3", " -5 ", "-,5"])
def test_text_that_is_only_a_number_is_not_prefixed(text):
    """A negative number written as text is a number to a spreadsheet, not a formula."""
    assert neutralise(text) == text


@pytest.mark.parametrize(
    "value", [-5, Decimal("-5.5"), -0.5, 0, None, True, datetime.date(2012, 2, 27)]
)
def test_neutralise_leaves_typed_values_alone(value):
    """Numbers, dates, booleans and None are returned as they are (the same object)."""
    assert neutralise(value) is value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'=1+1", "=1+1"),
        ("''=1+1", "'=1+1"),
        ("'-cmd|' /C calc'!A0", "-cmd|' /C calc'!A0"),
        ("'Jena", "'Jena"),
        ("'-5", "'-5"),
        ("'", "'"),
        ("=1+1", "=1+1"),
        (Decimal("-5"), Decimal("-5")),
        (None, None),
    ],
)
def test_unneutralise_removes_exactly_our_apostrophe(value, expected):
    """Only an apostrophe before formula-like text is ours and removed, once."""
    assert unneutralise(value) == expected


def test_neutralised_text_is_text():
    """CSV writers get text: None is empty, numbers are their str()."""
    assert neutralised_text(None) == ""
    assert neutralised_text(3) == "3"
    assert neutralised_text("=A1") == "'=A1"


def test_long_runs_of_apostrophes_do_not_recurse():
    """Thousands of apostrophes are handled without recursion."""
    value = "'" * 5000 + "=1"
    assert neutralise(value) == "'" + value
    assert unneutralise(neutralise(value)) == value


@given(st.text(max_size=40))
def test_unneutralise_undoes_neutralise_for_any_text(text):
    """Export then import gives back exactly the original text, never a doubled apostrophe."""
    escaped = neutralise(text)
    assert unneutralise(escaped) == text
    assert escaped in (text, "'" + text)


@given(st.text(alphabet="'=+-@\t\r 0123456789,.aE", max_size=12))
def test_no_escaped_cell_starts_a_formula(text):
    """Whatever the text, the escaped cell does not start with a formula character unless it
    is a plain number."""
    escaped = neutralise(text)
    if escaped.lstrip()[:1] in ("=", "+", "-", "@") or escaped[:1] in ("\t", "\r"):
        assert escaped == text
        assert re.fullmatch(r"\s*[+-][0-9.,eE+-]+\s*", escaped), "only a plain number"
