"""One German search on both databases (issue 14; see members/search.py and docs/search.md).

PostgreSQL: the ``unaccent`` extension; ``portal_search_fold`` (lower case, ae/oe/ue -> a/o/u,
accents off, punctuation a space), the text-search configuration ``portal_german`` (unaccent,
then german_stem); the document ``search_vector`` rebuilt with it and weighted (name without
legal forms A, town B, keywords C, whole name D) by the insert and change triggers; the
query functions the search calls; one trigram index over the folded name, town and keywords
for typos instead of the two on the raw name and town.

SQLite: an FTS5 table of the same words, kept by triggers (``members.search.sqlite_install``,
also run after every migrate: rebuilding the organisation table drops its triggers).
"""

from django.db import migrations

from members.search import LEGAL_FORMS, SEARCH_CONFIG, sqlite_install

TABLE = "members_organisation"
INSERT_TRIGGER = "members_organisation_search_vector_insert"
UPDATE_TRIGGER = "members_organisation_search_vector_change"
OLD_SEARCH_VECTOR = "tsvector_update_trigger(search_vector, 'pg_catalog.german', name, town, keywords)"
LEGAL = "|".join(sorted(LEGAL_FORMS))

FUNCTIONS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    CREATE OR REPLACE FUNCTION portal_search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT btrim(regexp_replace(public.unaccent('public.unaccent'::regdictionary,
        replace(replace(replace(lower($1), 'ae', 'a'), 'oe', 'o'), 'ue', 'u')),
        '[^a-z0-9]+', ' ', 'g'))
    $$""",
    f"""
    CREATE OR REPLACE FUNCTION portal_search_name(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT regexp_replace(portal_search_fold($1), '\\m(?:{LEGAL})\\M', ' ', 'g')
    $$""",
    f"""
    CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = pg_catalog.german)""",
    f"""
    ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG}
      ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_part, hword_asciipart
      WITH unaccent, german_stem""",
    f"""
    CREATE OR REPLACE FUNCTION portal_search_document(name text, town text, keywords text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(portal_search_name(name), '')), 'A')
          || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(portal_search_fold(town), '')), 'B')
          || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(portal_search_fold(keywords), '')), 'C')
          || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(portal_search_fold(name), '')), 'D')
    $$""",
    f"""
    CREATE OR REPLACE FUNCTION portal_search_query(words text, weights text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(string_agg(quote_literal(v.lexeme) || ':' || $2, ' & ')::tsquery,
                      ''::tsquery)
      FROM unnest(to_tsvector('{SEARCH_CONFIG}', portal_search_fold($1))) AS v
    $$""",
    f"""
    CREATE OR REPLACE FUNCTION portal_search_length(words text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT length(to_tsvector('{SEARCH_CONFIG}', portal_search_fold(words)))
    $$""",
    """
    CREATE OR REPLACE FUNCTION portal_search_text(name text, town text, keywords text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT portal_search_fold(coalesce(name, '') || ' ' || coalesce(town, '') || ' '
                                || coalesce(keywords, ''))
    $$""",
    """
    CREATE OR REPLACE FUNCTION members_organisation_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := portal_search_document(NEW.name, NEW.town, NEW.keywords);
      RETURN NEW;
    END
    $$""",
]


def triggers(function):
    return [
        f"DROP TRIGGER IF EXISTS {UPDATE_TRIGGER} ON {TABLE}",
        f"DROP TRIGGER IF EXISTS {INSERT_TRIGGER} ON {TABLE}",
        f"CREATE TRIGGER {INSERT_TRIGGER} BEFORE INSERT ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}",
        f"CREATE TRIGGER {UPDATE_TRIGGER} BEFORE UPDATE OF name, town, keywords ON {TABLE} "
        "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name "
        "OR OLD.town IS DISTINCT FROM NEW.town OR OLD.keywords IS DISTINCT FROM NEW.keywords) "
        f"EXECUTE FUNCTION {function}",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        sqlite_install(schema_editor.connection, rebuild=True)
        return
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FUNCTIONS + triggers("members_organisation_search_vector()"):
        schema_editor.execute(sql)
    schema_editor.execute(
        f"UPDATE {TABLE} SET search_vector = portal_search_document(name, town, keywords)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS organisation_name_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS organisation_town_trgm")
    schema_editor.execute(
        f"CREATE INDEX organisation_search_trgm ON {TABLE} "
        "USING gin (portal_search_text(name, town, keywords) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for name in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS members_organisation_search_{name}")
            cursor.execute("DROP TABLE IF EXISTS members_organisation_search_vocab")
            cursor.execute("DROP TABLE IF EXISTS members_organisation_search")
        return
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in triggers(OLD_SEARCH_VECTOR):
        schema_editor.execute(sql)
    schema_editor.execute("DROP INDEX IF EXISTS organisation_search_trgm")
    schema_editor.execute(
        f"CREATE INDEX organisation_name_trgm ON {TABLE} USING gin (name gin_trgm_ops)"
    )
    schema_editor.execute(
        f"CREATE INDEX organisation_town_trgm ON {TABLE} USING gin (town gin_trgm_ops)"
    )
    schema_editor.execute(
        f"UPDATE {TABLE} SET search_vector = to_tsvector('pg_catalog.german', "
        "coalesce(name, '') || ' ' || coalesce(town, '') || ' ' || coalesce(keywords, ''))"
    )
    for function in (
        "members_organisation_search_vector()", "portal_search_text(text, text, text)",
        "portal_search_length(text)", "portal_search_query(text, text)",
        "portal_search_document(text, text, text)",
    ):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {SEARCH_CONFIG}")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_search_name(text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_search_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_organisation_hot_updates"),
        ("core", "0001_german_collation"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
