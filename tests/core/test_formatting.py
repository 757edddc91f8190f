from decimal import Decimal

from django.utils import translation

from core.formatting import format_amount
from growthfields.choices import Metric
from growthfields.formatting import format_key_figure


def test_revenue_reads_in_billions_with_ca():
    """7.7 bn EUR, approximate, reads 'ca. 7,7 Mrd. EUR' in German."""
    with translation.override("de"):
        assert format_key_figure(Metric.REVENUE, Decimal("7700000000"), True) == "ca. 7,7 Mrd. EUR"
        assert format_key_figure(Metric.REVENUE, Decimal("13000000"), True) == "ca. 0,013 Mrd. EUR"


def test_missing_figure_reads_keine_angaben_never_zero():
    """A missing value is 'keine Angaben', not 0."""
    with translation.override("de"):
        assert format_key_figure(Metric.GVA_SHARE, None) == "keine Angaben"
        assert format_amount(None) == "keine Angaben"


def test_counts_and_percentages():
    """Counts get thousands separators, percentages their sign."""
    with translation.override("de"):
        assert format_key_figure(Metric.EMPLOYEES, Decimal("50000.00"), True) == "ca. 50.000"
        assert format_key_figure(Metric.EXPORT_QUOTA, Decimal("32.30")) == "32,3 %"
        assert format_key_figure(Metric.EXPORT_QUOTA, Decimal("50.00")) == "50 %"
    with translation.override("en"):
        assert format_key_figure(Metric.EMPLOYEES, Decimal("50000"), True) == "approx. 50,000"
