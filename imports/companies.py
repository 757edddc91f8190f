"""The company sheet: compare its clean records with the database (plan) and write them (apply).

Parallel to ``imports.keyfigures`` for the key-figure sheet. The plan reads what the file names
in a few set-based queries; the apply writes it with ``imports.writers`` (one COPY or
``executemany`` per table) and records history with ``imports.history``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from members.models import Organisation
from networks.choices import MembershipRole
from networks.models import Membership

from .history import id_watermark, inserted_after, record_organisation_history, write_history
from .leg import FIELDS, CompanyRecord
from .models import ImportRunLink
from .writers import insert_rows, update_rows

SNAPSHOT = ("id", "leg_id", *FIELDS, "version")
_VERSION = len(SNAPSHOT) - 1
GrowthFieldLink = Organisation.growth_fields.through
IN_CHUNK = 5000


@dataclass
class CompanyPlan:
    created: list = field(default_factory=list)  # CompanyRecord
    updated: list = field(default_factory=list)  # (record, organisation id, {field: (old, new)})
    unchanged: int = 0
    not_in_file: int = 0
    new_links: list = field(default_factory=list)  # (leg_id, growth field id)
    new_memberships: list = field(default_factory=list)  # (leg_id, network id)
    snapshot: dict = field(default_factory=dict)  # leg_id -> {column: value} of existing rows

    @property
    def writes(self) -> bool:
        return bool(self.created or self.updated)


def _chunks(items, size=IN_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows_where(queryset, field, keys, *columns):
    """``values_list`` rows of the queryset whose ``field`` is one of ``keys``.

    A large file names most of the table: one query over all of it is cheaper than
    thousands of ``IN`` lists, and callers look rows up by key anyway. A small file gets
    chunked ``IN`` queries (SQLite allows 32,766 parameters per statement).
    """
    if len(keys) > 4 * IN_CHUNK:
        return _all_rows(queryset.values_list(*columns))
    return (
        row
        for chunk in _chunks(keys)
        for row in queryset.filter(**{f"{field}__in": chunk}).values_list(*columns)
    )


def _all_rows(queryset):
    """Every row of a ``values_list`` queryset.

    On PostgreSQL the driver already returns each column as its field's Python value (str,
    int, Decimal, date, bool), so one plain fetch replaces Django's row-by-row iteration;
    SQLite needs Django's converters (it returns dates and decimals as text).
    """
    if connection.vendor != "postgresql":
        return queryset.iterator(chunk_size=20_000)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _existing_organisations(leg_ids):
    """Snapshot of the organisations the file names, by LEG-ID."""
    queryset = Organisation.objects.filter(leg_id__isnull=False)
    return {row[1]: row for row in _rows_where(queryset, "leg_id", leg_ids, *SNAPSHOT)}


def _existing_pairs(model, right, organisation_ids):
    """organisation id -> the ids it links to through ``model`` (growth fields, networks)."""
    pairs = defaultdict(set)
    rows = _rows_where(
        model.objects.all(), "organisation_id", organisation_ids, "organisation_id", right
    )
    for organisation_id, other in rows:
        pairs[organisation_id].add(other)
    return pairs


_NONE = frozenset()
_FIRST, _LAST = 2, 2 + len(FIELDS)  # where FIELDS stand in a SNAPSHOT row


def _changes(old_values, record) -> dict:
    """{field: (old, new)} of the fields the record changes."""
    if old_values == record.values:
        return {}
    return {
        name: (old, new)
        for name, old, new in zip(FIELDS, old_values, record.values, strict=True)
        if old != new
    }


def plan_companies(records: list[CompanyRecord], *, unseen: int = 0) -> CompanyPlan:
    """Compare the records with the database: created, updated (with their changes), unchanged,
    and the growth-field links and memberships to add. Reads only. ``unseen`` rows of the file
    were skipped as unchanged before cleaning (``imports.digest``)."""
    plan = CompanyPlan(unchanged=unseen)
    leg_ids = [record.leg_id for record in records]
    plan.snapshot = existing = _existing_organisations(leg_ids)
    ids = [row[0] for row in existing.values()]
    links = _existing_pairs(GrowthFieldLink, "growthfield_id", ids)
    memberships = _existing_pairs(Membership, "network_id", ids)
    for record in records:
        current = existing.get(record.leg_id)
        if current is None:
            plan.created.append(record)
            new_links, new_networks = record.growth_field_ids, record.network_ids
        else:
            pk = current[0]
            changes = _changes(current[_FIRST:_LAST], record)
            # Most rows of a later export link what they linked before: a subset test only.
            linked, joined = links.get(pk, _NONE), memberships.get(pk, _NONE)
            new_links = (
                _NONE if record.growth_field_ids <= linked else record.growth_field_ids - linked
            )
            new_networks = _NONE if record.network_ids <= joined else record.network_ids - joined
            if not (changes or new_links or new_networks):
                plan.unchanged += 1
                continue
            plan.updated.append((record, pk, changes))
        if new_links:
            plan.new_links.extend((record.leg_id, link) for link in sorted(new_links))
        if new_networks:
            plan.new_memberships.extend((record.leg_id, net) for net in sorted(new_networks))
    in_file = len(leg_ids) + unseen - len(plan.created)
    plan.not_in_file = Organisation.objects.filter(leg_id__isnull=False).count() - in_file
    return plan


class PlanOutdated(Exception):
    """Rows of the file changed in the database since the plan read them (a back-office edit,
    another import): nothing is written, the rows are named."""

    def __init__(self, rows):
        self.rows = sorted(rows)
        shown = ", ".join(map(str, self.rows[:20])) + (" …" if len(self.rows) > 20 else "")
        super().__init__(
            f"Seit der Prüfung der Datei wurden Organisationen in der Datenbank geändert oder "
            f"angelegt (Zeilen {shown}, z. B. im Backoffice oder durch einen anderen Import). "
            "Es wurde nichts geschrieben, um diese Änderungen nicht zu überschreiben; bitte den "
            "Import erneut starten."
        )


def outdated_rows(plan: CompanyPlan) -> list[int]:
    """The file rows whose organisation changed since the plan read it: a new version of an
    organisation to update, or an organisation with a LEG-ID the plan would create. Read in
    the write transaction, after the import's lock (``imports.services``)."""
    rows = []
    if plan.updated:
        planned = {pk: (record.row, plan.snapshot[record.leg_id][_VERSION])
                   for record, pk, _changes in plan.updated}  # fmt: skip
        current = dict(
            _rows_where(Organisation.objects.all(), "id", list(planned), "id", "version")
        )
        rows += [row for pk, (row, version) in planned.items() if current.get(pk) != version]
    if plan.created:
        row_of = {record.leg_id: record.row for record in plan.created}
        queryset = Organisation.objects.filter(leg_id__isnull=False)
        rows += [row_of[leg_id] for (leg_id,) in _rows_where(queryset, "leg_id", row_of, "leg_id")
                 if leg_id in row_of]  # fmt: skip
    return rows


def apply_companies(plan: CompanyPlan, *, run, now, user, reason) -> None:
    """Write the company plan (inside the caller's transaction): organisations, their history,
    growth-field links (those of existing organisations noted on the run) and memberships
    with their history.

    Each organisation is updated only if it still has the version the plan read; otherwise
    ``PlanOutdated`` names its row and the caller's transaction writes nothing."""
    outdated = outdated_rows(plan)
    if outdated:
        raise PlanOutdated(outdated)
    insert_rows(
        Organisation,
        ["leg_id", *FIELDS, "published", "created_at", "updated_at"],
        [(r.leg_id, *r.values, True, now, now) for r in plan.created],
    )
    version_of = {row[0]: row[_VERSION] for row in plan.snapshot.values()}
    missed = update_rows(
        Organisation,
        "id",
        [*FIELDS, "updated_at"],
        [
            (pk, *record.values, now, version_of[pk])
            for record, pk, changes in plan.updated
            if changes
        ],
        increment=("version",),
        expect="version",
    )
    # Organisations that only gain links: a new version, but no history entry of their own.
    missed |= update_rows(
        Organisation,
        "id",
        [],
        [(pk, version_of[pk]) for _record, pk, changes in plan.updated if not changes],
        increment=("version",),
        expect="version",
    )
    if missed:  # changed between the check above and the write (PostgreSQL's READ COMMITTED)
        raise PlanOutdated([record.row for record, pk, _ in plan.updated if pk in missed])
    ids = {leg_id: row[0] for leg_id, row in plan.snapshot.items()}
    if plan.created:
        ids.update(_ids_of([r.leg_id for r in plan.created]))
    record_organisation_history(now=now, user=user, reason=reason)
    insert_rows(
        GrowthFieldLink,
        ["organisation_id", "growthfield_id"],
        [(ids[leg_id], pk) for leg_id, pk in plan.new_links],
    )
    # Links of organisations that existed before: the link table keeps no history.
    insert_rows(
        ImportRunLink,
        ["run_id", "organisation_id", "growth_field_id"],
        [(run.pk, ids[leg_id], pk) for leg_id, pk in plan.new_links if leg_id in plan.snapshot],
    )
    _add_memberships(
        [(ids[leg_id], pk) for leg_id, pk in plan.new_memberships],
        now=now,
        user=user,
        reason=reason,
    )


def _ids_of(leg_ids):
    queryset = Organisation.objects.filter(leg_id__isnull=False)
    return dict(_rows_where(queryset, "leg_id", leg_ids, "leg_id", "id"))


def _add_memberships(pairs, *, now, user, reason):
    if not pairs:
        return
    watermark = id_watermark(Membership)
    insert_rows(
        Membership,
        ["organisation_id", "network_id", "role"],
        [(o, n, MembershipRole.MEMBER) for o, n in pairs],
    )
    write_history(
        Membership, inserted_after(watermark), history_type="+", now=now, user=user, reason=reason
    )
