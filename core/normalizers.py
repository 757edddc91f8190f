"""Turning the values of LEG spreadsheets into clean Python values.

Nothing here depends on the active language: "12,5" is twelve and a half under German and
English alike. Every parser raises ``ValueError`` with a German message for the error report.
XLSX cells arrive as numbers or dates and are taken as they are.
"""

import datetime
import re
from decimal import Decimal

NO_DATA = {
    "",
    "-",
    "–",
    "k. a.",
    "k.a.",
    "k. a",
    "k.a",
    "k a",
    "ka",
    "keine angaben",
    "n. a.",
    "n.a.",
}
_APPROXIMATE = re.compile(r"^(?:ca\.?|circa|etwa|~)\s*", re.IGNORECASE)
_GERMAN_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


def is_no_data(value) -> bool:
    """True for "k. A.", "k.A.", "-" and empty cells: no data, never zero."""
    if value is None:
        return True
    return isinstance(value, str) and " ".join(value.split()).casefold() in NO_DATA


def parse_german_decimal(value, *, percent: bool = False) -> tuple[Decimal | None, bool]:
    """Parse "1.234,5", "12,5", "ca. 120", "45,6 %" or an XLSX number.

    Returns ``(value, approximate)``; ``(None, False)`` for no data.
    """
    if is_no_data(value):
        return None, False
    if isinstance(value, bool):
        raise ValueError("keine Zahl")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise ValueError("keine endliche Zahl")
        return number, False
    text = " ".join(str(value).split())
    approximate = bool(_APPROXIMATE.match(text))
    text = _APPROXIMATE.sub("", text)
    if percent or text.endswith("%"):
        text = text.removesuffix("%").strip()
    text = text.replace(" ", "")
    if is_no_data(text):
        raise ValueError("„ca.“ ohne Zahl")
    if _GERMAN_NUMBER.match(text):
        number = Decimal(text.replace(".", "").replace(",", "."))
    elif _PLAIN_DECIMAL.match(text) and not re.match(r"^[+-]?\d{1,3}\.\d{3}$", text):
        # "12.5" is not German, but unambiguous; "1.250" is German for 1250 (matched above).
        number = Decimal(text)
    else:
        raise ValueError("keine Zahl im deutschen Format (z. B. 1.234,5)")
    return number, approximate


def parse_german_int(value) -> tuple[int | None, bool]:
    """Parse "1.250", "ca. 120", "k. A." or an XLSX number as a whole number."""
    number, approximate = parse_german_decimal(value)
    if number is None:
        return None, False
    if number != number.to_integral_value():
        raise ValueError("keine ganze Zahl")
    return int(number), approximate


_POSTCODE = re.compile(r"[0-9]{4,5}")


def normalize_postcode(value) -> str:
    """Restore the leading zero Excel dropped: 7743 -> "07743"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValueError("Postleitzahl fehlt")
    if not _POSTCODE.fullmatch(text):  # ASCII digits only: str.isdigit() accepts "²" and "٧"
        raise ValueError("keine Postleitzahl (fünf Ziffern erwartet)")
    return text.zfill(5)


THURINGIAN_POSTCODE_PREFIXES = ("04", "06", "07", "36", "37", "96", "98", "99")

LEG_ID_PATTERN = re.compile(r"TH-[0-9]{6}")


def normalize_leg_id(value) -> str:
    """Trim and upper-case: " th-004711 " -> "TH-004711"."""
    text = str(value or "").strip().upper()
    if not text:
        raise ValueError("LEG-ID fehlt")
    if not LEG_ID_PATTERN.fullmatch(text):
        raise ValueError("keine LEG-ID (Form TH-123456 erwartet)")
    return text


_WZ = re.compile(r"^(?:[A-Z]\s*)?(\d{2})\.?(\d{1,2})?(?:\.?(\d))?$")


def normalize_wz_code(value) -> str:
    """Bring WZ 2008 codes to one form: "26.51", "26.51.0", "C 26.51" and 2651 all become "26.51"."""
    if is_no_data(value):
        return ""
    if isinstance(value, float):
        value = f"{value:.2f}" if not value.is_integer() else str(int(value))
    text = str(value).strip().upper().replace(" ", "")
    match = _WZ.match(text)
    if not match:
        raise ValueError("kein WZ-2008-Code (z. B. 26.51)")
    division, group = match.group(1), match.group(2)
    return f"{division}.{group}" if group else division


_SCHEME = re.compile(r"https?://", re.IGNORECASE)


def normalize_website(value) -> str:
    """Give a website a scheme: "www.elmug.de" -> "https://www.elmug.de"."""
    text = str(value or "").strip()
    if text and not _SCHEME.match(text):
        text = f"https://{text}"
    return text


def parse_german_date(value) -> datetime.date | None:
    """Parse "27.02.2012" or take an XLSX date cell as it is."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if is_no_data(value):
        return None
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("kein Datum (TT.MM.JJJJ erwartet)")


def parse_year(value) -> int | None:
    """A founding year: four digits or an XLSX number."""
    if is_no_data(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError("kein Jahr (vier Ziffern erwartet)")
    year = int(text)
    if not 1500 <= year <= datetime.date.today().year + 1:
        raise ValueError("Jahr außerhalb des möglichen Bereichs")
    return year


def split_list(value, separator: str) -> list[str]:
    """Split "A; B ;;C" into ["A", "B", "C"]."""
    if value is None:
        return []
    return [part.strip() for part in str(value).split(separator) if part.strip()]


# The one yes/no vocabulary of every file: LEG sheets and the back office's imports alike.
YES = frozenset({"1", "ja", "j", "x", "wahr", "true", "yes"})
NO = frozenset({"0", "nein", "n", "falsch", "false", "no"})


def parse_yes_no(value, *, also_yes=frozenset()) -> bool | None:
    """True for "ja", "x", "1" …, False for "nein", "0" …, None for no data ("", "-", "k. A.").

    ``also_yes`` adds a column's own marks (the key figures' "ca." column takes "ca.").
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
        raise ValueError("kein Ja/Nein-Wert")
    if is_no_data(value):
        return None
    text = str(value).strip().casefold()
    if text in YES or text in also_yes:
        return True
    if text in NO:
        return False
    raise ValueError("kein Ja/Nein-Wert")
