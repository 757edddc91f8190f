"""The page of a run the background worker is on: stage, rows done of how many, a progress
bar that refreshes itself (``<meta http-equiv="refresh">``, no JavaScript needed)."""

import time

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .choices import RunStatus
from .progress import fail_stale_runs, read

REFRESH_SECONDS = 2


def is_background(run) -> bool:
    return run.status in (RunStatus.QUEUED, RunStatus.RUNNING)


def progress_context(run) -> dict:
    """What the progress page shows: stage, rows done, of how many (None: not known yet)."""
    state = read(run.pk) if run.status == RunStatus.RUNNING else {}
    total = state.get("total")
    done = state.get("done") or 0
    if total is not None:
        done = min(done, total)
    waiting = run.status == RunStatus.QUEUED
    return {
        "stage": state.get("stage") or (_("Wartet auf den Hintergrundprozess") if waiting else ""),
        "done": done,
        "total": total,
        "waiting": waiting,
        "waiting_long": waiting
        and time.time() - run.started_at.timestamp() > settings.LEG_IMPORT_WORKER_TIMEOUT,
        "refresh": REFRESH_SECONDS,
    }


def progress_page(request, context, run):
    """The running run's page; a worker that died is noticed here and its run failed."""
    if fail_stale_runs([run]):
        return None
    return TemplateResponse(
        request,
        "admin/imports/importrun/progress.html",
        {**context, "run": run, "progress": progress_context(run)},
    )
