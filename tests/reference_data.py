"""The ThCM reference data in the test database (see ``tests/conftest.py``)."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

# The apps whose tables hold the ThCM reference data (fixtures/reference/*.yaml) and only it
# when a test begins: growth fields, key figures and their sources, networks, their aliases and
# declared counts, with history and link tables.
REFERENCE_APPS = ("growthfields", "networks")


class ReferenceData:
    """The reference data of the test database: loaded once per session (``manage.py
    load_reference_data``, which parses the YAML files), kept in memory as rows, and written
    back in bulk after a transactional test's flush has emptied the tables."""

    rows = []  # (model, field names, rows)

    @staticmethod
    def models():
        return [
            model
            for label in REFERENCE_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        ]

    @classmethod
    def load(cls):
        call_command("load_reference_data", stdout=StringIO())
        cls.rows = []
        for model in cls.models():
            fields = [field.attname for field in model._meta.concrete_fields]
            cls.rows.append((model, fields, list(model._base_manager.values_list(*fields))))

    @classmethod
    def restore(cls):
        """The rows ``load`` found, inserted again into the emptied tables."""
        with transaction.atomic():  # foreign keys are checked at the end, whatever the order
            for model, fields, rows in cls.rows:
                model._base_manager.bulk_create(
                    [model(**dict(zip(fields, row, strict=True))) for row in rows]
                )
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), cls.models()):
                    cursor.execute(statement)

    @classmethod
    def delete(cls):
        """Empty the reference apps' tables (inside a test, its transaction undoes this; one
        transaction, as foreign keys are checked at its end)."""
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for model in cls.models():
                cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
