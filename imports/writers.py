"""Set-based writes for imports: one COPY (PostgreSQL) or one executemany per table.

Row-by-row saves cost a query per row; these cost a constant number of statements per table,
whatever the number of rows. Values are Python values (str, int, Decimal, date, datetime, bool,
None); psycopg's COPY adapts them natively, other backends get them through the model fields'
``get_db_prep_save``.
"""

from collections.abc import Iterable, Sequence
from functools import partial

from django.db import connection, models

BATCH_SIZE = 5000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _converters(model, columns: Sequence[str]):
    """(position, converter) for the columns whose values the driver cannot take as they are.

    Django's SQLite backend registers adapters for Decimal, date and datetime; only aware
    datetimes must become Django's naive-UTC text, and those are few distinct values (an
    import stamps all rows with one time), so each is converted once.
    """
    fields = {f.column: f for f in model._meta.concrete_fields}
    converters = []
    for position, column in enumerate(columns):
        field = fields[column]
        if isinstance(field, models.DateTimeField):
            converters.append(
                (position, _cached(partial(field.get_db_prep_save, connection=connection)))
            )
    return converters


def _cached(convert):
    cache = {}

    def cached(value):
        if value is None:
            return None
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = convert(value)
            return result

    return cached


def _converted(rows, converters):
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for position, convert in converters:
            row[position] = convert(row[position])
        converted.append(row)
    return converted


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    statement = f"COPY {_quote(table)} ({', '.join(map(_quote, columns))}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(model, columns: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) into the model's table."""
    if not rows:
        return 0
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        _copy(table, columns, rows)
        return len(rows)
    converters = _converters(model, columns)
    statement = (
        f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            cursor.executemany(statement, _converted(batch, converters))
    return len(rows)


def update_rows(
    model, key: str, columns: Sequence[str], rows: Sequence[Sequence], *, increment=()
) -> int:
    """Update the model's rows: each row is ``(key value, *values in the order of columns)``.

    Every column named in ``increment`` (a version counter) goes up by one in the same
    statement.
    """
    if not rows:
        return 0
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        stage = f"imports_stage_{table}"
        all_columns = [key, *columns]
        assignments = ", ".join(
            [f"{_quote(c)} = s.{_quote(c)}" for c in columns]
            + [f"{_quote(c)} = t.{_quote(c)} + 1" for c in increment]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_quote(stage)} ON COMMIT DROP AS "
                f"SELECT {', '.join(map(_quote, all_columns))} FROM {_quote(table)} WITH NO DATA"
            )
        _copy(stage, all_columns, rows)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_quote(table)} AS t SET {assignments} FROM {_quote(stage)} AS s "
                f"WHERE t.{_quote(key)} = s.{_quote(key)}"
            )
            cursor.execute(f"DROP TABLE {_quote(stage)}")
        return len(rows)
    # executemany takes the values in statement order: the columns first, the key last.
    converters = _converters(model, [*columns, key])
    assignments = ", ".join(
        [f"{_quote(c)} = %s" for c in columns]
        + [f"{_quote(c)} = {_quote(c)} + 1" for c in increment]
    )
    statement = f"UPDATE {_quote(table)} SET {assignments} WHERE {_quote(key)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = [(*row[1:], row[0]) for row in rows[start : start + BATCH_SIZE]]
            cursor.executemany(statement, _converted(batch, converters))
    return len(rows)


def subquery_sql(queryset, column: str = "pk") -> tuple[str, tuple]:
    """``(sql, params)`` of the queryset's ``column`` values, for ``… IN (sql)``."""
    return queryset.order_by().values_list(column).query.sql_with_params()


def delete_where(queryset) -> int:
    """Delete the queryset's rows in one statement: no signals, no per-row history, no cascade.

    Callers delete dependent rows first and record history themselves (``imports.history``).
    """
    return queryset._raw_delete(queryset.db)
