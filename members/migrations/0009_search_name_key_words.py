"""Faster German search on PostgreSQL (issue 14, item 4; see docs/search.md).

- ``search_name_key``: the name's distinct stems without legal forms, sorted (what SQLite's
  FTS5 table keeps as ``name_key``), kept by the search trigger. The exact-name tier compares
  it with the query's key instead of building ``ts_filter(search_vector, '{a}')`` per row.
- ``members_organisation_search_word``: every word (lexeme) of every document, with a trigram
  index, kept by the same trigger (words are added, never removed: a word no row has any more
  finds nothing). The similar-spelling search looks a typed word up there and searches for
  the closest words, as SQLite does in its FTS5 vocabulary, instead of comparing trigrams
  with every row's text (``word_similarity`` over thousands of rows); the trigram index on the
  folded text goes.
"""

from django.db import migrations

from members.search import POSTGRES_WORDS, SEARCH_CONFIG

TABLE = "members_organisation"

TRIGGER_FUNCTION = """
    CREATE OR REPLACE FUNCTION members_organisation_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := portal_search_document(NEW.name, NEW.town, NEW.keywords);{extra}
      RETURN NEW;
    END
    $$"""

# The key from the document's A words (the name without legal forms, already stemmed); only
# words not in the table yet are inserted (a lookup is cheaper than a speculative insert).
KEEP_KEY_AND_WORDS = f"""
      NEW.search_name_key := coalesce((SELECT string_agg(v.lexeme, ' ' ORDER BY v.lexeme COLLATE "C")
        FROM unnest(ts_filter(NEW.search_vector, '{{a}}')) AS v), '');
      INSERT INTO {POSTGRES_WORDS} (word)
        SELECT v.lexeme FROM unnest(NEW.search_vector) AS v
        WHERE NOT EXISTS (SELECT 1 FROM {POSTGRES_WORDS} w WHERE w.word = v.lexeme)
        ON CONFLICT DO NOTHING;"""

# The best tiers' own indexes (members.search.postgres_tiers): exact name, name, town.
TIER_INDEXES = [
    ("organisation_search_name_key", "btree (search_name_key)"),
    ("organisation_search_name_fts", "gin (ts_filter(search_vector, '{a}'))"),
    ("organisation_search_town_fts", "gin (ts_filter(search_vector, '{b}'))"),
]

FORWARDS = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_name_key text NOT NULL DEFAULT ''",
    f"""
    CREATE OR REPLACE FUNCTION portal_search_name_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(string_agg(v.lexeme, ' ' ORDER BY v.lexeme COLLATE "C"), '')
      FROM unnest(to_tsvector('{SEARCH_CONFIG}', coalesce(portal_search_name(name), ''))) AS v
    $$""",
    f"CREATE TABLE {POSTGRES_WORDS} (word text PRIMARY KEY)",
    f"CREATE INDEX {POSTGRES_WORDS}_trgm ON {POSTGRES_WORDS} USING gin (word gin_trgm_ops)",
    TRIGGER_FUNCTION.format(extra=KEEP_KEY_AND_WORDS),
    f"UPDATE {TABLE} SET search_name_key = portal_search_name_key(name)",
    f"INSERT INTO {POSTGRES_WORDS} (word) SELECT word FROM ts_stat("
    f"'SELECT search_vector FROM {TABLE}') ON CONFLICT DO NOTHING",
    "DROP INDEX IF EXISTS organisation_search_trgm",
    *(f"CREATE INDEX {name} ON {TABLE} USING {using}" for name, using in TIER_INDEXES),
]

BACKWARDS = [
    *(f"DROP INDEX IF EXISTS {name}" for name, _using in TIER_INDEXES),
    TRIGGER_FUNCTION.format(extra=""),
    f"DROP TABLE IF EXISTS {POSTGRES_WORDS}",
    "DROP FUNCTION IF EXISTS portal_search_name_key(text)",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_name_key",
    f"CREATE INDEX IF NOT EXISTS organisation_search_trgm ON {TABLE} "
    "USING gin (portal_search_text(name, town, keywords) gin_trgm_ops)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARDS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_german_order"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
