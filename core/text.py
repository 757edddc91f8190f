"""Normalising names so that spelling variants of one growth field or network match.

Used by the aliases kept in the back office and by the LEG import.
"""

import re
import unicodedata

# Legal-form tokens, after punctuation has become spaces ("e. V." -> "e v").
_LEGAL_FORM_SUFFIX = re.compile(
    r"\s+(?:e\s?v|e\s?g|e\s?k|gmbh|mbh|ag|ug|kg|co|kdoer|stiftung|verein)$"
)
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ı": "i"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_name(value: str) -> str:
    """Return the matching key of a name: case, spacing, punctuation and
    legal-form suffixes do not count, umlauts equal their transliteration.

    >>> normalize_name(" Optonet e.V. ")
    'optonet'
    >>> normalize_name("Logistik-Netzwerk Thüringen e. V.")
    'logistik netzwerk thueringen'
    """
    text = unicodedata.normalize("NFKC", value or "").casefold().translate(_TRANSLITERATE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_ALNUM.sub(" ", text).strip()
    while True:
        stripped = _LEGAL_FORM_SUFFIX.sub("", text)
        if stripped == text or not stripped:
            return text
        text = stripped


def in_language(german: str, english: str) -> str:
    """The English text on English pages where one is kept, the German one otherwise."""
    from django.utils.translation import get_language

    if english and (get_language() or "").startswith("en"):
        return english
    return german
