"""Indexes for the member directory's search on PostgreSQL (nothing to do on SQLite).

The full-text index is built on the very expression members/search.py queries with, and the
trigram indexes serve the typo-tolerant match on name and town. They are not in the model's
Meta because SQLite cannot build them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from members.search import search_vector


def directory_search_indexes():
    return [
        GinIndex(search_vector(), name="organisation_search_fts"),
        GinIndex(OpClass("name", name="gin_trgm_ops"), name="organisation_name_trgm"),
        GinIndex(OpClass("town", name="gin_trgm_ops"), name="organisation_town_trgm"),
    ]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    organisation = apps.get_model("members", "Organisation")
    for index in directory_search_indexes():
        schema_editor.add_index(organisation, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    organisation = apps.get_model("members", "Organisation")
    for index in directory_search_indexes():
        schema_editor.remove_index(organisation, index)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_indexes, remove_indexes, elidable=False),
    ]
