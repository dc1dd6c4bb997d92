"""The task worker (`manage.py db_worker`, core/worker.py) outlives a database outage.

The worker runs as its own process against the test database, as `make run` and
production run it, with the real SMTP server of tests/mail.py. The database is taken away
from it the ways production loses it: its connections killed (`pg_terminate_backend`, what
a failover or a restart does to open connections) and new connections refused for a while
(`ALLOW_CONNECTIONS false`, what a restarting server answers).
"""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from notifications.models import OutgoingEmail
from notifications.services import email_queue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]


def execute(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


@pytest.fixture
def worker_role(db):
    """A login role for the worker process alone (a superuser, like the test's own)."""
    role = re.sub(r"\W", "_", f"{connection.settings_dict['NAME']}_worker").lower()[:60]
    quoted = connection.ops.quote_name(role)
    if execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]) is None:
        execute(f"CREATE ROLE {quoted} SUPERUSER LOGIN")
    execute(f"ALTER ROLE {quoted} LOGIN")
    yield role
    # (The worker has stopped by now: `worker` depends on this fixture.)
    execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role])
    execute(f"DROP ROLE IF EXISTS {quoted}")


def database_url(role: str) -> str:
    """The test database as DATABASE_URL for `role` (trust authentication, as in CI)."""
    db = connection.settings_dict
    return f"postgres://{role}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, smtp_port: int, log: Path, role: str):
        self.role = role
        self.log = log
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "returns_backoffice.settings",
            "DATABASE_URL": database_url(role),
            "CONN_MAX_AGE": "60",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "5",
            "TASKS_BACKEND": "db",
            "LOG_LEVEL": "INFO",
        }
        self._output = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--max-backoff",
                "1",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text()

    def stop(self):
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()


@pytest.fixture
def worker(smtp_server, tmp_path, worker_role):
    process = WorkerProcess(smtp_server.port, tmp_path / "worker.log", worker_role)
    yield process
    process.stop()


def queue_email(number: int) -> OutgoingEmail:
    with transaction.atomic():
        return email_queue(
            event="return_status_changed",
            to=f"customer{number}@example.org",
            language="en",
            context={"customer_name": f"Customer {number}", "return_number": f"RET-{number}"},
            reference=f"test:{number}",
        )


def state(email: OutgoingEmail) -> str:
    return OutgoingEmail.objects.values_list("state", flat=True).get(pk=email.pk)


def wait_until(condition, *, seconds: float, what: str, worker: WorkerProcess):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(
        f"{what}: not within {seconds} s. Worker {'running' if worker.alive else 'DEAD'}; "
        f"its output:\n{worker.output()[-3000:]}"
    )


def delivered_to(smtp_server) -> list[str]:
    return [message["To"] for message in smtp_server.messages]


def connections_of(worker: WorkerProcess) -> int:
    return execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", [worker.role])[0]


def kill_connections(worker: WorkerProcess) -> int:
    """Terminate the worker's connections to the database; how many there were."""
    return execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %s",
        [worker.role],
    )[0]


@contextmanager
def database_away(worker: WorkerProcess):
    """The database refuses the worker's new connections and kills its open ones, until
    the block ends: to the worker, a database server that went away."""
    role = connection.ops.quote_name(worker.role)
    execute(f"ALTER ROLE {role} NOLOGIN")
    try:
        kill_connections(worker)
        yield
    finally:
        execute(f"ALTER ROLE {role} LOGIN")


def test_the_worker_reconnects_after_its_connections_are_killed(smtp_server, worker):
    queue_email(1)
    wait_until(
        lambda: delivered_to(smtp_server) == ["customer1@example.org"],
        seconds=15,
        what="the first e-mail delivered",
        worker=worker,
    )
    for _ in range(3):
        # The worker polls every 0.2 s: it meets the dead connection and opens a new one
        # (on a busy machine that may take a while).
        wait_until(
            lambda: connections_of(worker) >= 1,
            seconds=15,
            what="the worker connected again",
            worker=worker,
        )
        assert kill_connections(worker) >= 1
        time.sleep(0.5)
        assert worker.alive, worker.output()
    second = queue_email(2)
    wait_until(
        lambda: state(second) == "sent",
        seconds=15,
        what="the e-mail queued after the killed connections sent",
        worker=worker,
    )
    assert delivered_to(smtp_server) == ["customer1@example.org", "customer2@example.org"]


def test_the_worker_waits_out_a_database_that_refuses_connections(smtp_server, worker):
    first = queue_email(1)
    wait_until(
        lambda: state(first) == "sent", seconds=15, what="the first e-mail sent", worker=worker
    )
    with database_away(worker):
        # Longer than the worker's back-off ceiling (1 s here, 30 s by default): it must
        # try several times and keep going.
        time.sleep(5)
        assert worker.alive, worker.output()
    queue_email(2)
    wait_until(
        lambda: "customer2@example.org" in delivered_to(smtp_server),
        seconds=20,
        what="the e-mail queued after the outage delivered",
        worker=worker,
    )
    assert worker.alive
    output = worker.output()
    assert "the database is unavailable" in output
    assert "the database is back" in output
    assert "Traceback" not in output, output
    assert delivered_to(smtp_server) == ["customer1@example.org", "customer2@example.org"]


def test_an_email_sent_while_the_database_is_away_is_recorded_once_it_is_back(smtp_server, worker):
    # The server takes a moment to accept the message; meanwhile the database goes away.
    # Once it is back the e-mail is recorded as sent (one attempt), not sent again.
    smtp_server.data_delay = 1.5
    email = queue_email(1)
    wait_until(lambda: smtp_server.rcpt_commands, seconds=15, what="the RCPT", worker=worker)
    with database_away(worker):
        wait_until(lambda: smtp_server.messages, seconds=10, what="the DATA", worker=worker)
        time.sleep(3)
        assert state(email) == "sending"
    wait_until(
        lambda: state(email) == "sent", seconds=20, what="the e-mail recorded", worker=worker
    )
    email.refresh_from_db()
    assert (email.attempts, email.delivery_attempts.count()) == (1, 1)
    assert delivered_to(smtp_server) == ["customer1@example.org"]
    wait_until(
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").exists(),
        seconds=10,
        what="the task recorded as successful",
        worker=worker,
    )
    assert worker.alive
    assert "Traceback" not in worker.output(), worker.output()
