from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, TemplateView, View

from core.cache import cache_public_page, cached
from networks import selectors as network_selectors

from . import exports, selectors
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


# ?ansicht=: the current state (default) or an edition as printed (?ausgabe=<slug>).
VIEW_PARAMETER = "ansicht"
VIEW_CURRENT = "aktuell"
VIEW_PUBLISHED = "veroeffentlicht"
EDITION_PARAMETER = "ausgabe"


def chosen_edition(request):
    """The edition ?ausgabe= names, else the newest one with a printed table; None if none."""
    editions = selectors.editions()
    wanted = request.GET.get(EDITION_PARAMETER, "")
    for edition in editions:
        if edition.slug == wanted:
            return edition, editions
    printed = [edition for edition in editions if edition.rows.exists()]
    return (printed or editions or [None])[0], editions


def wants_published(request):
    return request.GET.get(VIEW_PARAMETER) == VIEW_PUBLISHED


@method_decorator(cache_public_page, name="dispatch")
class CompareView(TemplateView):
    """Kennzahlen im Vergleich in two views linked from each other: the current state (the
    newest known value of every figure, with its date where it differs) and an edition
    exactly as printed (?ansicht=veroeffentlicht&ausgabe=…)."""

    template_name = "growthfields/compare.html"
    published_template_name = "growthfields/compare_published.html"

    def get_template_names(self):
        if wants_published(self.request):
            return [self.published_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        if wants_published(self.request):
            edition, editions = chosen_edition(self.request)
            return super().get_context_data(
                published=selectors.published_edition(edition) if edition else None,
                editions=editions,
                edition=edition,
                **kwargs,
            )
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
    """Each view of the comparison as a download: ?format=xlsx (key figures, networks and
    sources, a sheet each) or ?format=csv (one table, ?tabelle=kennzahlen|netzwerke|quellen);
    ?ansicht= and ?ausgabe= as on the page."""

    def get(self, request, *args, **kwargs):
        if wants_published(request):
            edition, _editions = chosen_edition(request)
            if edition is None:
                raise Http404
            tables = exports.published_tables(selectors.published_edition(edition))
            stem = f"kennzahlen-{edition.slug}"
        else:
            tables = exports.current_tables()
            stem = "kennzahlen-wachstumsfelder"
        if request.GET.get("format") == "xlsx":
            return exports.xlsx_response(tables, filename=f"{stem}.xlsx", title=stem)
        wanted = request.GET.get("tabelle", tables[0].key)
        table = next((table for table in tables if table.key == wanted), tables[0])
        suffix = "" if table is tables[0] else f"-{table.key}"
        return exports.csv_response(table, filename=f"{stem}{suffix}.csv")
