"""Reads the growth field pages share: the latest figure per field and metric, the comparison
table with its derived figures, footnotes and notices, and one field's figures and series.

A missing figure or a figure without a value is "keine Angaben", never 0; a derived figure is
only computed where both of its inputs have a value.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cache import cached
from core.dates import DatePrecision, format_reference_date
from core.dates import period_end as date_period_end
from core.formatting import format_amount
from core.text import normalize_name
from growthfields.formatting import BILLION, format_key_figure, revenue_decimals
from members.models import Organisation
from networks.models import DeclaredMemberCount, NetworkGrowthField

from .choices import Category, Metric
from .models import EDITION_COLUMNS, Edition, EditionFootnote, GrowthField, KeyFigure, Source

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
    """Numbers sources in the order they are first cited, like the brochure's footnotes.

    ``reserved`` ({source id: number}) keeps the numbers an edition printed: a source the
    brochure cites as 5 is 5 here too (the first time it is cited); other sources, and other
    dates of a reserved source, are numbered after the reserved ones.
    """

    def __init__(self, *, per_date=True, reserved=None):
        self.per_date = per_date
        self.reserved = dict(reserved or {})
        self._by_key = {}

    def _next_number(self, source):
        used = {note.number for note in self._by_key.values()}
        number = self.reserved.get(source.pk)
        if number is not None and number not in used:
            return number
        return max([*used, *self.reserved.values(), 0]) + 1

    def cite(self, source, reference_date=None, precision=DatePrecision.DAY):
        key = (source.pk, reference_date if self.per_date else None)
        if key not in self._by_key:
            display = format_reference_date(reference_date, precision) if self.per_date else ""
            self._by_key[key] = Footnote(self._next_number(source), source, display)
        return self._by_key[key]

    def cite_figure(self, figure):
        return self.cite(figure.source, figure.reference_date, figure.reference_precision)

    def all(self):
        return sorted(self._by_key.values(), key=lambda note: note.number)


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
    # The cell's reference date where it differs from its column's (else "").
    date_note: str = ""
    # A newer figure without a value ("keine Angaben") the shown, older value outlives.
    newer_without_value: KeyFigure | None = None
    newer_footnote: Footnote | None = None
    # Other sources' differing values for the same figure and date: [(text, Footnote)].
    alternatives: list = field(default_factory=list)

    @property
    def has_value(self):
        return self.value is not None

    @property
    def period(self):
        """(source id, reference date) of the figure shown; None for a derived or empty cell."""
        if self.figure is None:
            return None
        return (self.figure.source_id, self.figure.reference_date)


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
class Total:
    """The sum of a column over the comparable top-level fields and what it leaves out."""

    cell: Cell
    left_out: list  # ["Logistik: andere Quelle", …]


@dataclass
class ComparisonTable:
    rows: list  # top-level rows in the brochure's order, parts inside
    footnotes: list
    notices: list  # the metrics whose column mixes sources or dates
    totals: dict  # metric -> Total over the comparable top-level fields
    column_dates: dict = field(default_factory=dict)  # metric -> the column's reference date

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

    @property
    def column_date_cells(self):
        """The reference date of each metric column, in column order ("" where none)."""
        return [self.column_dates.get(key, "") for key in Metric.values]

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
    return date_period_end(figure.reference_date, figure.reference_precision)


@dataclass
class Latest:
    """What the current state shows of one field's metric: the newest figure with a value,
    a newer figure without one it outlives, and other sources' differing values of the same
    period."""

    figure: KeyFigure | None
    newer_without_value: KeyFigure | None = None
    alternatives: list = field(default_factory=list)


def _latest(figures):
    """``figures`` of one field and metric, oldest first -> Latest."""
    newest_end = period_end(figures[-1])
    newest = [figure for figure in figures if period_end(figure) == newest_end]
    valued = [figure for figure in newest if figure.value is not None]
    if valued:
        shown = valued[0]
        alternatives = [
            figure
            for figure in valued[1:]
            if figure.source_id != shown.source_id
            and (figure.value, figure.approximate) != (shown.value, shown.approximate)
        ]
        return Latest(shown, alternatives=alternatives)
    older = [figure for figure in figures if figure.value is not None]
    if not older:
        return Latest(newest[0])
    return Latest(older[-1], newer_without_value=newest[0])


def latest_figures(growth_fields=None):
    """{field id: {metric: Latest}}: the newest figure per field and metric, in one query.

    Newest by the end of the period the reference date stands for; of two figures of the same
    period the one entered first is shown and a differing one of another source stands beside
    it. A newest figure without a value does not hide an older value: the older value is shown
    with its date and the note that the newer source has none.
    """
    figures = KeyFigure.objects.select_related("source").order_by("pk")
    if growth_fields is not None:
        figures = figures.filter(growth_field__in=growth_fields)
    grouped = defaultdict(lambda: defaultdict(list))
    for figure in figures:
        grouped[figure.growth_field_id][figure.metric].append(figure)
    latest = defaultdict(dict)
    for field_id, metrics in grouped.items():
        for metric, items in metrics.items():
            items.sort(key=period_end)  # stable: the first entered stays first within a period
            latest[field_id][metric] = _latest(items)
    return latest


def _figure_cell(metric, latest, footnotes):
    if latest is None:
        return Cell(key=metric, text=_("keine Angaben"))
    figure = latest.figure
    cell = Cell(
        key=metric,
        value=figure.value,
        approximate=figure.approximate,
        text=format_key_figure(metric, figure.value, figure.approximate),
        figure=figure,
        footnote=footnotes.cite_figure(figure),
        reference_display=figure.reference_display,
        scope_note=figure.scope_note,
    )
    if latest.newer_without_value is not None:
        cell.newer_without_value = latest.newer_without_value
        cell.newer_footnote = footnotes.cite_figure(latest.newer_without_value)
    cell.alternatives = [
        (format_key_figure(metric, other.value, other.approximate), footnotes.cite_figure(other))
        for other in latest.alternatives
    ]
    return cell


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


def _column_periods(rows):
    """{metric: (source id, reference date, display)} of each column's largest group of
    values (ties: the group cited first)."""
    periods = {}
    for metric in Metric.values:
        cells = [row.cells[metric] for row in rows if row.cells[metric].has_value]
        if not cells:
            continue
        counts = Counter(cell.period for cell in cells)
        order = {cell.period: cell.footnote.number for cell in reversed(cells)}
        period = min(counts, key=lambda key: (-counts[key], order[key]))
        display = next(cell.reference_display for cell in cells if cell.period == period)
        periods[metric] = (*period, display)
    return periods


def _mark_cells(rows, periods):
    """Each cell whose source or date differs from its column's is flagged in the cell; its
    date is written in the cell where it differs from the column's. Returns the columns with
    such cells."""
    mixed_columns = []
    for metric, (source_id, reference_date, display) in periods.items():
        for row in rows:
            cell = row.cells[metric]
            if cell.figure is None or not cell.has_value:
                continue
            if cell.reference_display != display:
                cell.date_note = cell.reference_display
            if cell.period != (source_id, reference_date):
                cell.mixed = True
                cell.mixed_note = _reason(cell, source_id)
                if metric not in mixed_columns:
                    mixed_columns.append(metric)
    return mixed_columns


def _reason(cell, column_source_id):
    """Why a cell is not comparable with its column: another source, or another date."""
    if cell.figure.source_id != column_source_id:
        return _("andere Quelle")
    return _("anderer Stichtag")


def term_quantum(metric, value):
    """The precision of a summed term as it is shown: 0,1 Mrd. EUR for "ca. 2,0 Mrd. EUR",
    0,01 Mrd. EUR for "ca. 0,97 Mrd. EUR", 1 for a count."""
    if metric == Metric.REVENUE:
        return BILLION.scaleb(-revenue_decimals(value))
    return Decimal(1)


def _total(metric, rows, period):
    """The sum of ``metric`` over the top-level rows comparable with the column (same source
    and date), "ca." when any term is, rounded to its least precise term; the rows left out
    with the reason."""
    terms, left_out = [], []
    for row in rows:
        cell = row.cells[metric]
        name = row.field.display_name
        if not cell.has_value:
            left_out.append(_("%(field)s: keine Angaben") % {"field": name})
        elif period is not None and cell.period != period[:2]:
            left_out.append(f"{name}: {_reason(cell, period[0])}")
        else:
            terms.append(cell)
    if not terms:
        return Total(Cell(key=metric, text=_("keine Angaben")), left_out)
    value = sum((cell.value for cell in terms), Decimal(0))
    quantum = max(term_quantum(metric, cell.value) for cell in terms)
    value = (value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
    approximate = any(cell.approximate for cell in terms)
    cell = Cell(
        key=metric,
        value=value,
        approximate=approximate,
        text=format_key_figure(metric, value, approximate),
    )
    return Total(cell, left_out)


def _brochure_numbers():
    """{source id: footnote number} of the newest edition with a printed table, so that the
    current state numbers its sources as the brochure does (one query)."""
    newest = Edition.objects.with_table().order_by("-published").values("pk")[:1]
    return dict(
        EditionFootnote.objects.filter(
            edition=models.Subquery(newest), source__isnull=False
        ).values_list("source_id", "number")
    )


def build_comparison_table():
    """The current state ("aktueller Stand"): every field, the newest known value of every
    figure, derived figures, and totals over the comparable values.

    Four queries: the growth fields, the key figures with their sources, the printed edition
    and its footnotes (for the footnote numbers).
    """
    fields = list(GrowthField.objects.order_by("sort_order", "name"))
    latest = latest_figures()
    footnotes = Footnotes(reserved=_brochure_numbers())
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

    every_row = [row for top in rows for row in (top, *top.parts)]
    periods = _column_periods(every_row)
    mixed_columns = _mark_cells(every_row, periods)
    totals = {metric: _total(metric, rows, periods.get(metric)) for metric in SUMMABLE_METRICS}
    # Shares are of every top-level value (a field's share must not exceed its column).
    share_bases = {metric: _total(metric, rows, None).cell for metric in SUMMABLE_METRICS}
    for row in every_row:
        for key, (numerator, denominator) in RATIOS.items():
            row.cells[key] = _ratio_cell(key, row.cells[numerator], row.cells[denominator])
        for metric in SUMMABLE_METRICS:
            share = _share_cell(metric, row.cells[metric], share_bases[metric])
            row.cells[share.key] = share
    return ComparisonTable(
        rows=rows,
        footnotes=footnotes.all(),
        notices=mixed_columns,
        totals=totals,
        column_dates={metric: period[2] for metric, period in periods.items()},
    )


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
            .order_by("-is_primary", "network__name")
        ),
        "organisation_count": Organisation.objects.published()
        .filter(growth_fields=growth_field)
        .count(),
    }


# --- An edition as published ---------------------------------------------------------------------


@dataclass
class PrintedCell:
    """A cell of a printed table: its text as printed ("" where nothing is) and its own
    footnote (an ``EditionFootnote``) or None."""

    column: str
    text: str
    footnote: EditionFootnote | None = None


@dataclass
class PrintedRow:
    label: str
    is_part: bool
    growth_field: GrowthField | None
    cells: list  # [PrintedCell] in EDITION_COLUMNS order


@dataclass
class PublishedEdition:
    """An edition exactly as printed: its table (header, lines), footnotes, and the figures it
    published (for editions without a printed table, e.g. a network's paper)."""

    edition: Edition
    header: list  # [PrintedCell]
    rows: list  # [PrintedRow]
    footnotes: list  # [EditionFootnote], by number
    member_counts: list  # [DeclaredMemberCount] of the edition, by network and date
    key_figures: list  # [KeyFigure] of the edition when it has no printed table

    @property
    def has_table(self):
        return bool(self.rows)


def editions():
    """The editions, newest first, undated last."""
    return list(
        Edition.objects.select_related("source").order_by(
            models.F("published").desc(nulls_last=True), "title"
        )
    )


def published_edition(edition):
    """``edition`` as printed (four queries: footnotes, lines, member counts, key figures)."""
    footnotes = list(edition.footnotes.select_related("source").order_by("number"))
    by_number = {note.number: note for note in footnotes}

    def printed(line):
        cells = []
        for column in EDITION_COLUMNS:
            text, number = line.cell(column)
            cells.append(PrintedCell(column, text, by_number.get(number)))
        return cells

    lines = list(edition.rows.select_related("growth_field").order_by("position"))
    header = printed(lines[0]) if lines and lines[0].position == 0 else []
    rows = [
        PrintedRow(line.label, line.is_part, line.growth_field, printed(line))
        for line in lines
        if line.position != 0
    ]
    member_counts = list(
        DeclaredMemberCount.objects.filter(edition=edition)
        .select_related("network", "source")
        .order_by("network__name", "reference_date", "pk")
    )
    key_figures = (
        []
        if rows
        else list(
            edition.key_figures.select_related("growth_field", "source").order_by(
                "growth_field__sort_order", "metric", "reference_date"
            )
        )
    )
    return PublishedEdition(edition, header, rows, footnotes, member_counts, key_figures)
