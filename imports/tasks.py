"""Large back-office imports in the background: Django's tasks API (django-tasks, database
backend), run by ``manage.py import_worker`` (``db_worker`` after failing stale runs).

A file above ``LEG_IMPORT_BACKGROUND_BYTES`` is stored and its run queued (``leg_import_enqueue``):
the request returns at once and the run's page shows the worker's progress
(``imports.progress``). The worker makes the preview exactly as the request would have; the
confirmation is queued as well (``leg_import_confirm_enqueue``) and written by the worker in one
transaction (``services.leg_import_confirm``). One worker process takes one job at a time.
A job that fails leaves its run failed with the reason; a worker that dies leaves it to
``progress.fail_stale_runs``.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task

from .choices import BackgroundJob, RunOrigin, RunStatus
from .models import ImportRun
from .progress import Heartbeat, Progress, fail_stale_runs, started
from .services import (
    PreviewOutdated,
    import_run_release_file,
    leg_import_confirm,
    leg_import_run,
)

logger = logging.getLogger(__name__)


def in_background(size: int) -> bool:
    """Whether a back-office file of ``size`` bytes goes to the worker."""
    return size > settings.LEG_IMPORT_BACKGROUND_BYTES


@transaction.atomic
def leg_import_enqueue(*, path: Path, file_name: str, user, origin=RunOrigin.ADMIN) -> ImportRun:
    """Queue the preview of a stored upload; the run waits for the worker."""
    path = Path(path)
    run = ImportRun.objects.create(
        status=RunStatus.QUEUED,
        background=BackgroundJob.PREVIEW,
        origin=origin,
        user=user,
        file_name=file_name or path.name,
        file_size=path.stat().st_size,
        stored_file=str(path),
    )
    leg_import_background.enqueue(run.pk)
    return run


@transaction.atomic
def leg_import_confirm_enqueue(*, run: ImportRun, user) -> ImportRun:
    """Queue the confirmation of a preview; the worker writes it as previewed."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.PREVIEW or not run.stored_file:
        raise ValueError("Dieser Importlauf wartet nicht auf eine Bestätigung.")
    run.status = RunStatus.QUEUED
    run.background = BackgroundJob.CONFIRM
    run.user = user
    run.worker_started_at = None
    run.save(update_fields=["status", "background", "user", "worker_started_at"])
    leg_import_background.enqueue(run.pk)
    return run


def _estimated_rows(path: Path):
    """Data rows of a CSV by its line breaks (quoted breaks make it an estimate); None for
    XLSX, whose rows are known only once read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data.startswith(b"PK"):
        return None
    return max(data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1, 0)


def _preview(run: ImportRun, progress: Progress) -> None:
    path = Path(run.stored_file)
    run = leg_import_run(
        path=path,
        file_name=run.file_name,
        user=run.user,
        origin=run.origin,
        keep_file=True,
        progress=progress,
        run=run,
    )
    if run.status != RunStatus.PREVIEW:
        import_run_release_file(run=run)


def _confirm(run: ImportRun, progress: Progress) -> None:
    outdated = None
    with transaction.atomic():
        # Back to a preview inside the write's transaction: readers see "running" until the end.
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.PREVIEW)
        try:
            leg_import_confirm(run=run, user=run.user, progress=progress)
        except PreviewOutdated as error:
            outdated = error
    if outdated is not None:
        ImportRun.objects.filter(pk=run.pk).update(
            message=(
                "Die Daten haben sich seit der Vorschau geändert; neue Vorschau: "
                f"Lauf #{outdated.new_run.pk}."
            )
        )


def _failed(run_id, error) -> None:
    run = ImportRun.objects.get(pk=run_id)
    if run.status in (RunStatus.RUNNING, RunStatus.PREVIEW, RunStatus.QUEUED):
        run.status = RunStatus.FAILED
        run.message = f"Der Import ist abgebrochen, nichts wurde geschrieben: {error}"
        import_run_release_file(run=run)


@task()
def leg_import_background(run_id: int) -> str:
    """The worker's job: the queued preview or confirmation of one run."""
    fail_stale_runs()
    if not started(run_id):
        return "not waiting"
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    progress = Progress(run_id, total=_estimated_rows(Path(run.stored_file)))
    try:
        with Heartbeat(progress):
            if run.background == BackgroundJob.CONFIRM:
                _confirm(run, progress)
            else:
                _preview(run, progress)
    except Exception as error:  # the run must never stay "running"
        logger.exception("Background import of run %s failed", run_id)
        _failed(run_id, error)
        return "failed"
    return ImportRun.objects.values_list("status", flat=True).get(pk=run_id)
