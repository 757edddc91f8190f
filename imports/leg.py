"""The LEG company sheet (``../shared/leg/FORMAT.md``): columns, and one row into one record.

``clean_company_rows`` turns a sheet into records of Organisation field values plus the growth
fields and networks each row names, collecting every error and warning with row and column.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from clusterportal.text import normalize_name
from members.choices import District, OrganisationKind
from members.models import Organisation

from .issues import IssueList
from .normalizers import (
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


def _memo(parse):
    """Cache a parser per distinct cell value: most LEG columns repeat a few values.

    The cached result is ``(value, error message or None)``.
    """
    cache = {}

    def parse_cached(raw):
        try:
            return cache[raw]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell cannot come from CSV or XLSX, but be safe
            return _guarded(parse, raw)
        result = cache[raw] = _guarded(parse, raw)
        return result

    return parse_cached


def _guarded(parse, raw):
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
_SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$")
_SIMPLE_URL = re.compile(
    r"^https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(?:/[^\s<>\"]*)?$"
)


def _valid_email(text) -> bool:
    if len(text) > 254:
        return False
    if _SIMPLE_EMAIL.match(text):
        return True
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _valid_url(url) -> bool:
    if len(url) > _MAX_LENGTH["website"]:
        return False
    if _SIMPLE_URL.match(url):
        return True
    try:
        _url_validator(url)
    except ValidationError:
        return False
    return True


class CompanyRowCleaner:
    """Cleans one row at a time; the name indexes and per-column caches make a row cheap."""

    def __init__(self, columns: ColumnMap, growth_field_index: dict, network_index: dict, issues):
        self.columns = columns
        self.issues = issues
        self.first_row_of = {}
        self.width = max(columns.index.values()) + 1
        # A column the file lacks reads the always-empty cell after the row's last cell.
        self.position = {key: columns.index.get(key, self.width) for key in COLUMNS.values()}
        parse = {
            "legal_form": _memo(_limited_text(_MAX_LENGTH["legal_form"])),
            "kind": _memo(_kind),
            "postcode": _memo(normalize_postcode),
            "town": _memo(_limited_text(_MAX_LENGTH["town"], required=True)),
            "district": _memo(_district),
            "founding_year": _memo(parse_year),
            "employees": _memo(_checked_number("employees", parse_german_int)),
            "revenue_meur": _memo(_checked_number("revenue_meur", parse_german_decimal)),
            "export_quota": _memo(
                _checked_number("export_quota", lambda v: parse_german_decimal(v, percent=True))
            ),
            "wz_code": _memo(normalize_wz_code),
            "keywords": _memo(_keywords),
            "record_date": _memo(parse_german_date),
            "growth_fields": _memo(self._resolver(growth_field_index, "unbekanntes Wachstumsfeld")),
            "networks": _memo(self._resolver(network_index, "unbekanntes Netzwerk")),
        }
        # The columns parsed through a cache, with where they stand in a row.
        self.memoized = [(key, self.position[key], function) for key, function in parse.items()]

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

    def clean(self, row: int, values: list) -> CompanyRecord | None:
        issues = self.issues
        errors_before = issues.error_count
        cells = list(values[: self.width])
        cells.extend([None] * (self.width + 1 - len(cells)))
        position = self.position

        parsed = {}
        for key, at, parse in self.memoized:
            value, error = parse(cells[at])
            if error is not None:
                issues.error(row, self._header(key), _stripped(cells[at]), error)
            parsed[key] = value

        raw_id = _stripped(cells[position["leg_id"]])
        leg_id, error = _guarded(normalize_leg_id, raw_id)
        if error:
            issues.error(row, self._header("leg_id"), raw_id, error)
        elif leg_id in self.first_row_of:
            first = self.first_row_of[leg_id]
            message = f"LEG-ID doppelt in der Datei (Zeilen {first} und {row})"
            issues.error(row, self._header("leg_id"), raw_id, message)
        else:
            self.first_row_of[leg_id] = row

        name = self._text(row, cells, "name", required=True)
        street = self._text(row, cells, "street")
        phone = self._text(row, cells, "phone")
        postcode = parsed["postcode"]
        if postcode and not postcode.startswith(THURINGIAN_POSTCODE_PREFIXES):
            raw = _stripped(cells[position["postcode"]])
            issues.warning(row, self._header("postcode"), raw, "keine Thüringer Postleitzahl")
        email = self._email(row, cells)
        website = self._website(row, cells)
        employees, employees_approximate = parsed["employees"] or (None, False)
        revenue, revenue_approximate = parsed["revenue_meur"] or (None, False)
        export_quota, _ = parsed["export_quota"] or (None, False)
        growth_field_ids = self._names(row, "growth_fields", parsed["growth_fields"])
        network_ids = self._names(row, "networks", parsed["networks"])

        if issues.error_count > errors_before:
            return None
        return CompanyRecord(
            row,
            leg_id,
            (
                name,
                parsed["legal_form"],
                parsed["kind"],
                street,
                postcode,
                parsed["town"],
                parsed["district"],
                phone,
                email,
                website,
                parsed["founding_year"],
                employees,
                employees_approximate,
                revenue,
                revenue_approximate,
                export_quota,
                parsed["wz_code"] or "",
                parsed["keywords"] or "",
                parsed["record_date"],
            ),
            growth_field_ids,
            network_ids,
        )

    def _text(self, row, cells, key, *, required=False):
        cell = cells[self.position[key]]
        value = _plain(cell)
        if required and not value:
            self.issues.error(row, self._header(key), _stripped(cell), "Pflichtangabe fehlt")
        limit = _MAX_LENGTH.get(key)
        if limit and len(value) > limit:
            message = f"zu lang ({len(value)} Zeichen, höchstens {limit})"
            self.issues.error(row, self._header(key), value[:60] + "…", message)
        return value

    def _email(self, row, cells):
        raw = _stripped(cells[self.position["email"]])
        if is_no_data(raw):
            return ""
        email = _plain(raw)
        if _valid_email(email):
            return email
        message = "keine gültige E-Mail-Adresse; Wert verworfen"
        self.issues.warning(row, self._header("email"), raw, message)
        return ""

    def _website(self, row, cells):
        raw = _stripped(cells[self.position["website"]])
        if is_no_data(raw):
            return ""
        website = normalize_website(raw)
        if _valid_url(website):
            return website
        message = "keine gültige Web-Adresse; Wert verworfen"
        self.issues.warning(row, self._header("website"), raw, message)
        return ""

    def _header(self, key):
        return self.columns.spelling.get(key, key)

    def _names(self, row, key, resolved):
        ids, unknown, message = resolved
        for name in unknown:
            self.issues.error(row, self._header(key), name, message)
        return ids


def clean_company_rows(sheet: Sheet, growth_field_index, network_index, issues, progress=None):
    """Clean every row of the company sheet; return the records of rows without errors."""
    columns = map_columns(sheet.headers, issues)
    if columns is None:
        return [], 0
    cleaner = CompanyRowCleaner(columns, growth_field_index, network_index, issues)
    records, rows = [], 0
    for row, values in sheet.rows:
        rows += 1
        record = cleaner.clean(row, values)
        if record is not None:
            records.append(record)
        if progress and rows % 1000 == 0:
            progress(rows)
    if progress:
        progress(rows)
    return records, rows
