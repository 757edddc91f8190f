"""``manage.py cleanup_import_uploads``: delete the stored uploads nobody will confirm any more.

Run it daily (cron). It deletes the files of runs that are no longer a preview, discards
previews older than ``--older-than`` hours (24; also spelt ``--hours``) together with their
files, and deletes files in ``LEG_IMPORT_UPLOAD_DIR`` that no run refers to and that are older
than ``--grace-minutes`` (60; a file that young may belong to an upload whose preview is still
being made).

It also deletes the files the back office's import buttons (django-import-export) keep between
preview and confirm (``core.tmp_storage``) once they are older than ``--older-than``
hours: a confirmed import deletes its own file, so what is left that long belongs to a preview
nobody confirmed.
"""

import datetime
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.tmp_storage import abandoned_files
from imports.choices import RunStatus
from imports.forms import STORED_NAME
from imports.models import ImportRun
from imports.services import import_run_discard, import_run_release_file, stored_upload_remove


class Command(BaseCommand):
    help = (
        "Löscht gespeicherte LEG-Uploads: von abgeschlossenen Importläufen, von Vorschauen, "
        "die älter als 24 Stunden sind (die Vorschau wird verworfen), und verwaiste Dateien; "
        "dazu liegengebliebene Dateien der Import-Schaltflächen im Verwaltungsbereich."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            "--hours",
            dest="hours",
            type=float,
            default=24,
            help=(
                "Vorschauen und Importdateien, die älter sind (in Stunden), werden verworfen "
                "(Vorgabe: 24)"
            ),
        )
        parser.add_argument(
            "--grace-minutes",
            type=float,
            default=60,
            help="verwaiste Dateien erst löschen, wenn sie so alt sind (Vorgabe: 60)",
        )

    @transaction.atomic
    def handle(self, *args, hours, grace_minutes, **options):
        finished = released = expired = orphans = 0
        # Files of open previews and of runs the import worker has yet to finish are kept.
        waiting = (RunStatus.PREVIEW, RunStatus.QUEUED, RunStatus.RUNNING)
        for run in ImportRun.objects.exclude(stored_file="").exclude(status__in=waiting):
            path = run.stored_file
            if import_run_release_file(run=run):
                released += 1
                self.stdout.write(f"gelöscht: {path} (Importlauf {run.pk}, {run.status})")
            finished += 1

        cutoff = timezone.now() - datetime.timedelta(hours=hours)
        old_previews = ImportRun.objects.filter(status=RunStatus.PREVIEW, started_at__lt=cutoff)
        for run in old_previews.select_for_update():
            path = run.stored_file
            import_run_discard(
                run=run,
                message=f"Vorschau nach {hours:g} Stunden ohne Bestätigung verworfen.",
            )
            expired += 1
            self.stdout.write(f"verworfen: Vorschau {run.pk} „{run.file_name}“, {path} gelöscht")

        directory = Path(settings.LEG_IMPORT_UPLOAD_DIR)
        if directory.is_dir():
            kept = {
                Path(stored).name
                for stored in ImportRun.objects.exclude(stored_file="").values_list(
                    "stored_file", flat=True
                )
            }
            young = time.time() - grace_minutes * 60
            for path in sorted(directory.iterdir()):
                if (
                    STORED_NAME.match(path.name)
                    and path.is_file()
                    and path.name not in kept
                    and path.stat().st_mtime < young
                    and stored_upload_remove(path)
                ):
                    orphans += 1
                    self.stdout.write(f"verwaist, gelöscht: {path}")

        admin_files = 0
        for path in abandoned_files(older_than_hours=hours):
            path.unlink(missing_ok=True)
            admin_files += 1
            self.stdout.write(f"liegengeblieben, gelöscht: {path}")

        self.stdout.write(
            self.style.SUCCESS(
                f"{released} Datei(en) abgeschlossener Importläufe gelöscht "
                f"({finished} Importläufe bereinigt), {expired} alte Vorschau(en) verworfen, "
                f"{orphans} verwaiste Datei(en) gelöscht, {admin_files} liegengebliebene "
                "Importdatei(en) der Verwaltung gelöscht."
            )
        )
