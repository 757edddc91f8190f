"""Progress of background imports: stage, rows done and of how many, and the worker's heartbeat.

The worker writes them to the cache (shared by every process: the file cache in development,
Redis in production), never to the run's row: the confirmation writes inside one transaction
that holds the run locked, so nothing written to the database during it would be visible
before the end. A ``Heartbeat`` thread refreshes the time stamp every few seconds while a job
runs, whatever the job is doing. A run whose worker gave no sign of life for
``LEG_IMPORT_WORKER_TIMEOUT`` seconds is failed (``fail_stale_runs``: at every worker start and
whenever its page is shown), never left "running".
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .choices import RunStatus
from .models import ImportRun

BEAT_SECONDS = 2
_KEY = "imports:progress:{}"
_KEPT = 24 * 60 * 60


def _key(run_id) -> str:
    return _KEY.format(run_id)


def read(run_id) -> dict:
    """``{"stage", "done", "total", "at"}`` of the run, or {} if the worker wrote none."""
    return cache.get(_key(run_id)) or {}


class Progress:
    """The progress callback of one background job (``progress(stage, done=0, total=None)``,
    as ``leg_import_run`` calls it). ``total`` is kept until a stage names another."""

    def __init__(self, run_id, total=None):
        self.run_id = run_id
        self.state = {"stage": "", "done": 0, "total": total, "at": time.time()}
        self._lock = threading.Lock()

    def __call__(self, stage, done=0, total=None):
        with self._lock:
            if total is not None:
                self.state["total"] = total
            self.state.update(stage=stage, done=done, at=time.time())
            cache.set(_key(self.run_id), dict(self.state), _KEPT)

    def beat(self):
        with self._lock:
            self.state["at"] = time.time()
            cache.set(_key(self.run_id), dict(self.state), _KEPT)


class Heartbeat:
    """While the ``with`` block runs, a thread refreshes the progress's time stamp."""

    def __init__(self, progress: Progress, seconds=BEAT_SECONDS):
        self.progress = progress
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="import-heartbeat", daemon=True)

    def _run(self):
        while not self._stop.wait(self.seconds):
            self.progress.beat()

    def __enter__(self):
        self.progress.beat()
        self._thread.start()
        return self.progress

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def is_stale(run: ImportRun, now=None) -> bool:
    """A running run whose worker gave no sign of life for ``LEG_IMPORT_WORKER_TIMEOUT``."""
    if run.status != RunStatus.RUNNING:
        return False
    now = now or time.time()
    timeout = settings.LEG_IMPORT_WORKER_TIMEOUT
    last = read(run.pk).get("at")
    if last is None:
        started = run.worker_started_at or run.started_at
        last = started.timestamp() if started else 0
    return now - last > timeout


STALE_MESSAGE = (
    "Der Hintergrundprozess hat die Arbeit abgebrochen (keine Rückmeldung seit %(seconds)s "
    "Sekunden); es wurde nichts geschrieben. Bitte die Datei erneut hochladen."
)


def fail_stale_runs(runs=None) -> int:
    """Mark the running runs whose worker died as failed; their stored files are deleted.

    Nothing of theirs was written: the write is one transaction, rolled back with the worker's
    connection."""
    from .services import import_run_release_file

    if runs is None:
        runs = ImportRun.objects.filter(status=RunStatus.RUNNING)
    failed = 0
    now = time.time()
    for run in runs:
        if not is_stale(run, now):
            continue
        updated = ImportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            message=STALE_MESSAGE % {"seconds": settings.LEG_IMPORT_WORKER_TIMEOUT},
        )
        if updated:
            run.refresh_from_db()
            import_run_release_file(run=run)
            failed += 1
    return failed


def started(run_id) -> bool:
    """Claim a queued run for this worker: status running, start time now. False if the run
    is no longer waiting (discarded, or claimed by another worker)."""
    return bool(
        ImportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, worker_started_at=timezone.now()
        )
    )
