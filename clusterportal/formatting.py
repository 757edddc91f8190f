"""How figures read: "ca. 7,7 Mrd. EUR", "32,3 %", "keine Angaben" (never 0) on the pages, in
the page's language (``format_amount``); "1234,5" in files for German spreadsheets, whatever
the language (``german_decimal``)."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)


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


def format_key_figure(metric: str, value: Decimal | None, approximate: bool = False) -> str:
    """Format a growth field's key figure in the unit the brochure uses."""
    from growthfields.choices import Metric

    if value is None:
        return _("keine Angaben")
    if metric == Metric.REVENUE:
        billions = (value / BILLION).normalize()
        decimals = max(1, -billions.as_tuple().exponent)
        amount = format_amount(billions, approximate=approximate, decimals=decimals)
        return _("%(amount)s Mrd. EUR") % {"amount": amount}
    if metric in Metric.percentages():
        amount = format_amount(value.normalize(), approximate=approximate)
        return f"{amount} %"
    return format_amount(int(value), approximate=approximate)
