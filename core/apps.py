from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    """Finds the template tag library (``portal``) and owns the German collation (migration
    0001 on PostgreSQL, registered on every SQLite connection); ``core.models`` holds only
    abstract models."""

    name = "core"

    def ready(self):
        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="core_sqlite_german")
