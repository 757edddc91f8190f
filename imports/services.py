"""The LEG import: one engine for the command line and the back office.

``leg_import_plan`` reads, cleans and compares a file with the database without writing;
``leg_import_apply`` writes a plan set-based in one transaction; ``leg_import_run`` does both and
records an ``ImportRun``; ``leg_import_confirm`` carries out a previewed run from the back office.
"""

import gc
import hashlib
import heapq
import itertools
import json
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import cache as portal_cache
from growthfields.models import GrowthField
from members.models import Organisation
from networks.choices import MembershipRole
from networks.models import Membership, Network

from . import keyfigures
from .choices import RunOrigin, RunStatus
from .issues import Issue, IssueList
from .leg import FIELDS, CompanyRecord, clean_company_rows
from .models import ImportRun, ImportRunLink
from .reading import ImportFileError, open_spreadsheet
from .writers import copy_to_history, insert_rows, update_rows

SNAPSHOT = ("id", "leg_id", *FIELDS)
GrowthFieldLink = Organisation.growth_fields.through
CHANGE_SAMPLE_SIZE = 200
IN_CHUNK = 5000


def _noop(stage, done=0, total=None):
    pass


@contextmanager
def _gc_paused():
    """Pause Python's cycle collector while an import holds a file's rows in memory.

    Reading, cleaning and comparing create millions of tuples and lists; with the collector
    on, every full collection walks all rows held so far, which made a 100,000-row import twice
    as slow. Reference counting frees memory as usual; what would need the collector is a
    reference cycle, and the one that held rows (a validator's exception) is broken where it
    arises (``leg._forget_traceback``, tested).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class CompanyPlan:
    created: list = field(default_factory=list)  # CompanyRecord
    updated: list = field(default_factory=list)  # (record, organisation id, {field: (old, new)})
    unchanged: int = 0
    not_in_file: int = 0
    new_links: list = field(default_factory=list)  # (leg_id, growth field id)
    new_memberships: list = field(default_factory=list)  # (leg_id, network id)
    snapshot: dict = field(default_factory=dict)  # leg_id -> {column: value} of existing rows


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    size: int
    issues: IssueList
    rows: int = 0
    company: CompanyPlan | None = None
    key_figures: keyfigures.KeyFigurePlan | None = None

    @property
    def refused(self):
        return self.issues.error_count > 0

    def fingerprint(self) -> str:
        """A digest of every change the plan would write; equal plans write equal data."""
        digest = hashlib.sha256(self.sha256.encode())
        if self.company:
            for record in self.company.created:
                digest.update(_canonical(("+", record.leg_id, record.values)))
            for record, pk, changes in self.company.updated:
                digest.update(_canonical(("~", record.leg_id, pk, changes)))
            digest.update(_canonical(sorted(self.company.new_links)))
            digest.update(_canonical(sorted(self.company.new_memberships)))
        if self.key_figures:
            for record in self.key_figures.created:
                digest.update(_canonical(("+kf", record.__dict__)))
            for _record, pk, changes in self.key_figures.updated:
                digest.update(_canonical(("~kf", pk, changes)))
        return digest.hexdigest()

    def change_samples(self, limit=CHANGE_SAMPLE_SIZE):
        """The first changes in file order, as old → new per field, for the preview."""
        if not self.company:
            return []
        links = defaultdict(list)
        for leg_id, pk in self.company.new_links:
            links[leg_id].append(("growth_field", pk))
        for leg_id, pk in self.company.new_memberships:
            links[leg_id].append(("network", pk))
        # Both lists are in file order: merging them lazily costs only the rows shown.
        first = list(
            itertools.islice(
                heapq.merge(
                    ((record.row, record, None) for record in self.company.created),
                    (
                        (record.row, record, changes)
                        for record, _pk, changes in self.company.updated
                    ),
                    key=lambda item: item[0],
                ),
                limit,
            )
        )
        names = _link_names() if first else {}
        samples = []
        for row, record, changes in first:
            if changes is None:
                fields = [
                    (name, "", _shown(value))
                    for name, value in zip(FIELDS, record.values, strict=True)
                    if value not in ("", None, False)
                ]
            else:
                fields = [(name, _shown(old), _shown(new)) for name, (old, new) in changes.items()]
            fields += [(kind, "", names[kind].get(pk, pk)) for kind, pk in links[record.leg_id]]
            action = "neu" if changes is None else "geändert"
            samples.append(
                {"row": row, "leg_id": record.leg_id, "action": action, "fields": fields}
            )
        return samples


def _canonical(value) -> bytes:
    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False).encode()


def _shown(value):
    return "" if value is None else str(value)


def _link_names():
    return {
        "growth_field": dict(GrowthField.objects.values_list("pk", "name")),
        "network": dict(Network.objects.values_list("pk", "name")),
    }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def leg_import_plan(
    *, path: Path, file_name: str = "", progress=_noop, max_bytes=None
) -> ImportPlan:
    """Read and check the file and compare it with the database. Writes nothing."""
    path = Path(path)
    file_name = file_name or path.name
    progress("Datei lesen")
    # Limits first: a file refused for its size is not read in full to be hashed.
    spreadsheet = open_spreadsheet(path, file_name=file_name, max_bytes=max_bytes)
    issues = IssueList()
    plan = ImportPlan(
        file_name=file_name, sha256=file_sha256(path), size=path.stat().st_size, issues=issues
    )
    for note in spreadsheet.notes:
        issues.warning(1, "", file_name, note)
    growth_field_index = GrowthField.objects.name_index()
    company_sheet = key_figure_sheet = None
    for sheet in spreadsheet.sheets:
        if keyfigures.is_key_figure_sheet(sheet.headers):
            key_figure_sheet = sheet
        elif company_sheet is None:
            company_sheet = sheet
    if company_sheet is not None:
        records, plan.rows = clean_company_rows(
            company_sheet,
            growth_field_index,
            Network.objects.name_index(),
            issues,
            progress=lambda done: progress("Zeilen prüfen", done),
        )
        if not plan.refused:
            progress("Mit der Datenbank vergleichen")
            plan.company = _plan_companies(records)
    if key_figure_sheet is not None:
        records, rows = keyfigures.clean_key_figure_rows(
            key_figure_sheet, growth_field_index, issues
        )
        plan.rows += rows
        if not plan.refused:
            plan.key_figures = keyfigures.plan_key_figures(records, issues)
    return plan


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


def _plan_companies(records: list[CompanyRecord]) -> CompanyPlan:
    plan = CompanyPlan()
    leg_ids = [record.leg_id for record in records]
    plan.snapshot = existing = _existing_organisations(leg_ids)
    ids = [row[0] for row in existing.values()]
    links = _existing_pairs(GrowthFieldLink, "growthfield_id", ids)
    memberships = _existing_pairs(Membership, "network_id", ids)
    first, last = 2, 2 + len(FIELDS)  # where FIELDS stand in a SNAPSHOT row
    none = frozenset()
    for record in records:
        current = existing.get(record.leg_id)
        if current is None:
            plan.created.append(record)
            new_links, new_networks = record.growth_field_ids, record.network_ids
        else:
            pk, old_values = current[0], current[first:last]
            changes = {}
            if old_values != record.values:
                changes = {
                    name: (old, new)
                    for name, old, new in zip(FIELDS, old_values, record.values, strict=True)
                    if old != new
                }
            # Most rows of a later export link what they linked before: a subset test only.
            linked, joined = links.get(pk, none), memberships.get(pk, none)
            new_links = (
                none if record.growth_field_ids <= linked else record.growth_field_ids - linked
            )
            new_networks = none if record.network_ids <= joined else record.network_ids - joined
            if changes or new_links or new_networks:
                plan.updated.append((record, pk, changes))
            else:
                plan.unchanged += 1
                continue
        if new_links:
            plan.new_links.extend((record.leg_id, link) for link in sorted(new_links))
        if new_networks:
            plan.new_memberships.extend((record.leg_id, net) for net in sorted(new_networks))
    in_file = len(leg_ids) - len(plan.created)
    plan.not_in_file = Organisation.objects.filter(leg_id__isnull=False).count() - in_file
    return plan


def _history_rows(model, layout, rows, *, history_type, user, reason, now):
    """Rows for the model's simple-history table, written in bulk like the changes they record.

    ``rows`` are tuples whose values stand in the order of ``layout`` (column names).
    """
    history = model.history.model
    columns = [f.column for f in history._meta.concrete_fields if f.name != "history_id"]
    constants = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    where = {column: position for position, column in enumerate(layout)}
    picks = [(where[c], None) if c in where else (None, constants.get(c)) for c in columns]
    values = [tuple(row[p] if p is not None else constant for p, constant in picks) for row in rows]
    return history, columns, values


@transaction.atomic
def leg_import_apply(plan: ImportPlan, *, run: ImportRun, user=None) -> None:
    """Write a plan: set-based, in one transaction, with history entries written in bulk.

    Every history entry names the (saved) ``run`` ("LEG-Import #12"), and the run records
    when it wrote and which growth-field links it added, so it can be taken back
    (``imports.revert``). Every organisation the import updates gets ``version + 1``, so a
    back-office form opened before the import cannot overwrite it.

    Bulk writes send no model signals, so the pages' cached figures and counts are made stale
    here, when the transaction commits: until then visitors read the old data anyway, and
    the cached pages keep being served while the import writes."""
    now = timezone.now()
    portal_cache.invalidate_on_commit()
    reason = run.history_reason
    run.applied_at = now
    if connection.vendor == "postgresql":
        # The transaction stays atomic; only the wait for the WAL flush at commit is skipped.
        # Foreign keys are checked as rows arrive rather than queued for the commit (faster).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    company = plan.company
    if company and (company.created or company.updated):
        columns = ["leg_id", *FIELDS, "published", "created_at", "updated_at"]
        insert_rows(
            Organisation,
            columns,
            [(r.leg_id, *r.values, True, now, now) for r in company.created],
        )
        changed = [(record, pk) for record, pk, changes in company.updated if changes]
        update_rows(
            Organisation,
            "id",
            [*FIELDS, "updated_at"],
            [(pk, *record.values, now) for record, pk in changed],
            increment=("version",),
        )
        # Organisations that only gain links: a new version, but no history entry of their own.
        update_rows(
            Organisation,
            "id",
            [],
            [(pk,) for _record, pk, changes in company.updated if not changes],
            increment=("version",),
        )
        ids = {leg_id: row[0] for leg_id, row in company.snapshot.items()}
        if company.created:
            ids.update(_ids_of([r.leg_id for r in company.created]))
        record_organisation_history(now=now, user=user, reason=reason)
        insert_rows(
            GrowthFieldLink,
            ["organisation_id", "growthfield_id"],
            [(ids[leg_id], pk) for leg_id, pk in company.new_links],
        )
        # Links of organisations that existed before: the link table keeps no history.
        insert_rows(
            ImportRunLink,
            ["run_id", "organisation_id", "growth_field_id"],
            [
                (run.pk, ids[leg_id], pk)
                for leg_id, pk in company.new_links
                if leg_id in company.snapshot
            ],
        )
        _add_memberships(
            [(ids[leg_id], pk) for leg_id, pk in company.new_memberships], user, reason, now
        )
    if plan.key_figures and (plan.key_figures.created or plan.key_figures.updated):
        keyfigures.apply_key_figures(plan.key_figures, user=user, reason=reason)


def record_organisation_history(*, now, user, reason, history_type=None):
    """History entries for every organisation written now, in one statement.

    The writer stamped exactly those rows with ``updated_at = now``; the database copies them
    into the history table itself: by default '+' where they were created now, '~' where
    changed (the import), or the given ``history_type`` (a revert: '~').
    """
    stamp = connection.ops.adapt_datetimefield_value(now)
    copy_to_history(
        Organisation,
        f"{connection.ops.quote_name('updated_at')} = %s",
        [stamp],
        history_type=history_type or ("CASE WHEN created_at = %s THEN '+' ELSE '~' END", [stamp]),
        now=now,
        user=user,
        reason=reason,
    )


def _ids_of(leg_ids):
    queryset = Organisation.objects.filter(leg_id__isnull=False)
    return dict(_rows_where(queryset, "leg_id", leg_ids, "leg_id", "id"))


def _add_memberships(pairs, user, reason, now):
    if not pairs:
        return
    insert_rows(
        Membership,
        ["organisation_id", "network_id", "role"],
        [(o, n, MembershipRole.MEMBER) for o, n in pairs],
    )
    wanted = set(pairs)
    organisations = {o for o, _ in pairs}
    layout = ("id", "organisation_id", "network_id", "role", "since", "until")
    found = _rows_where(Membership.objects.all(), "organisation_id", organisations, *layout)
    rows = [row for row in found if (row[1], row[2]) in wanted]
    history, columns, values = _history_rows(
        Membership, layout, rows, history_type="+", user=user, reason=reason, now=now
    )
    insert_rows(history, columns, values)


def _record_counts(run: ImportRun, plan: ImportPlan) -> None:
    run.rows = plan.rows
    run.report = [issue.as_dict() for issue in plan.issues]
    run.error_count = len(plan.issues.errors)
    run.warning_count = len(plan.issues.warnings)
    if plan.company:
        run.created = len(plan.company.created)
        run.updated = len(plan.company.updated)
        run.unchanged = plan.company.unchanged
        run.not_in_file = plan.company.not_in_file
    if plan.key_figures:
        run.key_figures_created = len(plan.key_figures.created)
        run.key_figures_updated = len(plan.key_figures.updated)
        run.key_figures_unchanged = plan.key_figures.unchanged


@_gc_paused()
def leg_import_run(
    *,
    path: Path,
    file_name: str = "",
    user=None,
    dry_run: bool = False,
    origin: str = RunOrigin.COMMAND,
    progress=_noop,
    keep_file: bool = False,
    max_bytes: int | None = None,
) -> ImportRun:
    """Plan and, unless refused or a dry run, apply an import; always record the run.

    With ``keep_file`` (the back office's preview) the run stays a preview and remembers the
    stored file and the plan's fingerprint for ``leg_import_confirm``.
    """
    started = time.monotonic()
    path = Path(path)
    run = ImportRun(origin=origin, user=user, file_name=file_name or path.name)
    try:
        plan = leg_import_plan(
            path=path, file_name=run.file_name, progress=progress, max_bytes=max_bytes
        )
    except ImportFileError as error:
        run.status = RunStatus.REFUSED
        run.sha256 = file_sha256(path) if path.exists() else ""
        run.file_size = path.stat().st_size if path.exists() else 0
        run.message = str(error)
        run.error_count = 1
        run.report = [Issue(1, "", run.file_name, str(error)).as_dict()]
        run.duration = time.monotonic() - started
        run.save()
        return run
    run.sha256, run.file_size = plan.sha256, plan.size
    _record_counts(run, plan)
    run.changes = plan.change_samples()
    if plan.refused:
        run.status = RunStatus.REFUSED
        run.message = "Die Datei enthält Fehler; es wurde nichts importiert."
    elif keep_file:
        run.status = RunStatus.PREVIEW
        run.stored_file = str(path)
        run.plan_fingerprint = plan.fingerprint()
    elif dry_run:
        run.status = RunStatus.DRY_RUN
    else:
        progress("Schreiben")
        _apply_into(run, plan, user=user)
    run.duration = time.monotonic() - started
    try:
        run.save()
    except DatabaseError:
        if run.status != RunStatus.FAILED:
            raise
        # The database went away while writing: the run was recorded as failed before the
        # write began (_apply_into), and stays so; the caller still gets the reason.
        run.message += " Das Ergebnis ließ sich nicht speichern; der Lauf bleibt als fehlgeschlagen verzeichnet."
    return run


def _apply_into(run: ImportRun, plan: ImportPlan, *, user) -> None:
    """Apply the plan and set the run's outcome; a database error leaves nothing written.

    The run is saved first (as failed, until it succeeds), so its history entries can name it.
    """
    if run.pk is None:
        run.status = RunStatus.FAILED
        run.message = "Der Import wurde abgebrochen."
        run.save()
    try:
        # The outcome commits with the data: never written rows under a run marked failed.
        with transaction.atomic():
            leg_import_apply(plan, user=user, run=run)
            run.status = RunStatus.IMPORTED
            run.message = ""
            run.save(update_fields=["status", "message", "applied_at"])
    except DatabaseError as error:
        run.applied_at = None  # rolled back with everything else
        run.status = RunStatus.FAILED
        run.message = f"Datenbankfehler, nichts wurde geschrieben: {error}"


class PreviewOutdated(Exception):
    """The file or the database changed since the preview; a new preview was made."""

    def __init__(self, new_run):
        super().__init__("Die Daten haben sich seit der Vorschau geändert.")
        self.new_run = new_run


@_gc_paused()
def leg_import_confirm(*, run: ImportRun, user) -> ImportRun:
    """Carry out a previewed run exactly as previewed, or refuse with a fresh preview.

    The run is locked, so two confirmations of one preview cannot both write. Whatever the
    outcome, the run lets go of its stored file unless a fresh preview took it over.
    """
    started = time.monotonic()
    refusal = None
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.PREVIEW or not run.stored_file:
            raise ValueError("Dieser Importlauf wartet nicht auf eine Bestätigung.")
        path = Path(run.stored_file)
        if not path.exists() or file_sha256(path) != run.sha256:
            run.status = RunStatus.SUPERSEDED
            run.message = "Die gespeicherte Datei fehlt oder wurde verändert."
            import_run_release_file(run=run)
            refusal = ValueError(run.message)
        else:
            plan = leg_import_plan(path=path, file_name=run.file_name)
            if plan.refused or plan.fingerprint() != run.plan_fingerprint:
                run.status = RunStatus.SUPERSEDED
                run.message = (
                    "Die Daten haben sich seit der Vorschau geändert; neue Vorschau erstellt."
                )
                run.stored_file = ""
                run.save()
                new_run = leg_import_run(
                    path=path, file_name=run.file_name, user=user, origin=run.origin, keep_file=True
                )
                if new_run.status != RunStatus.PREVIEW:
                    stored_upload_remove(path)
                refusal = PreviewOutdated(new_run)
            else:
                _apply_into(run, plan, user=user)
                run.duration = (run.duration or 0) + time.monotonic() - started
                run.user = user
                import_run_release_file(run=run)  # a failed run cannot be confirmed again
    if refusal is not None:
        raise refusal
    return run


def import_run_discard(*, run: ImportRun, message: str = "") -> None:
    """Discard a preview: the run becomes SUPERSEDED and its stored file is deleted."""
    if run.status != RunStatus.PREVIEW:
        raise ValueError("Dieser Importlauf ist keine offene Vorschau.")
    run.status = RunStatus.SUPERSEDED
    run.message = message or "Vorschau verworfen; es wurde nichts importiert."
    import_run_release_file(run=run)


def import_run_release_file(*, run: ImportRun) -> bool:
    """Delete the file a run kept, forget it and save the run; True if a file was deleted."""
    removed = stored_upload_remove(run.stored_file)
    run.stored_file = ""
    run.save()
    return removed


def stored_upload_remove(path) -> bool:
    """Delete a stored upload; True if there was a file to delete."""
    if not path:
        return False
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return False
    return True
