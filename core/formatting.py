"""How amounts read: "ca. 7.700", "32,3", "keine Angaben" (never 0).

A growth field's key figures in their units ("ca. 7,7 Mrd. EUR", "32,3 %"):
``growthfields.formatting``."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def format_amount(value: Decimal | int | None, *, approximate: bool = False, decimals=None) -> str:
    if value is None:
        return _("keine Angaben")
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if approximate:
        return _("ca. %(amount)s") % {"amount": text}
    return text


def german_decimal(number: Decimal | int | float | str, *, trailing_zeros: bool = False) -> str:
    """ "1234,56" for 1234.56: a decimal comma, no thousands separator, no exponent, and no
    trailing zeros ("12,5" for 12.500) unless ``trailing_zeros`` ("12,500", a stored value as
    it is stored). How every file for German spreadsheets writes a number, so that it reads
    back as the same number in any language."""
    if not isinstance(number, Decimal):
        number = Decimal(str(number))
    if not trailing_zeros:
        number = number.normalize()
    return format(number, "f").replace(".", ",")
