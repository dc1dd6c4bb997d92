"""The outbox sweep runs once per cluster: every machine may start `outbox_sweep --loop`,
and a PostgreSQL advisory lock lets only one of them sweep at a time."""

import threading
import time
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from core.locks import cluster_lock, lock_key
from notifications.management.commands import outbox_sweep as command
from notifications.services import SweepResult


def another_process():
    """A connection of its own, as another machine's scheduler would have."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(autocommit=True, **params)


@pytest.mark.postgres
def test_a_second_scheduler_skips_while_the_first_sweeps(db, monkeypatch):
    sweeps = []
    monkeypatch.setattr(command, "outbox_sweep", lambda: sweeps.append(1) or SweepResult(0, 0))
    other = another_process()
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key(command.LOCK)])
        out = StringIO()
        call_command("outbox_sweep", verbosity=2, stdout=out)
        assert sweeps == []
        assert "another process is sweeping" in out.getvalue()
        other.execute("SELECT pg_advisory_unlock(%s)", [lock_key(command.LOCK)])
        call_command("outbox_sweep", verbosity=2, stdout=StringIO())
        assert sweeps == [1]
    finally:
        other.close()


@pytest.mark.postgres
def test_two_schedulers_at_the_same_moment_never_both_sweep(transactional_db, monkeypatch):
    """Scheduler A (a thread with its own connection) is in the middle of a slow sweep when
    scheduler B's round comes: B skips. Once A is done, B's next round sweeps; and a
    holder whose connection ends (a crashed machine) leaves the lock free."""
    inside, release = threading.Event(), threading.Event()
    sweeps = []

    def slow_sweep():
        sweeps.append(threading.current_thread().name)
        inside.set()
        release.wait(timeout=10)
        return SweepResult(0, 0)

    monkeypatch.setattr(command, "outbox_sweep", slow_sweep)

    def scheduler_a():
        try:
            call_command("outbox_sweep", verbosity=0)
        finally:
            connection.close()

    a = threading.Thread(target=scheduler_a, name="a")
    a.start()
    assert inside.wait(timeout=10)
    call_command("outbox_sweep", verbosity=0)  # scheduler B, meanwhile
    assert sweeps == ["a"]
    release.set()
    a.join(timeout=10)
    call_command("outbox_sweep", verbosity=0)
    assert sweeps == ["a", threading.current_thread().name]

    other = another_process()
    other.execute("SELECT pg_advisory_lock(%s)", [lock_key(command.LOCK)])
    with cluster_lock(command.LOCK) as held:
        assert not held
    other.close()
    # The server frees a session's locks when its backend exits, a moment after the
    # client hung up: the lock is free again within seconds, without anyone unlocking it.
    deadline = time.monotonic() + 10
    while True:
        with cluster_lock(command.LOCK) as held:
            if held or time.monotonic() > deadline:
                break
        time.sleep(0.05)
    assert held
