from hypothesis import given
from hypothesis import strategies as st

from core.text import normalize_name


def test_spelling_variants_of_a_network_match():
    """OptoNet, Optonet e.V. and OPTONET are one network."""
    assert normalize_name("OptoNet") == normalize_name("Optonet e.V.") == normalize_name("OPTONET")


def test_hyphen_space_and_umlaut_variants_match():
    """Hyphen or space, ü or ue, and a trailing legal form do not matter."""
    assert normalize_name("Logistik-Netzwerk Thüringen e.V.") == normalize_name(
        "Logistik Netzwerk Thueringen"
    )


def test_legal_form_suffixes_are_dropped():
    """e. V., eG and GmbH at the end are not part of the matching key."""
    assert normalize_name("ELMUG eG") == "elmug"
    assert normalize_name("medways e. V.") == "medways"
    assert normalize_name("Beispiel GmbH & Co. KG") == "beispiel"


def test_a_name_that_is_only_a_legal_form_keeps_it():
    """'AG' alone stays 'ag' rather than becoming empty."""
    assert normalize_name("AG") == "ag"


def test_punctuation_in_growth_field_names_does_not_count():
    """Commas, slashes and double spaces in growth field names are ignored."""
    assert normalize_name("Mess-, Steuer- und Regeltechnik") == "mess steuer und regeltechnik"
    assert normalize_name("Kunststoffe  und Keramik") == normalize_name("Kunststoffe und Keramik")
    assert normalize_name("Optik / Optoelektronik") == normalize_name("Optik/Optoelektronik")


names = st.text(alphabet=st.characters(categories=["L", "N", "Zs", "Pd", "Po"]), max_size=40)


@given(names)
def test_normalising_is_idempotent(name):
    """A normalised name normalises to itself."""
    assert normalize_name(normalize_name(name)) == normalize_name(name)


@given(names)
def test_case_and_surrounding_space_do_not_matter(name):
    """Upper case, lower case and padding give the same key."""
    assert normalize_name(f"  {name.upper()} ") == normalize_name(name.lower())


@given(names)
def test_key_is_plain_lowercase_ascii_words(name):
    """The key holds only a-z, 0-9 and single spaces, without padding."""
    key = normalize_name(name)
    assert key == key.strip()
    assert "  " not in key
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in key)
    assert key == key.lower()
