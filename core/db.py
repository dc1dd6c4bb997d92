"""Database helpers shared by migrations: the append-only triggers of history tables."""

from django.apps import apps
from django.db import migrations


def append_only_tables() -> list[str]:
    """The tables of every model built on core.models.AppendOnlyModel."""
    from .models import AppendOnlyModel

    return sorted(
        model._meta.db_table for model in apps.get_models() if issubclass(model, AppendOnlyModel)
    )


def ensure_append_only(connection) -> None:
    """Make sure every history table has its append-only trigger. Runs after each
    `migrate`, because SQLite rebuilds a table (and loses its triggers) whenever a
    migration alters one of its columns."""
    existing = set(connection.introspection.table_names())
    for table in append_only_tables():
        if table in existing:
            _create_trigger(connection, table)


def _create_trigger(connection, table: str) -> None:
    vendor = connection.vendor
    if vendor == "postgresql":
        _execute(
            connection,
            f"""
            CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{table} is append-only';
            END;
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS {table}_append_only ON {table};
            CREATE TRIGGER {table}_append_only
                BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
            """,
        )
    elif vendor == "sqlite":
        _execute(
            connection,
            f"""
            CREATE TRIGGER IF NOT EXISTS {table}_append_only BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
            """,
        )


def _execute(connection, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def append_only(table: str) -> migrations.RunPython:
    """A migration operation that makes `table` refuse UPDATE (and DELETE on PostgreSQL),
    whatever code path tries, so a history stays what it was when written.

    SQLite keeps DELETE possible, because Django's test flush empties tables with DELETE;
    PostgreSQL flushes with TRUNCATE, which row triggers do not see.
    """

    def forwards(apps, schema_editor):
        _create_trigger(schema_editor.connection, table)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
                f"DROP FUNCTION IF EXISTS {table}_append_only();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")

    return migrations.RunPython(forwards, backwards, elidable=False)
