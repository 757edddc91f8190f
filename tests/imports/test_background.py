"""Large back-office imports in the background (``imports.tasks``): a file above
``LEG_IMPORT_BACKGROUND_BYTES`` is queued for the worker, its upload and its confirmation return
at once, the run's page shows a self-refreshing progress bar, the worker writes exactly what the
preview showed, and a worker that dies leaves its run failed with nothing written."""

import time
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from imports import progress, tasks
from imports.choices import BackgroundJob, RunStatus
from imports.models import ImportRun
from members.models import Organisation
from tests.imports import test_admin_import as admin_tests
from tests.imports.test_admin_import import confirm, leg_csv, leg_row, upload_run

pytestmark = pytest.mark.django_db

upload_dir = admin_tests.upload_dir

ROWS = [leg_row(f"TH-{n:06d}", Name=f"Firma {n} GmbH") for n in range(1, 41)]


@pytest.fixture
def large(settings):
    """Every upload above 1 kB counts as large."""
    settings.LEG_IMPORT_BACKGROUND_BYTES = 1024
    return leg_csv(*ROWS)


def page(client, run):
    return client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))


def run_worker_job():
    """What the worker does with the oldest queued job (in this test's transaction)."""
    job = DBTaskResult.objects.order_by("enqueued_at").filter(status="READY").first()
    assert job is not None
    job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
    job.delete()


def test_a_large_upload_is_queued_and_its_page_refreshes_itself(
    superuser_client, upload_dir, large
):
    """The upload plans nothing in the request: the run waits for the worker, a job is queued,
    and the page says so with a <progress> bar and a meta refresh (no JavaScript)."""
    assert len(large) > 1024
    run = upload_run(superuser_client, large)

    assert run.status == RunStatus.QUEUED
    assert run.background == BackgroundJob.PREVIEW
    assert run.rows == 0 and run.created == 0  # not planned yet
    assert DBTaskResult.objects.count() == 1
    response = page(superuser_client, run)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html
    assert "Wartet auf den Hintergrundprozess" in html


def test_the_worker_previews_then_writes_after_confirmation(superuser_client, upload_dir, large):
    """The worker makes the preview; the confirmation returns at once (nothing written yet);
    the worker then writes exactly the preview's rows."""
    run = upload_run(superuser_client, large)
    run_worker_job()
    run.refresh_from_db()
    assert (run.status, run.created) == (RunStatus.PREVIEW, 40)
    assert "Import bestätigen" in page(superuser_client, run).content.decode()

    response = confirm(superuser_client, run)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importrun_preview", args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.background) == (RunStatus.QUEUED, BackgroundJob.CONFIRM)
    assert Organisation.objects.count() == 0
    assert "<progress" in page(superuser_client, run).content.decode()

    run_worker_job()

    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED, run.message
    assert Organisation.objects.count() == 40
    assert run.stored_file == ""
    assert not list(Path(upload_dir).iterdir())


def test_the_page_shows_the_workers_progress(superuser_client, upload_dir, large):
    """While the worker runs, the page shows its stage and rows done of how many."""
    run = upload_run(superuser_client, large)
    assert progress.started(run.pk)
    progress.Progress(run.pk, total=40)("Zeilen prüfen", 20)

    html = page(superuser_client, run).content.decode()

    assert 'max="40" value="20"' in html
    assert "20 von etwa 40 Zeilen" in html
    assert "Zeilen prüfen" in html


def test_the_worker_reports_stage_and_rows_while_it_cleans(superuser_client, upload_dir, large):
    """The worker's progress callback receives the cleaning's rows and the file's row count."""
    upload_run(superuser_client, large)
    seen = []
    original = progress.Progress.__call__

    def recording(self, stage, done=0, total=None):
        original(self, stage, done, total)
        seen.append((self.state["stage"], self.state["done"], self.state["total"]))

    with mock.patch.object(progress.Progress, "__call__", recording):
        run_worker_job()

    assert ("Zeilen prüfen", 40, 40) in seen


def test_a_dead_workers_run_becomes_failed_when_its_page_is_shown(
    superuser_client, upload_dir, large, settings
):
    """A run 'running' without a heartbeat for longer than LEG_IMPORT_WORKER_TIMEOUT is failed
    with a message when its page is viewed; its stored file is deleted, nothing written."""
    settings.LEG_IMPORT_WORKER_TIMEOUT = 60
    run = upload_run(superuser_client, large)
    assert progress.started(run.pk)
    progress.Progress(run.pk, total=40)("Schreiben")
    with mock.patch.object(progress.time, "time", return_value=time.time() + 61):
        html = page(superuser_client, run).content.decode()

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "keine Rückmeldung seit 60 Sekunden" in run.message
    assert "<progress" not in html
    assert run.message in html
    assert run.stored_file == "" and not list(Path(upload_dir).iterdir())
    assert Organisation.objects.count() == 0


def test_a_live_workers_run_is_not_failed(superuser_client, upload_dir, large, settings):
    """A heartbeat within the timeout keeps the run running."""
    settings.LEG_IMPORT_WORKER_TIMEOUT = 60
    run = upload_run(superuser_client, large)
    assert progress.started(run.pk)
    progress.Progress(run.pk)("Schreiben")
    with mock.patch.object(progress.time, "time", return_value=time.time() + 30):
        assert progress.fail_stale_runs() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_the_worker_command_fails_stale_runs_before_it_starts(upload_dir, large, settings):
    """``import_worker`` marks a run left 'running' by a dead worker failed, then works."""
    settings.LEG_IMPORT_WORKER_TIMEOUT = 0
    run = ImportRun.objects.create(
        status=RunStatus.RUNNING, origin="admin", file_name="x.csv", sha256=""
    )
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.Command.handle", return_value=None
    ):
        time.sleep(0.01)
        call_command("import_worker", "--batch", stderr=StringIO())
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_a_failing_job_leaves_the_run_failed_and_nothing_written(
    superuser_client, upload_dir, large
):
    """An error inside the worker's write rolls the write back and fails the run."""
    run = upload_run(superuser_client, large)
    run_worker_job()
    confirm(superuser_client, run)
    with mock.patch.object(tasks, "leg_import_confirm", side_effect=RuntimeError("kaputt")):
        run_worker_job()

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "kaputt" in run.message
    assert Organisation.objects.count() == 0


def test_a_small_upload_is_still_previewed_in_the_request(superuser_client, upload_dir, settings):
    """Below the limit nothing changes: the preview is made at once, no job queued."""
    settings.LEG_IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    run = upload_run(superuser_client, leg_csv(*ROWS))
    assert (run.status, run.created) == (RunStatus.PREVIEW, 40)
    assert DBTaskResult.objects.count() == 0


def test_the_upload_cleanup_keeps_the_files_the_worker_still_needs(
    superuser_client, upload_dir, large
):
    """``cleanup_import_uploads`` leaves the stored file of a queued or running run alone."""
    queued = upload_run(superuser_client, large)
    running = upload_run(superuser_client, large)
    assert progress.started(running.pk)

    call_command("cleanup_import_uploads", stdout=StringIO())

    for run in (queued, running):
        run.refresh_from_db()
        assert run.stored_file and Path(run.stored_file).exists()
