"""The LEG company sheet (``../shared/leg/FORMAT.md``): columns, and one row into one record.

``clean_company_rows`` turns a sheet into records of Organisation field values plus the growth
fields and networks each row names, collecting every error and warning with row and column.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice, zip_longest
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from core.normalizers import (
    LEG_ID_PATTERN,
    THURINGIAN_POSTCODE_PREFIXES,
    is_no_data,
    normalize_leg_id,
    normalize_postcode,
    normalize_website,
    normalize_wz_code,
    parse_german_date,
    parse_german_decimal,
    parse_german_int,
    parse_year,
    split_list,
)
from core.text import normalize_name
from members.choices import District, OrganisationKind
from members.models import Organisation

from .choices import Severity
from .columns import Column, ColumnMap, limited_text, map_columns, shortened, too_long
from .reading import RowProblems, Sheet

# The Organisation fields an import writes, in a fixed order (the diff compares these).
FIELDS = Organisation.DATA_FIELDS

_KINDS = {label.casefold(): value for value, label in OrganisationKind.choices}
_KINDS.update({value: value for value in OrganisationKind.values})
_DISTRICTS = {value.casefold(): value for value in District.values}
_MAX_LENGTH = {
    name: Organisation._meta.get_field(name).max_length
    for name in FIELDS
    if getattr(Organisation._meta.get_field(name), "max_length", None)
}
_QUANTUM = {"revenue_meur": Decimal("0.001"), "export_quota": Decimal("0.01")}
_LIMIT = {"revenue_meur": Decimal("999999999.999"), "export_quota": Decimal("100")}
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(slots=True)
class CompanyRecord:
    """One clean row: ``values`` in the order of ``FIELDS``."""

    row: int
    leg_id: str
    values: tuple
    growth_field_ids: frozenset = frozenset()
    network_ids: frozenset = frozenset()


def _guarded(parse, raw):
    """``(value, None)``, or ``(None, message)`` when ``parse`` refuses the value."""
    try:
        return parse(raw), None
    except ValueError as error:
        return None, str(error)


def _plain(raw) -> str:
    return "" if raw is None else " ".join(str(raw).split())


def _stripped(raw):
    return raw.strip() if isinstance(raw, str) else raw


def _kind(raw):
    if is_no_data(raw):
        raise ValueError("Pflichtangabe fehlt")
    kind = _KINDS.get(_plain(raw).casefold())
    if kind is None:
        raise ValueError(
            "unbekannte Art (erlaubt: " + ", ".join(map(str, OrganisationKind.labels)) + ")"
        )
    return kind


def _district(raw):
    if is_no_data(raw):
        return ""
    district = _DISTRICTS.get(_plain(raw).casefold())
    if district is None:
        raise ValueError("kein Thüringer Landkreis und keine kreisfreie Stadt")
    return district


def _checked_number(key, parser):
    def parse(raw):
        number, approximate = parser(raw)
        if number is None:
            return None, False
        if number < 0:
            raise ValueError("darf nicht negativ sein")
        if key in _LIMIT and number > _LIMIT[key]:
            raise ValueError("Exportquote über 100 %" if key == "export_quota" else "Wert zu groß")
        if key == "employees" and number > 2_000_000_000:
            raise ValueError("Wert zu groß")
        if key in _QUANTUM:
            number = number.quantize(_QUANTUM[key], rounding=ROUND_HALF_UP)
        return number, approximate

    return parse


_KEYWORDS_LIMIT = 10_000


def _keywords(raw):
    text = ", ".join(split_list(raw, ","))
    if len(text) > _KEYWORDS_LIMIT:
        raise ValueError(too_long(text, _KEYWORDS_LIMIT))
    return text


# Addresses these patterns accept are valid for Django's validators too; anything else is
# decided by Django's validators themselves.
_EMAIL_LIMIT = 254  # characters, as Django's EmailField
_SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$")
_SIMPLE_URL = re.compile(
    r"^https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(?:/[^\s<>\"]*)?$"
)


def _forget_traceback(error):
    """Drop a refused value's exception's traceback and the exceptions chained to it.

    Django's validators raise again inside ``except … as e``: the exception refers to a frame
    that refers to the exception. Such a cycle keeps every calling frame alive, here the chunk
    of rows being cleaned, until the cycle collector runs, and an import pauses that
    (``services._gc_paused``). Without the traceback nothing refers to the frames.
    """
    while error is not None:
        error.__traceback__ = None
        error = error.__context__


def _valid_email(text) -> bool:
    if len(text) > _EMAIL_LIMIT:
        return False
    if _SIMPLE_EMAIL.match(text):
        return True
    try:
        validate_email(text)
    except ValidationError as error:
        _forget_traceback(error)
        return False
    return True


def _valid_url(url) -> bool:
    if len(url) > _MAX_LENGTH["website"]:
        return False
    if _SIMPLE_URL.match(url):
        return True
    try:
        _url_validator(url)
    except ValidationError as error:
        _forget_traceback(error)
        return False
    return True


def _export_quota(raw):
    return parse_german_decimal(raw, percent=True)


# Bump whenever what a row cleans to changes in a way the code itself does not show (e.g. a
# choice list or a model field's limit): every row of the next import is cleaned again
# (``imports.digest``; changes to this module, the column spec and the normalisers count too).
CLEANING_RULES_VERSION = 1

# The company sheet, required columns first. A column without a parser is cleaned by its own
# step of ``CompanyRowCleaner`` (LEG-ID, texts, addresses, growth fields and networks).
COMPANY_COLUMNS = (
    Column("LEG-ID", "leg_id", required=True),
    Column("Name", "name", required=True, limit=_MAX_LENGTH["name"]),
    Column("Art", "kind", required=True, parser=_kind),
    Column("PLZ", "postcode", required=True, parser=normalize_postcode),
    Column(
        "Ort",
        "town",
        required=True,
        parser=limited_text(_MAX_LENGTH["town"], required=True),
        limit=_MAX_LENGTH["town"],
    ),
    Column(
        "Rechtsform",
        "legal_form",
        parser=limited_text(_MAX_LENGTH["legal_form"]),
        limit=_MAX_LENGTH["legal_form"],
    ),
    Column("Straße", "street", limit=_MAX_LENGTH["street"]),
    Column("Landkreis", "district", parser=_district),
    Column("Telefon", "phone", limit=_MAX_LENGTH["phone"]),
    Column(
        "E-Mail",
        "email",
        limit=_EMAIL_LIMIT,
        message="keine gültige E-Mail-Adresse; Wert verworfen",
    ),
    Column(
        "Website",
        "website",
        limit=_MAX_LENGTH["website"],
        message="keine gültige Web-Adresse; Wert verworfen",
    ),
    Column("Gründungsjahr", "founding_year", parser=parse_year),
    Column("Beschäftigte", "employees", parser=_checked_number("employees", parse_german_int)),
    Column(
        "Umsatz Mio EUR",
        "revenue_meur",
        parser=_checked_number("revenue_meur", parse_german_decimal),
    ),
    Column("Exportquote %", "export_quota", parser=_checked_number("export_quota", _export_quota)),
    Column("WZ 2008", "wz_code", parser=normalize_wz_code),
    Column("Wachstumsfelder", "growth_fields", message="unbekanntes Wachstumsfeld"),
    Column("Netzwerke", "networks", message="unbekanntes Netzwerk"),
    Column("Schlagworte", "keywords", parser=_keywords, limit=_KEYWORDS_LIMIT),
    Column("Stand", "record_date", parser=parse_german_date),
)
COLUMN = {column.field: column for column in COMPANY_COLUMNS}
# What a refused cell stands for while the rest of its row is checked (never written).
_REFUSED = {
    "founding_year": None,
    "record_date": None,
    "employees": (None, False),
    "revenue_meur": (None, False),
    "export_quota": (None, False),
    "growth_fields": None,
    "networks": None,
}


# A chunk of rows is cleaned column by column: a column's distinct values are parsed once, and
# the per-row work is C-level mapping. Issues are gathered as (row, check, error?, key, value,
# message) and reported sorted by row, then by the order of these checks.
_CHECK_ORDER = (
    "legal_form",
    "kind",
    "postcode",
    "town",
    "district",
    "founding_year",
    "employees",
    "revenue_meur",
    "export_quota",
    "wz_code",
    "keywords",
    "record_date",
    "leg_id",
    "name",
    "street",
    "phone",
    "postcode_region",
    "email",
    "website",
    "growth_fields_names",
    "networks_names",
)
_ORDER = {check: position for position, check in enumerate(_CHECK_ORDER)}
CHUNK_ROWS = 10_000


def _all_text(column) -> bool:
    return set(map(type, column)) <= {str}


def _cells_in(column, values):
    """``(index, cell)`` of the column's cells whose value is one of ``values`` (often none)."""
    if not values:
        return ()
    return ((index, raw) for index, raw in enumerate(column) if raw in values)


def _plain_column(column) -> list[str]:
    """``_plain`` of every cell; C-level when the column holds only text (CSV)."""
    if _all_text(column):
        return list(map(" ".join, map(str.split, column)))
    return list(map(_plain, column))


class CompanyRowCleaner:
    """Cleans the company sheet chunk by chunk; the per-column caches span the whole file."""

    def __init__(self, columns: ColumnMap, growth_field_index: dict, network_index: dict, issues):
        self.columns = columns
        self.issues = issues
        self.first_row_of = {}
        self.width = max(columns.index.values()) + 1
        self.position = {key: columns.index.get(key) for key in COLUMN}
        # key -> (parser, the value a refused cell stands for); the value is never written.
        self.parsers = {
            column.field: (column.parser, _REFUSED.get(column.field, ""))
            for column in COMPANY_COLUMNS
            if column.parser is not None
        }
        for key, index in (("growth_fields", growth_field_index), ("networks", network_index)):
            self.parsers[key] = (self._resolver(index, COLUMN[key].message), None)
        # key -> {cell value: clean value} and {cell value: error message}, for the whole file
        self.values = {key: {} for key in self.parsers}
        self.errors = {key: {} for key in self.parsers}

    @staticmethod
    def _resolver(index, message):
        def resolve(raw):
            ids, unknown = set(), []
            for name in split_list(raw, ";"):
                pk = index.get(normalize_name(name))
                if pk is None:
                    unknown.append(name)
                else:
                    ids.add(pk)
            return frozenset(ids), tuple(unknown), message

        return resolve

    def clean(self, rows: list[tuple[int, list]]) -> list[CompanyRecord]:
        """Clean a chunk of ``(row number, cells)``; return the records of rows without errors.

        The chunk's row numbers, its columns (``table``) and the issues found so far
        (``pending``) stay on the cleaner while the column checks below run.
        """
        if not rows:
            return []
        unreadable = [(row, cells) for row, cells in rows if type(cells) is RowProblems]
        if unreadable:
            rows = [(row, cells) for row, cells in rows if type(cells) is not RowProblems]
        self.numbers = numbers = [row for row, _ in rows]
        width = self.width
        self.table = list(zip_longest(*[cells[:width] for _, cells in rows]))
        self.empty = (None,) * len(rows)
        self.pending = []
        self.refused = refused = set()
        for row, problems in unreadable:
            for problem in problems:
                header = "" if problem.column is None else self._file_header(problem.column)
                if self.issues.admit(Severity.ERROR, header):
                    self.pending.append((row, -1, True, header, problem.value, problem.message))
        if not rows:
            self._report()
            return []

        parsed = {key: self._parsed(key) for key in self.parsers}
        leg_ids = self._leg_ids()
        names = self._texts("name", required=True)
        streets = self._texts("street")
        phones = self._texts("phone")
        self._foreign_postcodes()
        emails = self._addresses(
            "email",
            _plain_column(self._column("email")),
            _SIMPLE_EMAIL,
            _valid_email,
        )
        websites = self._addresses(
            "website",
            list(map(normalize_website, self._column("website"))),
            _SIMPLE_URL,
            _valid_url,
        )
        growth_fields = self._resolved("growth_fields", parsed["growth_fields"])
        networks = self._resolved("networks", parsed["networks"])

        first = itemgetter(0)
        second = itemgetter(1)
        employees, revenue = parsed["employees"], parsed["revenue_meur"]
        # Each field's column of clean values, by field name; records take them in FIELDS order.
        by_field = {
            **parsed,
            "name": names,
            "street": streets,
            "phone": phones,
            "email": emails,
            "website": websites,
            "employees": map(first, employees),
            "employees_approximate": map(second, employees),
            "revenue_meur": map(first, revenue),
            "revenue_approximate": map(second, revenue),
            "export_quota": map(first, parsed["export_quota"]),
        }
        values = zip(*(by_field[name] for name in FIELDS), strict=True)
        records = zip(numbers, leg_ids, values, growth_fields, networks, strict=True)
        self._report()
        return [
            CompanyRecord(
                row=row, leg_id=leg_id, values=values, growth_field_ids=links, network_ids=nets
            )
            for row, leg_id, values, links, nets in records
            if row not in refused
        ]

    def _column(self, key):
        at = self.position[key]
        return self.table[at] if at is not None and at < len(self.table) else self.empty

    def _issue(self, index, check, is_error, key, value, message):
        """Count an issue of the chunk; keep it for the report unless its kind is full."""
        row = self.numbers[index]
        if is_error:
            self.refused.add(row)
        severity = Severity.ERROR if is_error else Severity.WARNING
        if self.issues.admit(severity, self._header(key)):
            self.pending.append((row, _ORDER[check], is_error, key, value, message))

    def _report(self):
        self.pending.sort(key=itemgetter(0, 1))
        keep = self.issues.keep
        for row, _check, is_error, key, value, message in self.pending:
            severity = Severity.ERROR if is_error else Severity.WARNING
            keep(row, self._header(key), value, message, severity)

    def _parsed(self, key):
        """The column's clean values; each distinct cell value is parsed once per file."""
        column = self._column(key)
        parse, refused = self.parsers[key]
        values, errors = self.values[key], self.errors[key]
        distinct = set(column)
        for raw in distinct.difference(values):
            try:
                values[raw] = parse(raw)
            except ValueError as error:
                values[raw] = refused
                errors[raw] = str(error)
        for index, raw in _cells_in(column, distinct.intersection(errors)):
            self._issue(index, key, True, key, _stripped(raw), errors[raw])
        return list(map(values.__getitem__, column))

    def _leg_ids(self):
        column = self._column("leg_id")
        if _all_text(column):
            leg_ids = list(map(str.upper, map(str.strip, column)))
        else:
            leg_ids = [str(value or "").strip().upper() for value in column]
        matches = list(map(LEG_ID_PATTERN.fullmatch, leg_ids))
        first_row_of = self.first_row_of
        unique = len(set(leg_ids)) == len(leg_ids) and first_row_of.keys().isdisjoint(leg_ids)
        if unique and all(matches):
            first_row_of.update(zip(leg_ids, self.numbers, strict=True))
            return leg_ids
        for index, (leg_id, match) in enumerate(zip(leg_ids, matches, strict=True)):
            row, raw = self.numbers[index], _stripped(column[index])
            if match is None:
                _, error = _guarded(normalize_leg_id, raw)
                self._issue(index, "leg_id", True, "leg_id", raw, error)
            elif leg_id in first_row_of:
                message = f"LEG-ID doppelt in der Datei (Zeilen {first_row_of[leg_id]} und {row})"
                self._issue(index, "leg_id", True, "leg_id", raw, message)
            else:
                first_row_of[leg_id] = row
        return leg_ids

    def _texts(self, key, *, required=False):
        column = self._column(key)
        texts = _plain_column(column)
        if required and "" in texts:
            for index, text in enumerate(texts):
                if not text:
                    raw = _stripped(column[index])
                    self._issue(index, key, True, key, raw, "Pflichtangabe fehlt")
        limit = COLUMN[key].limit
        if limit and max(map(len, texts)) > limit:
            for index, text in enumerate(texts):
                if len(text) > limit:
                    self._issue(index, key, True, key, shortened(text), too_long(text, limit))
        return texts

    def _foreign_postcodes(self):
        column = self._column("postcode")
        values = self.values["postcode"]
        foreign = {
            raw
            for raw in set(column)
            if values[raw] and not values[raw].startswith(THURINGIAN_POSTCODE_PREFIXES)
        }
        message = "keine Thüringer Postleitzahl"
        for index, raw in _cells_in(column, foreign):
            self._issue(index, "postcode_region", False, "postcode", _stripped(raw), message)

    def _addresses(self, key, texts, simple, valid):
        """``texts`` (the column's addresses, normalised) with every invalid one dropped with a
        warning ("k. A." and empty cells silently). ``simple`` passes most valid addresses at
        C speed; ``valid`` decides the rest."""
        limit, message = COLUMN[key].limit, COLUMN[key].message
        column = self._column(key)
        checks = zip(texts, map(simple.match, texts), strict=True)
        for index, (text, match) in enumerate(checks):
            if match is not None and len(text) <= limit:
                continue
            raw = _stripped(column[index])
            if is_no_data(raw):
                texts[index] = ""
            elif not valid(text):
                texts[index] = ""
                self._issue(index, key, False, key, raw, message)
        return texts

    def _resolved(self, key, resolved):
        """The linked ids per row; every name that matches nothing is an error of its row."""
        column, values = self._column(key), self.values[key]
        unknown = {raw for raw in set(column) if values[raw][1]}
        for index, raw in _cells_in(column, unknown):
            _ids, names, message = values[raw]
            for name in names:
                self._issue(index, f"{key}_names", True, key, name, message)
        return list(map(itemgetter(0), resolved))

    def _header(self, key):
        return self.columns.spelling.get(key, key)

    def _file_header(self, position):
        headers = self.columns.headers
        return headers[position] if position < len(headers) else f"Spalte {position + 1}"


def clean_company_rows(
    sheet: Sheet, growth_field_index, network_index, issues, progress=None, skip=None
):
    """Clean every row of the company sheet; return the records of rows without errors.

    ``skip`` (``imports.digest.RowSkipper``) takes the rows unchanged since their last import
    out of each chunk before it is cleaned; they count in the rows, nothing else."""
    columns = map_columns(sheet.headers, issues, COMPANY_COLUMNS)
    if columns is None:
        return [], 0
    cleaner = CompanyRowCleaner(columns, growth_field_index, network_index, issues)
    records, rows = [], 0
    source = iter(sheet.rows)
    while chunk := list(islice(source, CHUNK_ROWS)):
        rows += len(chunk)
        if skip is not None:
            chunk = skip.split(chunk, columns, cleaner.first_row_of)
        records += cleaner.clean(chunk)
        if progress:
            progress(rows)
    if progress and not rows:
        progress(rows)
    return records, rows
