"""``manage.py import_leg PATH [--dry-run]``: import a LEG export (CSV or XLSX)."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import cache as portal_cache
from imports.choices import RunStatus
from imports.services import DATABASE_ERRORS, database_error_message, leg_import_run


class Progress:
    """A progress bar on a terminal (tqdm), plain lines elsewhere."""

    def __init__(self, stream, interactive):
        self.stream = stream
        self.interactive = interactive
        self.stage = None
        self.bar = None
        self.last_line = 0

    def __call__(self, stage, done=0, total=None):
        if stage != self.stage:
            self.close()
            self.stage = stage
            if self.interactive:
                from tqdm import tqdm

                self.bar = tqdm(desc=stage, unit=" Zeilen", file=self.stream, leave=False)
            else:
                self.stream.write(f"{stage} …\n")
        if self.bar is not None and done:
            self.bar.update(done - self.bar.n)
        elif not self.interactive and done and done - self.last_line >= 10_000:
            self.last_line = done
            self.stream.write(f"  {done} Zeilen\n")

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def unseen_line(run) -> str:
    """Rows skipped unseen (``imports.digest``) and where their warnings stand."""
    line = f"  davon ungeprüft:    {run.unseen} (seit dem letzten Import unverändert)"
    if run.unseen_warning_runs:
        runs = ", ".join(f"#{pk}" for pk in run.unseen_warning_runs)
        line += f"; ihre Warnungen im Bericht von Lauf {runs}"
    return line


class Command(BaseCommand):
    help = (
        "Importiert einen Export der LEG-Unternehmensdatenbank (CSV oder XLSX). Bei einem Fehler "
        "in irgendeiner Zeile wird nichts geschrieben (Exit-Status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV- oder XLSX-Datei")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="alles prüfen und zählen, aber nichts schreiben",
        )
        parser.add_argument(
            "--max-mb",
            type=int,
            default=None,
            help="größte zulässige Datei in MB (Vorgabe: LEG_IMPORT_COMMAND_MAX_BYTES, 200 MB)",
        )

    def handle(self, *args, path, dry_run, max_mb, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {path}")
        interactive = sys.stderr.isatty() and options.get("verbosity", 1) > 0
        progress = Progress(self.stderr._out, interactive)
        max_bytes = max_mb * 1024 * 1024 if max_mb else settings.LEG_IMPORT_COMMAND_MAX_BYTES
        lost_invalidations = portal_cache.lost_invalidations()
        try:
            run = leg_import_run(
                path=path, dry_run=dry_run, progress=progress, max_bytes=max_bytes
            )
        except DATABASE_ERRORS as error:
            progress.close()
            raise CommandError(
                f"Der Import wurde abgebrochen. {database_error_message(error)}"
            ) from error
        progress.close()

        for issue in run.report:
            line = f"row {issue['row']}, column {issue['column']}: '{issue['value']}': {issue['message']}"
            if issue["severity"] == "error":
                self.stderr.write(line)
            else:
                self.stdout.write(self.style.WARNING(f"Warnung: {line}"))
        self.stdout.write(self.summary(run))
        if portal_cache.lost_invalidations() != lost_invalidations:
            # The data is written (or refused) all the same: the exit status describes the data.
            self.stderr.write(
                "Warnung: Der Seiten-Cache war nicht erreichbar und konnte nicht erneuert werden; "
                "öffentliche Seiten können den alten Stand zeigen, bis er wieder erreichbar ist "
                "(dann erneuern ihn die App-Server) oder bis `manage.py invalidate_cache` läuft."
            )
        if run.status in (RunStatus.REFUSED, RunStatus.FAILED):
            self.stderr.write(run.message or "Die Datei wurde abgelehnt.")
            sys.exit(1)

    def summary(self, run):
        verdict = {
            RunStatus.IMPORTED: "importiert",
            RunStatus.DRY_RUN: "Probelauf: würde so importiert, nichts geschrieben",
            RunStatus.REFUSED: "abgelehnt, nichts geschrieben",
            RunStatus.FAILED: "fehlgeschlagen, nichts geschrieben",
        }[run.status]
        lines = [
            f"{run.file_name}: {verdict}",
            f"  Zeilen:             {run.rows}",
            f"  neu:                {run.created}",
            f"  geändert:           {run.updated}",
            f"  unverändert:        {run.unchanged}",
            f"  nicht in der Datei: {run.not_in_file}",
        ]
        if run.unseen:
            lines.append(unseen_line(run))
        if run.key_figures_created or run.key_figures_updated or run.key_figures_unchanged:
            lines.append(
                f"  Kennzahlen:         {run.key_figures_created} neu, {run.key_figures_updated} "
                f"geändert, {run.key_figures_unchanged} unverändert"
            )
        lines += [
            f"  Warnungen:          {run.warning_count}",
            f"  Fehler:             {run.error_count}",
            f"  Dauer:              {run.duration:.2f} s",
        ]
        return "\n".join(lines)
