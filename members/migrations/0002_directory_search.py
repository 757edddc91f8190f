"""The member directory's search on PostgreSQL (on SQLite only the unused column is added).

``search_vector`` holds name, town and keywords as a German full-text document. A trigger
keeps it current on every insert and update, so the LEG import's COPY and the admin fill it
alike, and searching and ranking read it instead of parsing text row by row. Trigram indexes
serve the typo-tolerant match on name and town; an index in the directory's order serves
"most employees first" (no values last). None of these are in the model's Meta because
SQLite cannot build them.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models import F

TRIGGER_FUNCTION = "members_organisation_search_vector_update"
TABLE = "members_organisation"


def directory_indexes():
    return [
        GinIndex(fields=["search_vector"], name="organisation_search_fts"),
        GinIndex(OpClass("name", name="gin_trgm_ops"), name="organisation_name_trgm"),
        GinIndex(OpClass("town", name="gin_trgm_ops"), name="organisation_town_trgm"),
        django.db.models.Index(
            F("employees").desc(nulls_last=True), F("id").asc(), name="organisation_employees_desc"
        ),
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE TRIGGER {TRIGGER_FUNCTION}
        BEFORE INSERT OR UPDATE OF name, town, keywords ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION
        tsvector_update_trigger(search_vector, 'pg_catalog.german', name, town, keywords)
        """
    )
    schema_editor.execute(
        f"UPDATE {TABLE} SET search_vector = to_tsvector('pg_catalog.german', "
        "coalesce(name, '') || ' ' || coalesce(town, '') || ' ' || coalesce(keywords, ''))"
    )
    organisation = apps.get_model("members", "Organisation")
    for index in directory_indexes():
        schema_editor.add_index(organisation, index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    organisation = apps.get_model("members", "Organisation")
    for index in directory_indexes():
        schema_editor.remove_index(organisation, index)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER_FUNCTION} ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False,
                help_text="Name, Ort und Schlagworte für die Volltextsuche; PostgreSQL pflegt ihn selbst.",
                null=True,
                verbose_name="Suchindex",
            ),
        ),
        TrigramExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
