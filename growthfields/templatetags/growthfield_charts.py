"""Charts of the growth field pages: the figures of the selectors as SVG (core.charts)."""

from django import template
from django.utils.translation import gettext as _

from core.charts import Bar, Point, bar_chart, line_chart
from growthfields.formatting import format_key_figure

register = template.Library()


@register.filter
def figure(key_figure):
    """A key figure as the brochure writes it: "ca. 7,7 Mrd. EUR", "keine Angaben"."""
    if key_figure is None:
        return _("keine Angaben")
    return format_key_figure(key_figure.metric, key_figure.value, key_figure.approximate)


@register.simple_tag
def series_chart(series):
    """A small line chart of one metric's series (``growthfields.selectors.Series``)."""
    points = [
        Point(
            label=figure.reference_display,
            value=figure.value,
            text=format_key_figure(figure.metric, figure.value, figure.approximate),
        )
        for figure in series.figures
    ]
    return line_chart(
        points,
        title=_("%(metric)s im Zeitverlauf") % {"metric": series.label},
        description=_("%(count)s Werte von %(first)s bis %(last)s, Quelle: %(source)s")
        % {
            "count": len(points),
            "first": points[0].label,
            "last": points[-1].label,
            "source": series.source.title,
        },
        id_prefix=series.chart_id,
    )


@register.simple_tag
def comparison_chart(chart_rows, label):
    """A horizontal bar chart of one column of the comparison: [(field name, Cell)]."""
    bars = [Bar(label=name, value=cell.value, text=cell.text) for name, cell in chart_rows]
    with_value = sum(1 for bar in bars if bar.value is not None)
    return bar_chart(
        bars,
        title=_("%(metric)s nach Wachstumsfeld") % {"metric": label},
        description=_(
            "Balkendiagramm: %(metric)s für %(count)s Wachstumsfelder, davon %(with_value)s mit "
            "Angaben. Die Werte stehen auch in der Tabelle unter dem Diagramm."
        )
        % {"metric": label, "count": len(bars), "with_value": with_value},
        id_prefix="vergleich-diagramm",
    )
