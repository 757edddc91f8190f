"""Cell values of LEG spreadsheets: German numbers under every language, postcodes, LEG-IDs,
WZ codes, websites and dates, with property-based checks of the number, postcode and name
normalisers."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import assume, example, given
from hypothesis import strategies as st

from core.normalizers import (
    is_no_data,
    normalize_leg_id,
    normalize_postcode,
    normalize_website,
    normalize_wz_code,
    parse_german_date,
    parse_german_decimal,
    parse_german_int,
    parse_year,
    split_list,
)
from core.text import normalize_name

LANGUAGES = ["de", "en"]


def german(number) -> str:
    """Write an int or Decimal the German way: thousands dots, decimal comma."""
    number = Decimal(number)
    sign, digits = ("-", format(-number, "f")) if number < 0 else ("", format(number, "f"))
    whole, _, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        whole, group = whole[:-3], whole[-3:]
        groups.insert(0, group)
    whole = ".".join([whole, *groups])
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


def test_the_german_formatter_of_these_tests():
    """The helper writes 1234567.5 as "1.234.567,5" and -1000 as "-1.000"."""
    assert german(Decimal("1234567.5")) == "1.234.567,5"
    assert german(-1000) == "-1.000"
    assert german(999) == "999"
    assert german(Decimal("0.25")) == "0,25"


# German numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("cell", "number", "approximate"),
    [
        ("1.250", Decimal("1250"), False),
        ("1.234,5", Decimal("1234.5"), False),
        ("12,5", Decimal("12.5"), False),
        ("1.234.567,89", Decimal("1234567.89"), False),
        ("ca. 120", Decimal("120"), True),
        ("ca. 3,2", Decimal("3.2"), True),
        ("Ca.120", Decimal("120"), True),
        ("45,6 %", Decimal("45.6"), False),
        ("45,6%", Decimal("45.6"), False),
        (" 12,5 ", Decimal("12.5"), False),
        ("0", Decimal("0"), False),
    ],
)
def test_german_decimals_do_not_depend_on_the_language(language, cell, number, approximate):
    """ "1.250" is 1250, "1.234,5" is 1234.5, "12,5" is 12.5, "ca. 120" is an approximate 120
    and "45,6 %" is 45.6, under German and English alike."""
    with translation.override(language):
        assert parse_german_decimal(cell) == (number, approximate)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("cell", "number", "approximate"),
    [("1.250", 1250, False), ("120", 120, False), ("ca. 120", 120, True), ("1.250,0", 1250, False)],
)
def test_german_integers_do_not_depend_on_the_language(language, cell, number, approximate):
    """Employees "1.250" are 1250 (never 1.25) and "ca. 120" an approximate 120 in any language."""
    with translation.override(language):
        value, approx = parse_german_int(cell)
    assert (value, approx) == (number, approximate)
    assert type(value) is int


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("cell", ["k. A.", "k.A.", "K. A.", "-", "", "   ", None])
def test_no_data_is_none_never_zero(language, cell):
    """ "k. A.", "k.A.", "-" and empty cells mean no data: None, not 0, and not approximate."""
    with translation.override(language):
        assert is_no_data(cell)
        assert parse_german_decimal(cell) == (None, False)
        assert parse_german_decimal(cell, percent=True) == (None, False)
        assert parse_german_int(cell) == (None, False)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("cell", ["zwölf", "12,5,3", "1,2.3", "ca.", "ca. k. A.", "12 Stück", "%"])
def test_text_that_is_no_number_raises_value_error_with_a_german_message(language, cell):
    """A cell that is not a number is refused with ValueError (the report's reason)."""
    with translation.override(language), pytest.raises(ValueError) as error:
        parse_german_decimal(cell)
    assert str(error.value)


def test_a_fraction_is_not_a_whole_number():
    """ "12,5" employees are refused rather than rounded."""
    with pytest.raises(ValueError, match="ganze Zahl"):
        parse_german_int("12,5")


@pytest.mark.parametrize("language", LANGUAGES)
def test_xlsx_numbers_are_taken_as_they_are(language):
    """Numbers from XLSX cells are not reinterpreted: 1250 stays 1250, 12.5 stays 12.5."""
    with translation.override(language):
        assert parse_german_decimal(1250) == (Decimal("1250"), False)
        assert parse_german_decimal(12.5) == (Decimal("12.5"), False)
        assert parse_german_decimal(0.1) == (Decimal("0.1"), False)
        assert parse_german_decimal(Decimal("7.25")) == (Decimal("7.25"), False)
        assert parse_german_int(1250) == (1250, False)
        assert parse_german_int(1250.0) == (1250, False)
    with pytest.raises(ValueError):
        parse_german_decimal(float("nan"))
    with pytest.raises(ValueError):
        parse_german_decimal(float("inf"))
    with pytest.raises(ValueError):
        parse_german_decimal(True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_are_parsed_in_german_or_taken_from_date_cells(language):
    """ "27.02.2012" is 27 February; a date or datetime cell is taken as it is."""
    with translation.override(language):
        assert parse_german_date("27.02.2012") == datetime.date(2012, 2, 27)
        assert parse_german_date("03.04.2012") == datetime.date(2012, 4, 3)
        assert parse_german_date(datetime.datetime(2012, 4, 3, 0, 0)) == datetime.date(2012, 4, 3)
        assert parse_german_date(datetime.date(2012, 4, 3)) == datetime.date(2012, 4, 3)
        assert parse_german_date("k. A.") is None
    with pytest.raises(ValueError):
        parse_german_date("31.02.2012")


def test_founding_years_are_four_digits():
    """ "1990" and the XLSX number 1990.0 are 1990; empty is None; "90" is refused."""
    assert parse_year("1990") == 1990
    assert parse_year(1990.0) == 1990
    assert parse_year("") is None
    for cell in ("90", "19900", "1200"):
        with pytest.raises(ValueError):
            parse_year(cell)


def test_lists_are_split_and_trimmed():
    """ "A; B ;;C" is three names."""
    assert split_list("A; B ;;C", ";") == ["A", "B", "C"]
    assert split_list(None, ";") == []


# Postcodes, LEG-IDs, WZ codes, websites -------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "postcode"),
    [
        ("7743", "07743"),
        (7743, "07743"),
        (7743.0, "07743"),
        ("07743", "07743"),
        (" 99084 ", "99084"),
        (99084, "99084"),
        (4600, "04600"),
    ],
)
def test_postcodes_get_their_leading_zero_back(cell, postcode):
    """Excel drops the leading zero of 07743 (Jena); the importer restores it."""
    assert normalize_postcode(cell) == postcode


@pytest.mark.parametrize("cell", ["", None, "774", "123456", "O7743", "7743.5", 7743.5, "07 743"])
def test_what_is_no_postcode_is_refused(cell):
    """Three or six digits, letters and fractions are no postcode."""
    with pytest.raises(ValueError):
        normalize_postcode(cell)


@pytest.mark.parametrize(
    ("cell", "leg_id"),
    [("TH-004711", "TH-004711"), (" th-004711 ", "TH-004711"), ("Th-000001\t", "TH-000001")],
)
def test_leg_ids_are_trimmed_and_upper_cased(cell, leg_id):
    """ " th-004711 " is TH-004711."""
    assert normalize_leg_id(cell) == leg_id


@pytest.mark.parametrize("cell", ["", None, "TH-4711", "TH-0047110", "XY-004711", "TH 004711"])
def test_what_is_no_leg_id_is_refused(cell):
    """A LEG-ID is TH- and six digits; anything else is an error."""
    with pytest.raises(ValueError):
        normalize_leg_id(cell)


def test_leg_ids_and_postcodes_are_ascii_digits():
    """Digits of other scripts (Arabic-Indic, superscript) are no postcode and no LEG-ID."""
    for cell in ("٠٧٧٤٣", "¹²³⁴", "０７７４３"):
        with pytest.raises(ValueError):
            normalize_postcode(cell)
    with pytest.raises(ValueError):
        normalize_leg_id("TH-٠٠٤٧١١")


@pytest.mark.parametrize(
    "cell", ["26.51", "26.51.0", "C 26.51", "C26.51", "2651", " 26.51 ", 2651, 26.51]
)
def test_wz_codes_have_one_form(cell):
    """ "26.51", "26.51.0", "C 26.51" and "2651" are all WZ 26.51."""
    assert normalize_wz_code(cell) == "26.51"


def test_wz_code_no_data_and_garbage():
    """An empty WZ cell is "", a word is refused."""
    assert normalize_wz_code("") == ""
    assert normalize_wz_code("k. A.") == ""
    assert normalize_wz_code("29") == "29"
    with pytest.raises(ValueError):
        normalize_wz_code("Optik")


@pytest.mark.parametrize(
    ("cell", "url"),
    [
        ("www.elmug.de", "https://www.elmug.de"),
        ("elmug.de", "https://elmug.de"),
        ("http://elmug.de", "http://elmug.de"),
        ("https://www.elmug.de/", "https://www.elmug.de/"),
        ("HTTPS://ELMUG.DE", "HTTPS://ELMUG.DE"),
        (" www.elmug.de ", "https://www.elmug.de"),
        ("", ""),
        (None, ""),
    ],
)
def test_websites_get_a_scheme(cell, url):
    """A website without scheme gets https://; one with a scheme keeps it."""
    assert normalize_website(cell) == url


# Properties: the number parser --------------------------------------------------------------

integers = st.integers(min_value=-(10**15), max_value=10**15)
decimals = st.decimals(
    min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False
)


@given(number=st.one_of(integers, decimals), language=st.sampled_from(LANGUAGES))
@example(number=1250, language="en")
@example(number=Decimal("1234.5"), language="en")
def test_german_numbers_parse_back_to_themselves(number, language):
    """Any number written with thousands dots and a decimal comma parses back to itself."""
    with translation.override(language):
        value, approximate = parse_german_decimal(german(number))
    assert value == number
    assert approximate is False


@given(number=st.one_of(integers, decimals))
def test_ca_marks_a_number_approximate(number):
    """ "ca. " before a number keeps the number and marks it approximate."""
    assert parse_german_decimal(f"ca. {german(number)}") == (number, True)
    assert parse_german_decimal(f"ca.{german(number)}") == (number, True)


@given(number=st.integers(min_value=0, max_value=10**12))
def test_german_integers_parse_back_as_int(number):
    """Employee counts with thousands dots come back as the same int."""
    assert parse_german_int(german(number)) == (number, False)


@given(number=st.decimals(min_value=0, max_value=100, places=1))
def test_percentages_parse_with_or_without_the_sign(number):
    """ "45,6" and "45,6 %" are both 45.6."""
    assert parse_german_decimal(f"{german(number)} %", percent=True) == (number, False)
    assert parse_german_decimal(german(number), percent=True) == (number, False)


@given(text=st.text(), percent=st.booleans())
@example(text="1" * 5000, percent=False)
@example(text="ca. ca. 5", percent=False)
@example(text="\x00", percent=True)
def test_arbitrary_text_raises_nothing_but_value_error(text, percent):
    """Whatever the cell holds, the parser returns a Decimal or None, or raises ValueError."""
    try:
        value, approximate = parse_german_decimal(text, percent=percent)
    except ValueError:
        return
    assert value is None or isinstance(value, Decimal)
    assert isinstance(approximate, bool)
    if value is None:
        assert approximate is False


@given(text=st.text())
def test_arbitrary_text_raises_nothing_but_value_error_for_integers(text):
    """The whole-number parser too returns an int or None, or raises ValueError."""
    try:
        value, _ = parse_german_int(text)
    except ValueError:
        return
    assert value is None or type(value) is int


# Properties: the postcode normaliser --------------------------------------------------------


@given(number=st.integers(min_value=1000, max_value=99999), form=st.sampled_from([str, int, float]))
def test_any_four_or_five_digit_number_gives_five_digits(number, form):
    """7743, "7743" and 7743.0 all give "07743": five digits that int() back to the number."""
    postcode = normalize_postcode(form(number))
    assert len(postcode) == 5
    assert re.fullmatch(r"[0-9]{5}", postcode)
    assert int(postcode) == number


@given(number=st.integers().filter(lambda n: not 1000 <= n <= 99999))
def test_other_numbers_are_no_postcode(number):
    """Numbers with fewer than four or more than five digits (or negative) are refused."""
    with pytest.raises(ValueError):
        normalize_postcode(number)


@given(text=st.text())
@example(text="٠٧٧٤٣")
@example(text="¹²³⁴")
def test_other_text_is_no_postcode(text):
    """Text other than four or five ASCII digits raises ValueError, nothing else."""
    assume(not re.fullmatch(r"[0-9]{4,5}", text.strip()))
    with pytest.raises(ValueError):
        normalize_postcode(text)


@given(number=st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_postcodes_only_when_whole_four_or_five_digit_numbers(number):
    """A float cell is a postcode exactly when it is a whole number of four or five digits."""
    if number == number and number not in (float("inf"), float("-inf")):
        whole = number.is_integer() and 1000 <= number <= 99999
    else:
        whole = False
    if whole:
        assert int(normalize_postcode(number)) == int(number)
    else:
        with pytest.raises(ValueError):
            normalize_postcode(number)


# Properties: the name normaliser ------------------------------------------------------------

names = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs", "Pd", "Po"]), min_size=1, max_size=40
)
LEGAL_FORMS = [" e.V.", " eG", " GmbH", " e. V.", " AG", " GmbH & Co. KG"]


@given(name=names, suffix=st.sampled_from(LEGAL_FORMS))
@example(name="OptoNet", suffix=" e.V.")
@example(name="ELMUG", suffix=" eG")
@example(name="AG", suffix=" GmbH")
@example(name="x e", suffix=" e.V.")
def test_a_legal_form_suffix_does_not_change_the_key(name, suffix):
    """Adding " e.V.", " eG" or " GmbH" to a name with letters gives the same matching key."""
    assume(re.search("[a-z]", normalize_name(name)))
    assert normalize_name(name + suffix) == normalize_name(name)


hyphenated = st.lists(
    st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12),
    min_size=1,
    max_size=5,
)


@given(words=hyphenated, separators=st.lists(st.sampled_from(["-", " "]), min_size=4, max_size=4))
@example(words=["Logistik", "Netzwerk", "Thüringen"], separators=["-", " ", " ", " "])
def test_hyphen_or_space_does_not_matter(words, separators):
    """ "Logistik-Netzwerk" and "Logistik Netzwerk" give the same key."""
    joined = words[0]
    for word, separator in zip(words[1:], separators, strict=False):
        joined += separator + word
    spaced = " ".join(words)
    assert normalize_name(joined) == normalize_name(spaced)


@given(name=names)
def test_replacing_hyphens_by_spaces_does_not_change_the_key(name):
    """Every hyphen of a name may be a space instead."""
    assert normalize_name(name) == normalize_name(name.replace("-", " "))
