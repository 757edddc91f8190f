"""The key-figures sheet (``Kennzahlen``): yearly figures per growth field, as in Anlage 2."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F
from django.utils.text import slugify

from core.dates import DatePrecision
from core.normalizers import parse_german_decimal, parse_yes_no
from core.text import normalize_name
from growthfields.choices import Metric
from growthfields.models import KeyFigure, Source

from .columns import REQUIRED_MESSAGE, Column, header_key, limited_text, map_columns, shortened
from .history import id_watermark, inserted_after, with_ids, write_history
from .issues import IssueList
from .writers import insert_rows, update_rows

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
# The fields of a known figure (growth field, metric, date, source) a newer file may correct.
CORRECTABLE = ("value", "approximate", "scope_note", "reference_precision")
IN_CHUNK = 5000
CENT = Decimal("0.01")
VALUE_LIMIT = Decimal(10) ** (KeyFigure._meta.get_field("value").max_digits - 2)


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


def _metric(raw):
    metric = METRICS.get(header_key(str(raw or "")))
    if metric is None:
        raise ValueError(
            "unbekannte Kennzahl (erlaubt: Unternehmen, Beschäftigte, Umsatz Mrd EUR, "
            "Exportquote %, Anteil BWS %)"
        )
    return metric


def _estimate(raw):
    """The "ca." column: a yes/no cell (the one vocabulary), where "ca." itself means yes."""
    try:
        return bool(parse_yes_no(raw, also_yes=_ESTIMATE_MARKS))
    except ValueError:
        raise ValueError("„x“ oder „ja“ für Schätzwerte, sonst leer") from None


_ESTIMATE_MARKS = frozenset({"ca.", "ca"})
_SCOPE_LIMIT = KeyFigure._meta.get_field("scope_note").max_length
_SOURCE_LIMIT = Source._meta.get_field("title").max_length

# The key-figure sheet, required columns first. The growth field is resolved against the
# names of the database, the value read with its row's metric (``KeyFigureRowCleaner``).
KEY_FIGURE_COLUMNS = (
    Column("Wachstumsfeld", "growth_field", required=True, message="unbekanntes Wachstumsfeld"),
    Column("Kennzahl", "metric", required=True, parser=_metric),
    Column("Wert", "value", required=True),
    Column("Stand", "reference_date", required=True, parser=parse_reference),
    Column(
        "Quelle",
        "source",
        required=True,
        parser=limited_text(_SOURCE_LIMIT, required=True),
        limit=_SOURCE_LIMIT,
    ),
    Column("ca.", "approximate", parser=_estimate),
    Column("Abgrenzung", "scope_note", parser=limited_text(_SCOPE_LIMIT), limit=_SCOPE_LIMIT),
)


_COLUMN = {column.field: column for column in KEY_FIGURE_COLUMNS}


class KeyFigureRowCleaner:
    """Cleans the key-figure sheet row by row; each cell by its column's parser."""

    def __init__(self, columns, growth_field_index, issues: IssueList):
        self.columns = columns
        self.growth_field_index = growth_field_index
        self.issues = issues
        self.first_row_of = {}

    def cell(self, values, key):
        position = self.columns.index.get(key)
        value = values[position] if position is not None and position < len(values) else None
        return value.strip() if isinstance(value, str) else value

    def error(self, row, key, value, message):
        self.issues.error(row, self.columns.spelling.get(key, key), value, message)

    def parsed(self, row, values, key, default=None):
        """The cell parsed by its column's parser, or ``default`` with an error reported."""
        raw = self.cell(values, key)
        try:
            return _COLUMN[key].parser(raw)
        except ValueError as problem:
            limit = _COLUMN[key].limit
            text = " ".join(str(raw or "").split())
            shown = shortened(text) if limit and len(text) > limit else raw
            if not text and str(problem) == REQUIRED_MESSAGE:
                shown = ""  # a missing value is reported as empty
            self.error(row, key, shown, str(problem))
            return default

    def growth_field(self, row, values):
        raw = self.cell(values, "growth_field")
        field_id = self.growth_field_index.get(normalize_name(str(raw or "")))
        if field_id is None:
            message = _COLUMN["growth_field"].message if raw else "Pflichtangabe fehlt"
            self.error(row, "growth_field", raw, message)
        return field_id

    def value(self, row, values, metric, factor):
        """(value, approximate) of the "Wert" cell, scaled to the metric's unit and checked."""
        raw = self.cell(values, "value")
        try:
            value, approximate = parse_german_decimal(
                raw, percent=metric in Metric.percentages()
            )
        except ValueError as problem:
            self.error(row, "value", raw, str(problem))
            return None, False
        if value is None:
            return None, approximate
        value = (value * factor).quantize(CENT, rounding=ROUND_HALF_UP)
        if value >= VALUE_LIMIT:
            self.error(row, "value", raw, "Wert zu groß")
        elif value < 0:
            self.error(row, "value", raw, "darf nicht negativ sein")
        elif metric in Metric.percentages() and value > 100:
            self.error(row, "value", raw, "Prozentwert über 100")
        return value, approximate

    def record(self, row, values):
        """The row's record, or None when the row has an error (reported)."""
        errors_before = self.issues.error_count
        field_id = self.growth_field(row, values)
        metric, factor = self.parsed(row, values, "metric", (None, 1))
        value, approximate = self.value(row, values, metric, factor)
        approximate = self.parsed(row, values, "approximate", False) or approximate
        scope = self.parsed(row, values, "scope_note", "")
        reference_date, precision = self.parsed(row, values, "reference_date", (None, None))
        source_title = self.parsed(row, values, "source", "")
        if self.issues.error_count > errors_before:
            return None
        return KeyFigureRecord(
            row=row,
            growth_field_id=field_id,
            metric=metric,
            value=value,
            approximate=approximate and value is not None,
            scope_note=scope,
            reference_date=reference_date,
            reference_precision=precision,
            source_title=source_title,
        )

    def unique(self, record, values) -> bool:
        """False (with an error) when the file named the figure before."""
        first = self.first_row_of.setdefault(record.key, record.row)
        if first != record.row:
            self.error(
                record.row,
                "growth_field",
                self.cell(values, "growth_field"),
                f"Kennzahl doppelt in der Datei (Zeilen {first} und {record.row})",
            )
            return False
        return True


def clean_key_figure_rows(sheet, growth_field_index, issues: IssueList):
    """Clean every row of the key-figure sheet; return the records of rows without errors."""
    columns = map_columns(sheet.headers, issues, KEY_FIGURE_COLUMNS, sheet="Kennzahlen")
    if columns is None:
        return [], 0
    cleaner = KeyFigureRowCleaner(columns, growth_field_index, issues)
    records, rows = [], 0
    for row, values in sheet.rows:
        rows += 1
        record = cleaner.record(row, values)
        if record is not None and cleaner.unique(record, values):
            records.append(record)
    return records, rows


@dataclass
class KeyFigurePlan:
    records: list
    created: list
    updated: list  # (record, figure id, {field: (old, new)})
    unchanged: int
    new_sources: dict  # normalised title -> (title, date, precision)

    @property
    def writes(self) -> bool:
        return bool(self.created or self.updated)


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
                for name in CORRECTABLE
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


def _with_defaults(model, values: dict) -> tuple[list, list]:
    """(columns, values) of a new row: ``values`` by field name, every other field its default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    row = {f.attname: values[f.attname] if f.attname in values else f.get_default() for f in fields}
    return list(row), list(row.values())


def _insert(model, rows: list[dict], *, now, user, reason) -> int:
    """Insert rows (dicts by field name) with history '+'; returns the id watermark before."""
    watermark = id_watermark(model)
    if rows:
        columns = _with_defaults(model, rows[0])[0]
        insert_rows(model, columns, [_with_defaults(model, row)[1] for row in rows])
        write_history(
            model, inserted_after(watermark), history_type="+", now=now, user=user, reason=reason
        )
    return watermark


def apply_key_figures(plan: KeyFigurePlan, *, now, user, reason):
    """Write the key-figure plan (inside the caller's transaction): new sources, new figures
    and corrected ones, each with its history entries, set-based."""
    history = {"now": now, "user": user, "reason": reason}
    new_sources = [
        {
            "slug": f"{slugify(raw)[:80]}-{date:%Y%m%d}",
            "title": raw,
            "reference_date": date,
            "reference_precision": precision,
        }
        for raw, date, precision in plan.new_sources.values()
    ]
    watermark = _insert(Source, new_sources, **history)
    sources = (
        {
            normalize_name(title): pk
            for pk, title in Source.objects.filter(pk__gt=watermark).values_list("pk", "title")
        }
        if new_sources
        else {}
    )
    _insert(
        KeyFigure,
        [_figure(record, sources) for record in plan.created],
        **history,
    )
    changed = [
        (pk, *(getattr(record, name) for name in CORRECTABLE)) for record, pk, _ in plan.updated
    ]
    update_rows(KeyFigure, "id", list(CORRECTABLE), changed)
    for chunk in range(0, len(changed), IN_CHUNK):
        ids = [row[0] for row in changed[chunk : chunk + IN_CHUNK]]
        write_history(KeyFigure, with_ids(ids), history_type="~", **history)


def _figure(record, sources) -> dict:
    return {
        "growth_field_id": record.growth_field_id,
        "metric": record.metric,
        "value": record.value,
        "approximate": record.approximate,
        "scope_note": record.scope_note,
        "reference_date": record.reference_date,
        "reference_precision": record.reference_precision,
        "source_id": record.source_id or sources[normalize_name(record.source_title)],
    }
