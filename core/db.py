"""Database helpers: the append-only triggers of history tables (for migrations), and
riding out a database that is away for a while (for the task worker and its tasks)."""

import functools
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC
from typing import TypeVar

from django.apps import apps
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    migrations,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


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


# --- A database that is away for a while -------------------------------------------

# What a database that is away (restarting, refusing connections, connection killed)
# raises. Anything else is a bug or a task's own error, and is not waited out.
CONNECTION_ERRORS = (OperationalError, InterfaceError)

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0


class Backoff:
    """Waits that double from `first` up to `maximum`, with a little jitter so that many
    workers do not knock on a recovering database in step."""

    def __init__(self, first: float = FIRST_BACKOFF, maximum: float = MAX_BACKOFF):
        self.first = first
        self.maximum = maximum
        self.delay = first

    def next(self) -> float:
        delay = min(self.delay, self.maximum)
        self.delay = min(self.delay * 2, self.maximum)
        return delay * random.uniform(0.9, 1.1)  # jitter, not a secret

    def reset(self) -> None:
        self.delay = self.first


def close_broken_connections() -> None:
    """Drop every connection of this thread that is broken or mid-transaction, so the next
    query opens a fresh one. (close_old_connections keeps a connection that merely had an
    error if it still answers; a killed one does not answer and is closed.)"""
    close_old_connections()
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def database_reachable() -> bool:
    try:
        close_broken_connections()
        for connection in connections.all():
            connection.ensure_connection()
    except DatabaseError:
        close_broken_connections()
        return False
    return True


def patiently(write: Callable[[], T], *, within: float, what: str) -> T:
    """`write()`, tried again with back-off while the database is away, for at most `within`
    seconds; then its error is raised. For a write that must not be lost once the outside
    world has seen its effect (an e-mail the SMTP server accepted). Outside a transaction
    only: a connection lost inside one cannot be picked up again."""
    deadline = time.monotonic() + within
    backoff = Backoff()
    while True:
        try:
            return write()
        except CONNECTION_ERRORS as error:
            if any(c.in_atomic_block for c in connections.all(initialized_only=True)):
                raise
            delay = backoff.next()
            if time.monotonic() + delay > deadline:
                raise
            logger.warning(
                "%s: the database is unavailable (%s); trying again in %.0f s.",
                what,
                one_line(error),
                delay,
            )
            time.sleep(delay)
            close_broken_connections()


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:300]


# --- Reading timestamps -------------------------------------------------------------------


def use_compiled_timestamp_loader(connection) -> None:
    """Read `timestamp with time zone` columns with psycopg's compiled loader.

    Django's PostgreSQL backend reads them with a subclass of psycopg's pure-Python
    loader (a regular expression per value, then tzinfo replaced by the connection's): a
    page of fifty returns has 150 of them, 0.55 ms of the list's time; psycopg's C loader
    reads the same 150 in a quarter of that. With USE_TZ the session's time zone is UTC
    (Django sets it) and the C loader then gives exactly what Django's does: aware
    datetimes in datetime.timezone.utc. In any other set-up (another database time zone,
    psycopg without its C implementation) Django's own loader stays."""
    if connection.vendor != "postgresql" or connection.timezone != UTC:
        return
    if connection.timezone_name != "UTC":
        return
    loader = _compiled_tz_loader()
    if loader is not None:
        connection.connection.adapters.register_loader("timestamptz", loader)


@functools.cache
def _compiled_tz_loader():
    try:
        from psycopg import pq
        from psycopg.adapt import Loader
        from psycopg_binary._psycopg import TimestamptzLoader
    except ImportError:
        return None
    if pq.__impl__ != "binary":
        return None

    class CompiledTzLoader(Loader):
        # What Django's backend compares with its own time zone before each cursor
        # (DatabaseWrapper.create_cursor): equal, so it keeps this loader.
        timezone = UTC

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._compiled = TimestamptzLoader(oid, context)
            # psycopg's row reader calls this attribute: the compiled method itself.
            self.load = self._compiled.load

        def load(self, data):
            return self._compiled.load(data)

    return CompiledTzLoader
