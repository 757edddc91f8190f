"""The chart of a network's page: its declared member counts over time as SVG (core.charts)."""

from django import template
from django.utils.translation import gettext as _

from core.charts import Point, line_chart
from core.formatting import format_amount
from networks.selectors import member_count_series

register = template.Library()


@register.simple_tag
def member_series(network):
    """The network's declared counts, one point per date, oldest first."""
    return member_count_series(network.declared_counts.all())


@register.simple_tag
def member_chart(network, series):
    """A line chart of the declared member counts, each point placed at its date."""
    points = [
        Point(
            label=point.reference_display,
            value=point.totals[0],
            text=" / ".join(format_amount(total) for total in point.totals),
            position=point.reference_date.toordinal(),
        )
        for point in series
    ]
    return line_chart(
        points,
        title=_("Angegebene Mitglieder von %(name)s im Zeitverlauf") % {"name": network.name},
        description=_(
            "%(count)s Angaben von %(first)s bis %(last)s; die Werte stehen auch in der Tabelle "
            "neben dem Diagramm."
        )
        % {"count": len(points), "first": points[0].label, "last": points[-1].label},
        id_prefix="mitglieder-diagramm",
    )
