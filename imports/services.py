"""The LEG import's runs: one engine for the command line and the back office.

A run goes run → plan → apply. ``leg_import_run`` makes the plan (``imports.plan``: read,
check, compare; nothing written), records an ``ImportRun`` and, unless the plan is refused, a
dry run or a preview, applies it with ``leg_import_apply``: the company sheet
(``imports.companies``) and the key-figure sheet (``imports.keyfigures``), in one transaction.
``leg_import_confirm`` carries out a previewed run from the back office, exactly as previewed;
``import_run_discard`` and ``import_run_release_file`` end a preview.
"""

import gc
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import cache as portal_cache

from . import keyfigures
from .choices import RunOrigin, RunStatus
from .companies import PlanOutdated, apply_companies
from .issues import Issue
from .models import ImportRun
from .plan import ImportPlan, _noop, file_sha256, leg_import_plan
from .reading import ImportFileError

__all__ = [
    "ImportPlan",
    "PreviewOutdated",
    "file_sha256",
    "import_run_discard",
    "import_run_release_file",
    "leg_import_apply",
    "leg_import_confirm",
    "leg_import_plan",
    "leg_import_run",
    "stored_upload_remove",
]


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


# The key of PostgreSQL's advisory lock held by the import that writes (any 64-bit number
# no other code uses; "LEG" in ASCII).
IMPORT_LOCK_KEY = 0x4C4547


def before_write() -> None:
    """Called between the plan and the write, outside any lock: a hook for tests that change
    the database while an import is under way."""


def _import_lock(run: ImportRun, progress=_noop) -> None:
    """One import writes at a time. On PostgreSQL a transaction-level advisory lock: a second
    import waits for the first to commit (at most ``LEG_IMPORT_LOCK_WAIT`` seconds, then a
    ``DatabaseError`` fails the run with a German message). On SQLite the run's first write
    takes the database's write lock, which serialises writers anyway; from here on the rows
    the plan read cannot change under the import."""
    if connection.vendor != "postgresql":
        ImportRun.objects.filter(pk=run.pk).update(applied_at=None)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        if cursor.fetchone()[0]:
            return
        progress("Warten auf einen anderen Import")
        wait = int(settings.LEG_IMPORT_LOCK_WAIT * 1000)
        cursor.execute(f"SET LOCAL lock_timeout = {wait}")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        cursor.execute("SET LOCAL lock_timeout TO DEFAULT")


@transaction.atomic
def leg_import_apply(plan: ImportPlan, *, run: ImportRun, user=None, progress=_noop) -> None:
    """Write a plan: set-based, in one transaction, with history entries written in bulk.

    Every history entry names the (saved) ``run`` ("LEG-Import #12"), and the run records
    when it wrote and which growth-field links it added, so it can be taken back
    (``imports.revert``). Every organisation the import updates gets ``version + 1``, so a
    back-office form opened before the import cannot overwrite it.

    Bulk writes send no model signals, so the pages' cached figures and counts are made stale
    here, when the transaction commits: until then visitors read the old data anyway, and
    the cached pages keep being served while the import writes.

    The import takes its lock first (``_import_lock``), then checks that every organisation
    it updates still has the version the plan read (``companies.PlanOutdated`` otherwise),
    and dates its history entries at the time of the write, after any wait for the lock."""
    before_write()
    _import_lock(run, progress)
    now = timezone.now()
    portal_cache.invalidate_on_commit()
    run.applied_at = now
    if connection.vendor == "postgresql":
        # The transaction stays atomic; only the wait for the WAL flush at commit is skipped.
        # Foreign keys are checked as rows arrive rather than queued for the commit (faster).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    history = {"now": now, "user": user, "reason": run.history_reason}
    if plan.company and plan.company.writes:
        apply_companies(plan.company, run=run, **history)
    if plan.key_figures and plan.key_figures.writes:
        keyfigures.apply_key_figures(plan.key_figures, file_name=run.file_name, **history)
    if plan.company and plan.digests:
        plan.digests.record(run=run, issues=plan.issues)


def _record_counts(run: ImportRun, plan: ImportPlan) -> None:
    run.rows = plan.rows
    run.report = [issue.as_dict() for issue in plan.issues]
    run.error_count = plan.issues.error_count
    run.warning_count = plan.issues.warning_count
    run.issue_totals = plan.issues.summary() if plan.issues.truncated else []
    if plan.company:
        run.created = len(plan.company.created)
        run.updated = len(plan.company.updated)
        run.unchanged = plan.company.unchanged
        run.not_in_file = plan.company.not_in_file
    if plan.digests:
        run.unseen = plan.digests.unseen
        run.unseen_warning_runs = sorted(filter(None, plan.digests.warning_runs))
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
    run: ImportRun | None = None,
) -> ImportRun:
    """Plan and, unless refused or a dry run, apply an import; always record the run.

    With ``keep_file`` (the back office's preview) the run stays a preview and remembers the
    stored file and the plan's fingerprint for ``leg_import_confirm``. ``run`` is a run queued
    for the background worker (``imports.tasks``) to fill in, instead of a new one.
    """
    started = time.monotonic()
    path = Path(path)
    if run is None:
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
        _apply_into(run, plan, user=user, progress=progress)
    run.duration = time.monotonic() - started
    try:
        run.save()
    except DATABASE_ERRORS:
        if run.status != RunStatus.FAILED:
            raise
        # The database went away while writing: the run was recorded as failed before the
        # write began (_apply_into), and stays so; the caller still gets the reason.
        run.message += " Das Ergebnis ließ sich nicht speichern; der Lauf bleibt als fehlgeschlagen verzeichnet."
    return run


# Django's errors, and the driver's own should one ever pass Django's wrapper (the raw COPY
# cursor's did: ``writers._copy``).
DATABASE_ERRORS = (DatabaseError, connection.Database.Error)


def database_error_message(error) -> str:
    """A database error as staff read it: German, the database's own words after it."""
    reason = " ".join(str(error).split()) or type(error).__name__
    if "lock timeout" in reason or "LockNotAvailable" in type(error).__name__:
        return (
            f"Ein anderer Import schreibt seit mehr als {settings.LEG_IMPORT_LOCK_WAIT} s; "
            "nichts wurde geschrieben. Bitte später erneut versuchen."
        )
    if "database is locked" in reason:
        return (
            "Die Datenbank ist durch einen anderen Schreibvorgang (z. B. einen zweiten Import) "
            "belegt; nichts wurde geschrieben. Bitte erneut versuchen."
        )
    return f"Datenbankfehler, nichts wurde geschrieben: {reason}"


def _apply_into(run: ImportRun, plan: ImportPlan, *, user, progress=_noop) -> None:
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
            leg_import_apply(plan, user=user, run=run, progress=progress)
            run.status = RunStatus.IMPORTED
            run.message = ""
            run.save(update_fields=["status", "message", "applied_at"])
    except PlanOutdated as outdated:
        run.applied_at = None
        run.status = RunStatus.FAILED
        run.message = str(outdated)
    except DATABASE_ERRORS as error:
        run.applied_at = None  # rolled back with everything else
        run.status = RunStatus.FAILED
        run.message = database_error_message(error)


class PreviewOutdated(Exception):
    """The file or the database changed since the preview; a new preview was made."""

    def __init__(self, new_run):
        super().__init__("Die Daten haben sich seit der Vorschau geändert.")
        self.new_run = new_run


@_gc_paused()
def leg_import_confirm(*, run: ImportRun, user, progress=_noop) -> ImportRun:
    """Carry out a previewed run exactly as previewed, or refuse with a fresh preview.

    The run is locked, so two confirmations of one preview cannot both write. Whatever the
    outcome, the run lets go of its stored file unless a fresh preview took it over.
    """
    try:
        return _confirm(run=run, user=user, progress=progress)
    except DATABASE_ERRORS as error:
        return _confirm_failed(run, database_error_message(error))


def _confirm_failed(run: ImportRun, message: str) -> ImportRun:
    """A confirmation a database error stopped: the run is failed (never left a preview), its
    file released; if even that cannot be saved, the caller still gets the message."""
    run.status, run.message = RunStatus.FAILED, message
    try:
        stored = ImportRun.objects.filter(pk=run.pk).values_list("stored_file", flat=True)
        stored_upload_remove(stored.first() or run.stored_file)
        run.stored_file = ""
        ImportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, message=message, stored_file=""
        )
    except DATABASE_ERRORS:
        run.message += " Das Ergebnis ließ sich nicht speichern."
    return run


def _confirm(*, run: ImportRun, user, progress) -> ImportRun:
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
            plan = leg_import_plan(path=path, file_name=run.file_name, progress=progress)
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
                progress("Schreiben")
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
