"""Fast bulk writes for generated shops: COPY on PostgreSQL, bulk_create elsewhere.

Generated rows get their ids up front (from the table's own sequence on PostgreSQL), so
rows that point at each other can be written table by table without reading ids back.
Only for seeding: it bypasses the services on purpose, so the builders that use it must
write what the services would (see builders.ensure_returns).
"""

import json
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.db import connection, models, transaction

POSTGRES = "postgresql"


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == POSTGRES:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 (our table name)
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert rows (tuples in the order of `fields`, which name model fields or their
    attnames, e.g. "order_id"). On PostgreSQL the rows are streamed as COPY text."""
    model_fields = [model._meta.get_field(_field_name(model, name)) for name in fields]
    if connection.vendor == POSTGRES:
        sql = 'COPY "{}" ({}) FROM STDIN'.format(
            model._meta.db_table, ", ".join(f'"{field.column}"' for field in model_fields)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            buffer = []
            for row in rows:
                buffer.append("\t".join(map(_copy_text, row)))
                if len(buffer) >= 10_000:
                    copy.write("\n".join(buffer) + "\n")
                    buffer.clear()
            if buffer:
                copy.write("\n".join(buffer) + "\n")
        return
    model.objects.bulk_create(
        (
            model(
                **{
                    f: json.loads(v) if type(v) is JsonText else v
                    for f, v in zip(fields, row, strict=True)
                }
            )
            for row in rows
        ),
        batch_size=2000,
    )


class JsonText(str):
    """A JSON value already serialised (generators reuse a few of them many times)."""


_ESCAPE = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_text(value) -> str:
    """One value in COPY's text format; the common types first, as this runs millions of
    times in a large load."""
    kind = type(value)
    if kind is int or kind is Decimal:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime:
        return value.isoformat()
    if kind is dict or kind is list:
        value = json.dumps(value, separators=(",", ":"))
    text = str(value)
    if _ESCAPE.search(text):
        text = _ESCAPE.sub(lambda match: _ESCAPES[match.group()], text)
    return text


@contextmanager
def indexes_deferred(*tables: type[models.Model]):
    """For a large load on PostgreSQL: drop the tables' secondary indexes (primary keys and
    constraints stay) and build them again afterwards, in one pass each, which is several
    times faster than keeping them up to date row by row. They are rebuilt even when the
    load fails."""
    if connection.vendor != POSTGRES:
        yield
        return
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [names],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)


@contextmanager
def loading():
    """A transaction for a bulk load. On PostgreSQL, when the role may, the per-row
    foreign-key and append-only triggers are skipped for this transaction only
    (session_replication_role = replica): the generator writes consistent rows itself, and
    checking a million foreign keys one by one is most of the load's time."""
    with transaction.atomic():
        if connection.vendor == POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cursor.fetchone()[0]:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                # A crash loses at most the chunk being loaded, which a rerun adds again.
                cursor.execute("SET LOCAL synchronous_commit = off")
        yield


def add_to_column(model: type[models.Model], column: str, deltas: dict[int, int]) -> None:
    """column += delta for each {id: delta}, in one statement on PostgreSQL."""
    deltas = {pk: delta for pk, delta in deltas.items() if delta}
    if not deltas:
        return
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == POSTGRES:
            cursor.execute("CREATE TEMP TABLE _deltas (id bigint, delta integer)")
            with cursor.cursor.copy("COPY _deltas (id, delta) FROM STDIN") as copy:
                for row in sorted(deltas.items()):
                    copy.write_row(row)
            cursor.execute(
                f'UPDATE "{table}" t SET "{column}" = t."{column}" + d.delta '  # noqa: S608
                "FROM _deltas d WHERE t.id = d.id"
            )
            cursor.execute("DROP TABLE _deltas")
            return
        cursor.executemany(
            f'UPDATE "{table}" SET "{column}" = "{column}" + %s WHERE id = %s',  # noqa: S608
            [(delta, pk) for pk, delta in sorted(deltas.items())],
        )


def _field_name(model, name: str) -> str:
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field.name
    raise ValueError(f"{model.__name__} has no field {name}")


@cache
def json_text(text: str) -> JsonText:
    """Intern a serialised JSON value (see JsonText)."""
    return JsonText(text)
