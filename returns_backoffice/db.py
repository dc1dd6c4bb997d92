"""Database helpers shared by migrations."""

from django.db import migrations


def append_only(table: str) -> migrations.RunPython:
    """A migration operation that makes `table` refuse UPDATE (and DELETE on PostgreSQL),
    whatever code path tries, so a history stays what it was when written.

    SQLite keeps DELETE possible, because Django's test flush empties tables with DELETE;
    PostgreSQL flushes with TRUNCATE, which row triggers do not see.
    """

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{table} is append-only';
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER {table}_append_only
                    BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
                """
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"""
                CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
                """
            )

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
