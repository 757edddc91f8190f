"""The one history writer of imports: the import, its revert and the key figures.

Every entry is written by the database itself, ``INSERT INTO <history> … SELECT … FROM
<table> WHERE …``: one statement however many rows, the values exactly as stored, no rows built
in Python. Callers name the rows to record with a SQL condition on the model's table:

- ``written_at(now)``: rows stamped ``updated_at = now`` (organisations the import or revert
  wrote);
- ``inserted_after(watermark)``: rows inserted since ``id_watermark(model)`` was read, in the
  same transaction (memberships, key figures, sources the import added);
- ``with_ids(ids)``: the given rows (key figures the import updated);
- ``in_query(queryset)``: the rows of a queryset (what a revert deletes).
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Max

from .writers import subquery_sql


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def write_history(model, where: tuple[str, Sequence], *, history_type, now, user, reason) -> int:
    """Copy the model's rows matching ``where`` (``(sql, params)`` on its table) into its
    history table, dated ``now``, by ``user``, with ``reason``; returns the number of rows.

    ``history_type`` is ``"+"``, ``"~"``, ``"-"`` or a ``(sql, params)`` expression.
    """
    history = model.history.model
    columns = [f.column for f in history._meta.concrete_fields if f.name != "history_id"]
    stamp = connection.ops.adapt_datetimefield_value(now)
    kind = history_type if isinstance(history_type, tuple) else ("%s", [history_type])
    constants = {
        "history_date": ("%s", [stamp]),
        "history_change_reason": ("%s", [reason]),
        "history_type": kind,
        "history_user_id": ("%s", [getattr(user, "pk", None)]),
    }
    select, params = [], []
    for column in columns:
        if column in constants:
            expression, values = constants[column]
            select.append(expression)
            params.extend(values)
        else:
            select.append(_quote(column))
    condition, condition_params = where
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_quote(history._meta.db_table)} ({', '.join(map(_quote, columns))}) "
            f"SELECT {', '.join(select)} FROM {_quote(model._meta.db_table)} WHERE {condition}",
            [*params, *condition_params],
        )
        return cursor.rowcount


def written_at(now) -> tuple[str, list]:
    """The rows a writer stamped with ``updated_at = now``."""
    return f"{_quote('updated_at')} = %s", [connection.ops.adapt_datetimefield_value(now)]


def created_or_changed_at(now) -> tuple[str, list]:
    """History type '+' for rows created at ``now`` (``created_at``), else '~'."""
    return "CASE WHEN created_at = %s THEN '+' ELSE '~' END", [
        connection.ops.adapt_datetimefield_value(now)
    ]


def id_watermark(model) -> int:
    """The highest id of the model's table; rows inserted after it have higher ids."""
    return model._base_manager.aggregate(top=Max("pk"))["top"] or 0


def inserted_after(watermark: int) -> tuple[str, list]:
    """The rows inserted since ``id_watermark`` returned ``watermark``."""
    return f"{_quote('id')} > %s", [watermark]


def with_ids(ids) -> tuple[str, list]:
    ids = list(ids)
    if not ids:
        return "1 = 0", []
    return f"{_quote('id')} IN ({', '.join(['%s'] * len(ids))})", ids


def in_query(queryset, column="pk") -> tuple[str, tuple]:
    """The rows whose id is one of the queryset's ``column`` values (a subquery)."""
    sql, params = subquery_sql(queryset, column)
    return f"{_quote('id')} IN ({sql})", params


def record_organisation_history(*, now, user, reason, history_type=None) -> int:
    """History entries for every organisation written now, in one statement.

    The writer stamped exactly those rows with ``updated_at = now``: by default '+' where they
    were created now, '~' where changed (the import), or the given ``history_type`` (a revert:
    '~').
    """
    from members.models import Organisation

    return write_history(
        Organisation,
        written_at(now),
        history_type=history_type or created_or_changed_at(now),
        now=now,
        user=user,
        reason=reason,
    )
