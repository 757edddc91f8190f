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
