"""Timestamps are read with psycopg's compiled loader (core.db), giving what Django's own
loader gives."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

VALUES = [
    "2026-03-29 02:30:00+02",
    "2026-10-25 02:30:00.5+01",
    "1999-12-31 23:59:59.999999-09:30",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]
QUERY = "SELECT " + ", ".join(f"'{value}'::timestamptz" for value in VALUES) + ", NULL::timestamptz"


def test_timestamps_read_as_django_reads_them():
    with connection.cursor() as cursor:
        cursor.execute(QUERY)
        ours = cursor.fetchone()
        assert cursor.cursor.adapters.get_loader(1184, 0).__name__ == "CompiledTzLoader"
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)  # Django's own, on this cursor
        cursor.execute(QUERY)
        assert cursor.cursor.adapters.get_loader(1184, 0).__name__ == "SpecificTzLoader"
        django_s = cursor.fetchone()
    assert ours == django_s
    assert [value.tzinfo for value in ours[:-1]] == [UTC] * len(VALUES)
    assert ours[0] == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert ours[-1] is None


def test_the_compiled_loader_is_the_connection_s():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)
    assert loader.__name__ == "CompiledTzLoader"
    assert loader.timezone == connection.timezone  # so Django keeps it for every cursor
