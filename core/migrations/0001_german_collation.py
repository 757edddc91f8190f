"""The German collation (DIN 5007-1) every sorted name uses; see core/collation.py.

PostgreSQL: an ICU collation. SQLite: nothing to create (the collation is registered on every
connection).
"""

from django.db import migrations

from core.collation import GERMAN, create_collation_sql


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(create_collation_sql())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{GERMAN}"')


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
