"""How a growth field's key figures read: "ca. 7,7 Mrd. EUR", "32,3 %", "keine Angaben"."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import format_amount

from .choices import Metric

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)


def revenue_decimals(value: Decimal) -> int:
    """The decimals a revenue shows in billions: at least one ("2,0"), as many as it has."""
    billions = (value / BILLION).normalize()
    return max(1, -billions.as_tuple().exponent)


def format_key_figure(metric: str, value: Decimal | None, approximate: bool = False) -> str:
    """Format a growth field's key figure in the unit the brochure uses."""
    if value is None:
        return _("keine Angaben")
    if metric == Metric.REVENUE:
        billions = (value / BILLION).normalize()
        amount = format_amount(billions, approximate=approximate, decimals=revenue_decimals(value))
        return _("%(amount)s Mrd. EUR") % {"amount": amount}
    if metric in Metric.percentages():
        amount = format_amount(value.normalize(), approximate=approximate)
        return f"{amount} %"
    return format_amount(int(value), approximate=approximate)
