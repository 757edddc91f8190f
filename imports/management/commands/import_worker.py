"""``manage.py import_worker``: the task worker for large back-office imports.

Django-tasks' ``db_worker`` (same options: ``--batch``, ``--interval``, ``--max-tasks`` …),
after failing the runs a dead worker left "running" (``imports.progress.fail_stale_runs``).
Run exactly one (``make run`` starts it beside the development server; production: see
docs/operations.md): background imports are taken one at a time.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from imports.progress import fail_stale_runs


class Command(DatabaseWorkerCommand):
    help = "Runs the background imports (and other tasks) queued in the database, one at a time."

    def handle(self, *args, **options):
        failed = fail_stale_runs()
        if failed:
            self.stderr.write(f"{failed} abgebrochene(r) Importlauf/-läufe als fehlgeschlagen markiert.")
        return super().handle(*args, **options)
