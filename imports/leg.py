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

from .issues import IssueList
from .reading import Sheet

# header -> record key; required columns first.
REQUIRED = {"LEG-ID": "leg_id", "Name": "name", "Art": "kind", "PLZ": "postcode", "Ort": "town"}
OPTIONAL = {
    "Rechtsform": "legal_form",
    "Straße": "street",
    "Landkreis": "district",
    "Telefon": "phone",
    "E-Mail": "email",
    "Website": "website",
    "Gründungsjahr": "founding_year",
    "Beschäftigte": "employees",
    "Umsatz Mio EUR": "revenue_meur",
    "Exportquote %": "export_quota",
    "WZ 2008": "wz_code",
    "Wachstumsfelder": "growth_fields",
    "Netzwerke": "networks",
    "Schlagworte": "keywords",
    "Stand": "record_date",
}
COLUMNS = {**REQUIRED, **OPTIONAL}

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


def header_key(header: str) -> str:
    return " ".join(str(header).split()).casefold()


@dataclass(slots=True)
class CompanyRecord:
    """One clean row: ``values`` in the order of ``FIELDS``."""

    row: int
    leg_id: str
    values: tuple
    growth_field_ids: frozenset = frozenset()
    network_ids: frozenset = frozenset()


@dataclass
class ColumnMap:
    """Where each known column stands in the file, and the file's own header spelling."""

    index: dict[str, int]
    spelling: dict[str, str]


def map_columns(
    headers: list[str], issues: IssueList, *, required=REQUIRED, optional=OPTIONAL, sheet=""
) -> ColumnMap | None:
    """Match headers ignoring case, spacing and order; report unknown, doubled and missing
    columns. ``required`` and ``optional`` map header -> record key (default: company sheet)."""
    columns = {**required, **optional}
    known_headers = {header_key(header): header for header in columns}
    errors_before = issues.error_count
    index, spelling, seen = {}, {}, {}
    for position, header in enumerate(headers):
        known = known_headers.get(header_key(header))
        if known is None:
            if header.strip():
                issues.warning(1, header, header, "unbekannte Spalte, wird nicht importiert")
            continue
        if known in seen:
            issues.error(1, header, header, f"Spalte doppelt (auch Spalte {seen[known] + 1})")
            continue
        seen[known] = position
        index[columns[known]] = position
        spelling[columns[known]] = header
    missing = f"Pflichtspalte fehlt (Blatt {sheet})" if sheet else "Pflichtspalte fehlt"
    for header, key in required.items():
        if key not in index:
            issues.error(1, header, "", missing)
    if issues.error_count > errors_before:
        return None
    return ColumnMap(index=index, spelling=spelling)


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


def _limited_text(limit, *, required=False):
    def parse(raw):
        text = _plain(raw)
        if required and not text:
            raise ValueError("Pflichtangabe fehlt")
        if len(text) > limit:
            raise ValueError(f"zu lang ({len(text)} Zeichen, höchstens {limit})")
        return text

    return parse


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


def _keywords(raw):
    text = ", ".join(split_list(raw, ","))
    if len(text) > 10_000:
        raise ValueError(f"zu lang ({len(text)} Zeichen, höchstens 10000)")
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
_NO_NUMBER = (None, False)


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
        self.position = {key: columns.index.get(key) for key in COLUMNS.values()}
        # key -> (parser, the value a refused cell stands for); the value is never written.
        self.parsers = {
            "legal_form": (_limited_text(_MAX_LENGTH["legal_form"]), ""),
            "kind": (_kind, ""),
            "postcode": (normalize_postcode, ""),
            "town": (_limited_text(_MAX_LENGTH["town"], required=True), ""),
            "district": (_district, ""),
            "founding_year": (parse_year, None),
            "employees": (_checked_number("employees", parse_german_int), _NO_NUMBER),
            "revenue_meur": (
                _checked_number("revenue_meur", parse_german_decimal),
                _NO_NUMBER,
            ),
            "export_quota": (
                _checked_number("export_quota", lambda v: parse_german_decimal(v, percent=True)),
                _NO_NUMBER,
            ),
            "wz_code": (normalize_wz_code, ""),
            "keywords": (_keywords, ""),
            "record_date": (parse_german_date, None),
            "growth_fields": (
                self._resolver(growth_field_index, "unbekanntes Wachstumsfeld"),
                None,
            ),
            "networks": (self._resolver(network_index, "unbekanntes Netzwerk"), None),
        }
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
        self.numbers = numbers = [row for row, _ in rows]
        width = self.width
        self.table = list(zip_longest(*[cells[:width] for _, cells in rows]))
        self.empty = (None,) * len(rows)
        self.pending = pending = []

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
            _EMAIL_LIMIT,
            _valid_email,
            "keine gültige E-Mail-Adresse; Wert verworfen",
        )
        websites = self._addresses(
            "website",
            list(map(normalize_website, self._column("website"))),
            _SIMPLE_URL,
            _MAX_LENGTH["website"],
            _valid_url,
            "keine gültige Web-Adresse; Wert verworfen",
        )
        growth_fields = self._resolved("growth_fields", parsed["growth_fields"])
        networks = self._resolved("networks", parsed["networks"])

        first = itemgetter(0)
        second = itemgetter(1)
        employees, revenue = parsed["employees"], parsed["revenue_meur"]
        values = zip(
            names,
            parsed["legal_form"],
            parsed["kind"],
            streets,
            parsed["postcode"],
            parsed["town"],
            parsed["district"],
            phones,
            emails,
            websites,
            parsed["founding_year"],
            map(first, employees),
            map(second, employees),
            map(first, revenue),
            map(second, revenue),
            map(first, parsed["export_quota"]),
            parsed["wz_code"],
            parsed["keywords"],
            parsed["record_date"],
            strict=True,
        )
        records = zip(numbers, leg_ids, values, growth_fields, networks, strict=True)
        refused = {row for row, _check, is_error, *_ in pending if is_error}
        self._report()
        return [CompanyRecord(*record) for record in records if record[0] not in refused]

    def _column(self, key):
        at = self.position[key]
        return self.table[at] if at is not None and at < len(self.table) else self.empty

    def _issue(self, index, check, is_error, key, value, message):
        self.pending.append((self.numbers[index], _ORDER[check], is_error, key, value, message))

    def _report(self):
        self.pending.sort(key=itemgetter(0, 1))
        issues = self.issues
        for row, _check, is_error, key, value, message in self.pending:
            report = issues.error if is_error else issues.warning
            report(row, self._header(key), value, message)

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
        limit = _MAX_LENGTH.get(key)
        if limit and max(map(len, texts)) > limit:
            for index, text in enumerate(texts):
                if len(text) > limit:
                    message = f"zu lang ({len(text)} Zeichen, höchstens {limit})"
                    self._issue(index, key, True, key, text[:60] + "…", message)
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

    def _addresses(self, key, texts, simple, limit, valid, message):
        """``texts`` (the column's addresses, normalised) with every invalid one dropped with a
        warning ("k. A." and empty cells silently). ``simple`` passes most valid addresses at
        C speed; ``valid`` decides the rest."""
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


def clean_company_rows(sheet: Sheet, growth_field_index, network_index, issues, progress=None):
    """Clean every row of the company sheet; return the records of rows without errors."""
    columns = map_columns(sheet.headers, issues)
    if columns is None:
        return [], 0
    cleaner = CompanyRowCleaner(columns, growth_field_index, network_index, issues)
    records, rows = [], 0
    source = iter(sheet.rows)
    while chunk := list(islice(source, CHUNK_ROWS)):
        records += cleaner.clean(chunk)
        rows += len(chunk)
        if progress:
            progress(rows)
    if progress and not rows:
        progress(rows)
    return records, rows
