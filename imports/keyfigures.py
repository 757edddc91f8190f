"""The key-figures sheet (``Kennzahlen``): yearly figures per growth field, as in Anlage 2."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F
from django.utils.text import slugify

from core.dates import DatePrecision
from core.normalizers import parse_german_decimal
from core.text import normalize_name
from growthfields.choices import Metric
from growthfields.models import KeyFigure, Source

from .issues import IssueList
from .leg import header_key, map_columns

REQUIRED = {
    "Wachstumsfeld": "growth_field",
    "Kennzahl": "metric",
    "Wert": "value",
    "Stand": "reference_date",
    "Quelle": "source",
}
OPTIONAL = {"ca.": "approximate", "Abgrenzung": "scope_note"}

METRICS = {
    "unternehmen": (Metric.COMPANIES, 1),
    "beschäftigte": (Metric.EMPLOYEES, 1),
    "mitarbeiter": (Metric.EMPLOYEES, 1),
    "umsatz mrd eur": (Metric.REVENUE, 1_000_000_000),
    "umsatz mio eur": (Metric.REVENUE, 1_000_000),
    "umsatz eur": (Metric.REVENUE, 1),
    "exportquote %": (Metric.EXPORT_QUOTA, 1),
    "exportquote": (Metric.EXPORT_QUOTA, 1),
    "anteil bws %": (Metric.GVA_SHARE, 1),
    "anteil bws": (Metric.GVA_SHARE, 1),
}
CENT = Decimal("0.01")
VALUE_LIMIT = Decimal(10) ** (KeyFigure._meta.get_field("value").max_digits - 2)
YES, NO = {"x", "ja", "j", "yes", "1", "ca.", "ca"}, {"", "nein", "n", "no", "0", "-"}


def is_key_figure_sheet(headers) -> bool:
    keys = {header_key(h) for h in headers}
    return {"wachstumsfeld", "kennzahl", "wert"} <= keys and "leg-id" not in keys


@dataclass
class KeyFigureRecord:
    row: int
    growth_field_id: int
    metric: str
    value: object
    approximate: bool
    scope_note: str
    reference_date: datetime.date
    reference_precision: str
    source_title: str
    source_id: int | None = None  # the edition of an existing source, set by the plan

    @property
    def key(self):
        return (
            self.growth_field_id,
            self.metric,
            self.reference_date,
            normalize_name(self.source_title),
        )


def parse_reference(value):
    """ "2012" -> year, "09.2012" -> month, "30.09.2012" or a date cell -> day."""
    if isinstance(value, datetime.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    text = str(value or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return datetime.date(int(text), 1, 1), DatePrecision.YEAR
    match = re.fullmatch(r"(\d{1,2})[./](\d{4})", text)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return datetime.date(year, month, 1), DatePrecision.MONTH
    try:
        return datetime.datetime.strptime(text, "%d.%m.%Y").date(), DatePrecision.DAY
    except ValueError:
        raise ValueError("kein Stand (JJJJ, MM.JJJJ oder TT.MM.JJJJ erwartet)") from None


def clean_key_figure_rows(sheet, growth_field_index, issues: IssueList):
    columns = map_columns(
        sheet.headers, issues, required=REQUIRED, optional=OPTIONAL, sheet="Kennzahlen"
    )
    if columns is None:
        return [], 0
    index, spelling = columns.index, columns.spelling

    def cell(values, key):
        position = index.get(key)
        value = values[position] if position is not None and position < len(values) else None
        return value.strip() if isinstance(value, str) else value

    records, first_row_of, rows = [], {}, 0
    for row, values in sheet.rows:
        rows += 1
        errors_before = issues.error_count

        def error(key, value, message, row=row):
            issues.error(row, spelling.get(key, key), value, message)

        raw_field = cell(values, "growth_field")
        field_id = growth_field_index.get(normalize_name(str(raw_field or "")))
        if field_id is None:
            error(
                "growth_field",
                raw_field,
                "unbekanntes Wachstumsfeld" if raw_field else "Pflichtangabe fehlt",
            )
        raw_metric = cell(values, "metric")
        metric, factor = METRICS.get(header_key(str(raw_metric or "")), (None, 1))
        if metric is None:
            error(
                "metric",
                raw_metric,
                "unbekannte Kennzahl (erlaubt: Unternehmen, Beschäftigte, Umsatz Mrd EUR, Exportquote %, Anteil BWS %)",
            )
        raw_value = cell(values, "value")
        value, approximate = None, False
        try:
            value, approximate = parse_german_decimal(
                raw_value, percent=metric in Metric.percentages()
            )
        except ValueError as problem:
            error("value", raw_value, str(problem))
        if value is not None:
            value = (value * factor).quantize(CENT, rounding=ROUND_HALF_UP)
            if value >= VALUE_LIMIT:
                error("value", raw_value, "Wert zu groß")
            elif value < 0:
                error("value", raw_value, "darf nicht negativ sein")
            elif metric in Metric.percentages() and value > 100:
                error("value", raw_value, "Prozentwert über 100")
        raw_flag = cell(values, "approximate")
        flag = str(raw_flag or "").strip().casefold()
        if flag in YES:
            approximate = True
        elif flag not in NO:
            error("approximate", raw_flag, "„x“ oder „ja“ für Schätzwerte, sonst leer")
        if value is None:
            approximate = False
        scope = " ".join(str(cell(values, "scope_note") or "").split())
        raw_date = cell(values, "reference_date")
        reference_date = precision = None
        try:
            reference_date, precision = parse_reference(raw_date)
        except ValueError as problem:
            error("reference_date", raw_date, str(problem))
        source_title = " ".join(str(cell(values, "source") or "").split())
        if not source_title:
            error("source", "", "Pflichtangabe fehlt")
        if issues.error_count > errors_before:
            continue
        record = KeyFigureRecord(
            row,
            field_id,
            metric,
            value,
            approximate,
            scope[:200],
            reference_date,
            precision,
            source_title[:300],
        )
        if record.key in first_row_of:
            error(
                "growth_field",
                raw_field,
                f"Kennzahl doppelt in der Datei (Zeilen {first_row_of[record.key]} und {row})",
            )
            continue
        first_row_of[record.key] = row
        records.append(record)
    return records, rows


@dataclass
class KeyFigurePlan:
    records: list
    created: list
    updated: list  # (record, figure id, {field: (old, new)})
    unchanged: int
    new_sources: dict  # normalised title -> (title, date, precision)


def _edition(editions, date):
    """The edition of a source for a figure: the latest one published by the figure's date,
    else the earliest one (figures are often published after their reference date)."""
    earlier = [pk for published, pk in editions if published is not None and published <= date]
    return earlier[-1] if earlier else editions[0][1]


def plan_key_figures(records, issues: IssueList) -> KeyFigurePlan:
    editions = defaultdict(list)  # normalised title -> [(reference date, id)], oldest first
    for source in Source.objects.order_by(F("reference_date").asc(nulls_first=True)):
        editions[normalize_name(source.title)].append((source.reference_date, source.pk))
    existing = {
        (f.growth_field_id, f.metric, f.reference_date, normalize_name(f.source.title)): f
        for f in KeyFigure.objects.select_related("source")
    }
    new_sources = {}
    created, updated, unchanged = [], [], 0
    for record in records:
        title = normalize_name(record.source_title)
        figure = existing.get(record.key)
        if figure is not None:
            record.source_id = figure.source_id
            changes = {
                name: (getattr(figure, name), getattr(record, name))
                for name in ("value", "approximate", "scope_note", "reference_precision")
                if getattr(figure, name) != getattr(record, name)
            }
            if changes:
                updated.append((record, figure.pk, changes))
            else:
                unchanged += 1
            continue
        if title in editions:
            record.source_id = _edition(editions[title], record.reference_date)
        elif title not in new_sources:
            new_sources[title] = (
                record.source_title,
                record.reference_date,
                record.reference_precision,
            )
            issues.warning(record.row, "Quelle", record.source_title, "neue Quelle, wird angelegt")
        created.append(record)
    return KeyFigurePlan(records, created, updated, unchanged, new_sources)


def apply_key_figures(plan: KeyFigurePlan, *, user, reason):
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    sources = {}
    new = [
        Source(
            slug=f"{slugify(raw)[:80]}-{date:%Y%m%d}",
            title=raw,
            reference_date=date,
            reference_precision=precision,
        )
        for raw, date, precision in plan.new_sources.values()
    ]
    for source in bulk_create_with_history(
        new, Source, default_user=user, default_change_reason=reason
    ):
        sources[normalize_name(source.title)] = source.pk

    def figure(record, pk=None):
        return KeyFigure(
            pk=pk,
            growth_field_id=record.growth_field_id,
            metric=record.metric,
            value=record.value,
            approximate=record.approximate,
            scope_note=record.scope_note,
            reference_date=record.reference_date,
            reference_precision=record.reference_precision,
            source_id=record.source_id or sources[normalize_name(record.source_title)],
        )

    bulk_create_with_history(
        [figure(r) for r in plan.created],
        KeyFigure,
        default_user=user,
        default_change_reason=reason,
    )
    bulk_update_with_history(
        [figure(r, pk) for r, pk, _ in plan.updated],
        KeyFigure,
        ["value", "approximate", "scope_note", "reference_precision"],
        default_user=user,
        default_change_reason=reason,
    )
