from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def keep_sqlite_search_index(sender, using="default", **kwargs):
    """post_migrate: on SQLite, put back the FTS5 triggers a table rebuild may have dropped."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from .search import sqlite_install

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("members", "0007_german_search") in applied:
        sqlite_install(connection)


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Mitglieder")

    def ready(self):
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="members_sqlite_fold")
        post_migrate.connect(keep_sqlite_search_index, sender=self, dispatch_uid="members_fts")
