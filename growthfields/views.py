from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView, View

from core import spreadsheets
from core.cache import cache_public_page, cached
from networks import selectors as network_selectors

from . import selectors
from .choices import Metric
from .models import GrowthField

CHART_METRIC_PARAMETER = "metric"


@method_decorator(cache_public_page, name="dispatch")
class GrowthFieldListView(TemplateView):
    """The growth fields, grouped by category, each with its short figures and its parts."""

    template_name = "growthfields/growthfield_list.html"

    def get_context_data(self, **kwargs):
        table = selectors.comparison_table()
        return super().get_context_data(
            categories=table.by_category(),
            footnotes=table.overview_footnotes,
            **kwargs,
        )


@method_decorator(cache_public_page, name="dispatch")
class GrowthFieldDetailView(DetailView):
    """One growth field with its sourced key figures, networks and organisations."""

    queryset = GrowthField.objects.select_related("parent", "assessment_source")
    template_name = "growthfields/growthfield_detail.html"
    context_object_name = "growth_field"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **selectors.growth_field_detail(self.object),
            **kwargs,
        )


def _network_figures():
    networks = list(network_selectors.networks_in_brochure_order())
    return {
        "member_counts": network_selectors.declared_vs_counted(networks),
        "overlap": network_selectors.overlap_matrix(networks),
    }


@method_decorator(cache_public_page, name="dispatch")
class CompareView(TemplateView):
    """Kennzahlen im Vergleich: the brochure's Anlage 2 as a living, sourced table."""

    template_name = "growthfields/compare.html"

    def get_context_data(self, **kwargs):
        table = selectors.comparison_table()
        sort = self.request.GET.get("sort", "")
        chart_metric = self.request.GET.get(CHART_METRIC_PARAMETER, "")
        if chart_metric not in selectors.chart_keys():
            chart_metric = Metric.COMPANIES
        return super().get_context_data(
            table=table,
            rows=selectors.sort_rows(table.rows, sort),
            sort=sort,
            default_sort="",
            metric_columns=[(key, Metric(key).label) for key in Metric.values],
            derived_columns=list(selectors.DERIVED_LABELS.items()),
            chart_metric=chart_metric,
            chart_label=selectors.column_label(chart_metric),
            chart_choices=[(key, selectors.column_label(key)) for key in selectors.chart_keys()],
            chart_rows=selectors.chart_rows(table, chart_metric),
            **cached("comparison-networks", _network_figures),
            **kwargs,
        )


class CompareExportView(View):
    """The comparison table as CSV for German spreadsheets, one row per growth field (see
    ``core.spreadsheets`` for the format and the licence)."""

    def get(self, request, *args, **kwargs):
        table = selectors.comparison_table()
        header = [_("Wachstumsfeld"), _("Teil von")]
        for key in Metric.values:
            label = str(Metric(key).label)
            header += [
                label,
                _("%(label)s: ca.") % {"label": label},
                _("%(label)s: Stichtag") % {"label": label},
                _("%(label)s: Abgrenzung") % {"label": label},
                _("%(label)s: Quelle") % {"label": label},
            ]
        return spreadsheets.csv_response(
            header,
            self.rows(table),
            filename="kennzahlen-wachstumsfelder.csv",
            licence=True,
        )

    def rows(self, table):
        for row, parent in table.rows_with_parent():
            line = [row.field.display_name, parent.field.display_name if parent else ""]
            for key in Metric.values:
                cell = row.cells[key]
                figure = cell.figure
                line += [
                    cell.value,
                    _("ca.") if cell.approximate else "",
                    figure.reference_date if figure else None,
                    cell.scope_note,
                    str(figure.source) if figure else "",
                ]
            yield line
