"""Create the PostgreSQL database that DATABASE_URL names, if it does not exist yet.

SQLite creates its file by itself; for it this command does nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Legt die PostgreSQL-Datenbank aus DATABASE_URL an, falls sie fehlt."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            return
        import psycopg
        from psycopg import sql

        params = connection.get_connection_params()
        name = connection.settings_dict["NAME"]
        params.pop("dbname", None)
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                exists = admin.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    self.stdout.write(f"Datenbank {name} angelegt.")
        except psycopg.OperationalError as error:
            raise CommandError(f"PostgreSQL ist nicht erreichbar: {error}") from error
