"""Reads the growth field pages share: the latest figure per field and metric, the comparison
table with its derived figures, footnotes and notices, and one field's figures and series.

A missing figure or a figure without a value is "keine Angaben", never 0; a derived figure is
only computed where both of its inputs have a value.
"""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cache import cached
from core.collation import german_order
from core.dates import DatePrecision, format_reference_date
from core.formatting import format_amount
from core.text import normalize_name
from growthfields.formatting import format_key_figure
from members.models import Organisation
from networks.models import NetworkGrowthField

from .choices import Category, Metric
from .models import GrowthField, KeyFigure, Source

# The figures summed over the fields: the base of the shares (percentages cannot be summed).
SUMMABLE_METRICS = (Metric.COMPANIES, Metric.EMPLOYEES, Metric.REVENUE)
# The figures the home page and the list of growth fields show for each field.
OVERVIEW_METRICS = (Metric.COMPANIES, Metric.EMPLOYEES, Metric.REVENUE)
OVERVIEW_LABELS = {
    Metric.COMPANIES: gettext_lazy("Unternehmen"),
    Metric.EMPLOYEES: gettext_lazy("Beschäftigte"),
    Metric.REVENUE: gettext_lazy("Umsatz"),
}

REVENUE_PER_EMPLOYEE = "revenue_per_employee"
EMPLOYEES_PER_COMPANY = "employees_per_company"
SHARE_PREFIX = "share_"

DERIVED_LABELS = {
    REVENUE_PER_EMPLOYEE: gettext_lazy("Umsatz je Beschäftigten (EUR)"),
    EMPLOYEES_PER_COMPANY: gettext_lazy("Beschäftigte je Unternehmen"),
    f"{SHARE_PREFIX}{Metric.COMPANIES}": gettext_lazy("Anteil an den Unternehmen (%)"),
    f"{SHARE_PREFIX}{Metric.EMPLOYEES}": gettext_lazy("Anteil an den Beschäftigten (%)"),
    f"{SHARE_PREFIX}{Metric.REVENUE}": gettext_lazy("Anteil am Umsatz (%)"),
}
# Derived figure -> (numerator, denominator).
RATIOS = {
    REVENUE_PER_EMPLOYEE: (Metric.REVENUE, Metric.EMPLOYEES),
    EMPLOYEES_PER_COMPANY: (Metric.EMPLOYEES, Metric.COMPANIES),
}
NAME_KEY = "name"


def column_keys():
    """Every sortable column of the comparison: the metrics, then the derived figures."""
    return [*Metric.values, *DERIVED_LABELS]


def chart_keys():
    """What the bar chart can show: the metrics and the two ratios (shares look like the metric)."""
    return [*Metric.values, *RATIOS]


def column_label(key):
    if key in Metric.values:
        return Metric(key).label
    return DERIVED_LABELS[key]


# --- Data shapes (plain, picklable: the comparison is kept in the cache) -----------------------


@dataclass
class Footnote:
    """A source as cited for figures of one reference date."""

    number: int
    source: Source
    reference_display: str

    @property
    def anchor(self):
        return f"quelle-{self.number}"


class Footnotes:
    """Numbers sources in the order they are first cited, like the brochure's footnotes."""

    def __init__(self, *, per_date=True):
        self.per_date = per_date
        self._by_key = {}

    def cite(self, source, reference_date=None, precision=DatePrecision.DAY):
        key = (source.pk, reference_date if self.per_date else None)
        if key not in self._by_key:
            display = format_reference_date(reference_date, precision) if self.per_date else ""
            self._by_key[key] = Footnote(len(self._by_key) + 1, source, display)
        return self._by_key[key]

    def cite_figure(self, figure):
        return self.cite(figure.source, figure.reference_date, figure.reference_precision)

    def all(self):
        return list(self._by_key.values())


@dataclass
class Cell:
    """One value of the comparison: a key figure or a figure derived from two of them."""

    key: str
    value: Decimal | None = None
    approximate: bool = False
    text: str = ""
    figure: KeyFigure | None = None
    footnote: Footnote | None = None
    reference_display: str = ""
    scope_note: str = ""
    mixed: bool = False
    mixed_note: str = ""

    @property
    def has_value(self):
        return self.value is not None


@dataclass(eq=False)
class Row:
    """One growth field of the comparison, with its parts (sub-fields) as rows of their own."""

    field: GrowthField
    cells: dict
    is_part: bool = False
    parts: list = field(default_factory=list)

    def cell(self, key):
        return self.cells[key]

    @property
    def metric_cells(self):
        return [self.cells[key] for key in Metric.values]

    @property
    def derived_cells(self):
        return [self.cells[key] for key in DERIVED_LABELS]

    @property
    def overview_cells(self):
        return [self.cells[key] for key in OVERVIEW_METRICS]

    @property
    def overview(self):
        """[(short label, cell)] of the figures the overviews show."""
        return [(OVERVIEW_LABELS[key], self.cells[key]) for key in OVERVIEW_METRICS]

    @property
    def overview_dates(self):
        """The distinct reference dates of the overview figures, e.g. ["September 2012"]."""
        dates = [cell.reference_display for cell in self.overview_cells if cell.figure]
        return list(dict.fromkeys(dates))


@dataclass
class ColumnNotice:
    """A column whose values come from more than one source or reference date."""

    key: str
    label: str
    groups: list  # of (Footnote, [field names]), the largest group first


@dataclass
class ComparisonTable:
    rows: list  # top-level rows in the brochure's order, parts inside
    footnotes: list
    notices: list
    totals: dict  # metric -> Cell with the sum over the top-level fields

    @property
    def all_rows(self):
        for row in self.rows:
            yield row
            yield from row.parts

    def rows_with_parent(self):
        """(row, parent row or None) for every field, parts right after their field."""
        for row in self.rows:
            yield row, None
            for part in row.parts:
                yield part, row

    @property
    def total_cells(self):
        """The sums in the column order of the metrics; None where a metric cannot be summed."""
        return [self.totals.get(key) for key in Metric.values]

    def footnotes_for(self, keys):
        numbers = {
            row.cells[key].footnote.number
            for row in self.all_rows
            for key in keys
            if row.cells[key].footnote
        }
        return [note for note in self.footnotes if note.number in numbers]

    @property
    def overview_footnotes(self):
        return self.footnotes_for(OVERVIEW_METRICS)

    def by_category(self):
        """(category label, rows) in the order of the category choices, empty ones left out."""
        grouped = defaultdict(list)
        for row in self.rows:
            grouped[row.field.category].append(row)
        return [(label, grouped[value]) for value, label in Category.choices if grouped[value]]


# --- Latest figures -----------------------------------------------------------------------------


def period_end(figure):
    """The last day a figure's reference date stands for: a year figure (2011) is newer than
    one of May 2011, as the brochure treats them."""
    day = figure.reference_date
    if figure.reference_precision == DatePrecision.YEAR:
        return day.replace(month=12, day=31)
    if figure.reference_precision == DatePrecision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def latest_figures(growth_fields=None):
    """{field id: {metric: KeyFigure}}: the newest figure per field and metric, in one query.

    Newest by the end of the period the reference date stands for; of two figures of the same
    period the one entered first wins (the brochure's main source). A newest figure without a
    value stays "keine Angaben".
    """
    figures = KeyFigure.objects.select_related("source").order_by("pk")
    if growth_fields is not None:
        figures = figures.filter(growth_field__in=growth_fields)
    latest = defaultdict(dict)
    for figure in figures:
        known = latest[figure.growth_field_id].get(figure.metric)
        if known is None or period_end(figure) > period_end(known):
            latest[figure.growth_field_id][figure.metric] = figure
    return latest


def _figure_cell(metric, figure, footnotes):
    if figure is None:
        return Cell(key=metric, text=_("keine Angaben"))
    return Cell(
        key=metric,
        value=figure.value,
        approximate=figure.approximate,
        text=format_key_figure(metric, figure.value, figure.approximate),
        figure=figure,
        footnote=footnotes.cite_figure(figure),
        reference_display=figure.reference_display,
        scope_note=figure.scope_note,
    )


def _ratio_cell(key, numerator, denominator):
    if not (numerator.has_value and denominator.has_value) or denominator.value == 0:
        return Cell(key=key, text=_("keine Angaben"))
    value = numerator.value / denominator.value
    approximate = numerator.approximate or denominator.approximate
    if key == REVENUE_PER_EMPLOYEE:
        value = value.quantize(Decimal("1"))
        text = _("%(amount)s EUR") % {"amount": format_amount(value, approximate=approximate)}
    else:
        value = value.quantize(Decimal("0.1"))
        text = format_amount(value, approximate=approximate, decimals=1)
    cell = Cell(key=key, value=value, approximate=approximate, text=text)
    a, b = numerator.figure, denominator.figure
    if (a.source_id, a.reference_date) != (b.source_id, b.reference_date):
        cell.mixed = True
        cell.mixed_note = _("aus Werten verschiedener Stichtage oder Quellen berechnet")
    return cell


def _share_cell(metric, cell, total):
    key = f"{SHARE_PREFIX}{metric}"
    if not cell.has_value or not total.has_value or total.value == 0:
        return Cell(key=key, text=_("keine Angaben"))
    value = (cell.value / total.value * 100).quantize(Decimal("0.1"))
    approximate = cell.approximate or total.approximate
    text = f"{format_amount(value, approximate=approximate, decimals=1)} %"
    return Cell(key=key, value=value, approximate=approximate, text=text)


def _column_notices(rows):
    """Flag each column whose values (not the empty ones) differ in source or reference date;
    mark the cells outside the column's largest group."""
    notices = []
    for metric in Metric.values:
        cells = [(row, row.cells[metric]) for row in rows if row.cells[metric].has_value]
        groups = defaultdict(list)
        for row, cell in cells:
            groups[cell.footnote.number].append((row, cell))
        if len(groups) < 2:
            continue
        counts = Counter({number: len(members) for number, members in groups.items()})
        ordered = sorted(groups.items(), key=lambda item: (-counts[item[0]], item[0]))
        for _number, members in ordered[1:]:
            for _row, cell in members:
                cell.mixed = True
                cell.mixed_note = _("abweichende Quelle oder abweichender Stichtag")
        notices.append(
            ColumnNotice(
                key=metric,
                label=str(Metric(metric).label),
                groups=[
                    (members[0][1].footnote, [row.field.display_name for row, _cell in members])
                    for _number, members in ordered
                ],
            )
        )
    return notices


def build_comparison_table():
    """The brochure's Anlage 2 from the database: every field, latest figures, derived figures.

    Two queries: the growth fields and the key figures with their sources.
    """
    fields = list(GrowthField.objects.order_by("sort_order", "name"))
    latest = latest_figures()
    footnotes = Footnotes()
    rows_by_id = {}
    for growth_field in fields:
        figures = latest.get(growth_field.pk, {})
        cells = {
            metric: _figure_cell(metric, figures.get(metric), footnotes) for metric in Metric.values
        }
        rows_by_id[growth_field.pk] = Row(
            field=growth_field, cells=cells, is_part=growth_field.parent_id is not None
        )
    rows = []
    for growth_field in fields:
        row = rows_by_id[growth_field.pk]
        if growth_field.parent_id in rows_by_id:
            rows_by_id[growth_field.parent_id].parts.append(row)
        elif growth_field.parent_id is None:
            rows.append(row)

    totals = {}
    for metric in SUMMABLE_METRICS:
        valued = [row.cells[metric] for row in rows if row.cells[metric].has_value]
        total = sum((cell.value for cell in valued), Decimal(0)) if valued else None
        approximate = any(cell.approximate for cell in valued)
        totals[metric] = Cell(
            key=metric,
            value=total,
            approximate=approximate,
            text=format_key_figure(metric, total, approximate),
        )

    every_row = [row for top in rows for row in (top, *top.parts)]
    for row in every_row:
        for key, (numerator, denominator) in RATIOS.items():
            row.cells[key] = _ratio_cell(key, row.cells[numerator], row.cells[denominator])
        for metric in SUMMABLE_METRICS:
            share = _share_cell(metric, row.cells[metric], totals[metric])
            row.cells[share.key] = share
    notices = _column_notices(every_row)
    return ComparisonTable(rows=rows, footnotes=footnotes.all(), notices=notices, totals=totals)


def comparison_table():
    """The comparison, from the cache (rebuilt after any change to the data)."""
    return cached("comparison-table", build_comparison_table)


def parse_sort(sort):
    """``"-employees"`` -> ("employees", True); unknown keys -> (None, False), the default."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == NAME_KEY or key in column_keys():
        return key, descending
    return None, False


def sort_rows(rows, sort):
    """The rows in the order ``sort`` asks for; parts stay under their field, sorted alike.

    Fields without a value come last in either direction. Returns new lists; the cached rows
    are left as they are.
    """
    key, descending = parse_sort(sort or "")
    if key is None:
        return [_with_parts(row, list(row.parts)) for row in rows]

    def ordered(items):
        if key == NAME_KEY:
            return sorted(
                items,
                key=lambda row: normalize_name(row.field.display_name),
                reverse=descending,
            )
        valued = [row for row in items if row.cells[key].has_value]
        empty = [row for row in items if not row.cells[key].has_value]
        valued.sort(key=lambda row: row.cells[key].value, reverse=descending)
        return valued + empty

    return [_with_parts(row, ordered(row.parts)) for row in ordered(rows)]


def _with_parts(row, parts):
    return Row(field=row.field, cells=row.cells, is_part=row.is_part, parts=parts)


def chart_rows(table, key):
    """The top-level rows for a bar chart of ``key``, in the brochure's order."""
    return [(row.field.display_name, row.cells[key]) for row in table.rows]


# --- One growth field ---------------------------------------------------------------------------


@dataclass
class MetricFigures:
    """A metric of one field: its current figure per source, and its series over time."""

    metric: str
    label: str
    current: list  # [(KeyFigure, Footnote)], the newest per source, newest first
    series: list  # [Series], one per source with more than one point

    @property
    def has_several_sources(self):
        return len(self.current) > 1


@dataclass
class Series:
    metric: str
    label: str
    source: Source
    points: list  # [(KeyFigure, Footnote)], oldest first

    @property
    def figures(self):
        return [figure for figure, _footnote in self.points]

    @property
    def chart_id(self):
        return f"reihe-{self.metric}-{self.source.pk}"


def growth_field_figures(growth_field):
    """Every key figure of a field by metric, in one query, and the footnotes they cite.

    Editions of one source (the same title, e.g. the LEG database of 2012 and of 2024) form a
    series; different sources stand side by side with their newest figure each, newest first.
    Footnotes are numbered in the order the page shows the figures.
    """
    by_metric = defaultdict(lambda: defaultdict(list))
    for figure in growth_field.key_figures.series():
        by_metric[figure.metric][figure.source.title].append(figure)
    footnotes = Footnotes(per_date=False)
    result = []
    for metric, label in Metric.choices:
        if metric not in by_metric:
            continue
        lines = by_metric[metric].values()
        newest = sorted(
            (points[-1] for points in lines),
            key=lambda figure: (period_end(figure), -figure.pk),
            reverse=True,
        )
        current = [(figure, footnotes.cite(figure.source)) for figure in newest]
        series = [
            Series(
                metric,
                str(label),
                points[-1].source,
                [(figure, footnotes.cite(figure.source)) for figure in points],
            )
            for points in lines
            if len(points) > 1
        ]
        result.append(MetricFigures(metric, str(label), current, series))
    if growth_field.assessment_source:
        footnotes.cite(growth_field.assessment_source)
    return result, footnotes


def growth_field_detail(growth_field):
    """Everything the page of one growth field shows besides the field itself (five queries)."""
    figures, footnotes = growth_field_figures(growth_field)
    return {
        "metric_figures": figures,
        "several_sources": any(item.has_several_sources for item in figures),
        "series": [series for item in figures for series in item.series],
        "footnotes": footnotes.all(),
        "assessment_footnote": (
            footnotes.cite(growth_field.assessment_source)
            if growth_field.assessment_source
            else None
        ),
        "parts": list(growth_field.parts.order_by("sort_order", "name")),
        "network_links": list(
            NetworkGrowthField.objects.filter(growth_field=growth_field)
            .select_related("network")
            .order_by("-is_primary", german_order("network__name"))
        ),
        "organisation_count": Organisation.objects.published()
        .filter(growth_fields=growth_field)
        .count(),
    }
