"""Cluster-wide locks: work that must run in one process at a time across every machine
(the outbox sweep), however many schedulers were started."""

import hashlib
from contextlib import contextmanager

from django.db import connections


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


@contextmanager
def cluster_lock(name: str, *, using: str = "default"):
    """Yields True when this process holds the lock `name` (until the block ends), False
    when another process holds it; never waits.

    On PostgreSQL, a session-level advisory lock, which the database releases by itself if
    the holder dies. SQLite is the single-machine demo: there it always yields True."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
