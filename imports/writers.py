"""Set-based writes for imports: one COPY (PostgreSQL) or one executemany per table.

Row-by-row saves cost a query per row; these cost a constant number of statements per table,
whatever the number of rows. Values are Python values (str, int, Decimal, date, datetime, bool,
None); psycopg's COPY adapts them natively, other backends get them through the model fields'
``get_db_prep_save``.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

BATCH_SIZE = 5000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _prepare(model, columns: Sequence[str]):
    """Converters that turn Python values into what the backend's driver expects."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    return [
        (lambda value, f=fields[column]: f.get_db_prep_save(value, connection))
        for column in columns
    ]


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
    converters = _prepare(model, columns)
    statement = (
        f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            cursor.executemany(
                statement,
                [
                    [convert(value) for convert, value in zip(converters, row, strict=True)]
                    for row in batch
                ],
            )
    return len(rows)


def update_rows(model, key: str, columns: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Update the model's rows: each row is ``(key value, *values in the order of columns)``."""
    if not rows:
        return 0
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        stage = f"imports_stage_{table}"
        all_columns = [key, *columns]
        assignments = ", ".join(f"{_quote(c)} = s.{_quote(c)}" for c in columns)
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
    converters = _prepare(model, [key, *columns])
    converters = converters[1:] + converters[:1]
    assignments = ", ".join(f"{_quote(c)} = %s" for c in columns)
    statement = f"UPDATE {_quote(table)} SET {assignments} WHERE {_quote(key)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            cursor.executemany(
                statement,
                [
                    [
                        convert(value)
                        for convert, value in zip(converters, (*row[1:], row[0]), strict=True)
                    ]
                    for row in batch
                ],
            )
    return len(rows)
