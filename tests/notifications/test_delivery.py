"""Delivery through the database task worker to a real SMTP server in the test process.

These tests commit for real (transactional database): on_commit, row locks and "no
transaction open during SMTP" mean nothing inside a test transaction.
"""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import delivery, services
from notifications.models import DeliveryAttempt, OutgoingEmail
from notifications.services import email_deliver, email_queue
from notifications.signals import email_state_changed
from notifications.tasks import deliver_email

from .conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

State = OutgoingEmail.State


def queue_status_email(**overrides):
    """What the returns app does: queue inside its own transaction."""
    arguments = {
        "event": "return_status_changed",
        "to": "chris@example.org",
        "language": "nl",
        "context": {
            "customer_name": "Chris Klant",
            "return_number": "RET-000123",
            "order_number": "100042",
            "status": "Retour goedgekeurd",
            "shop_name": "Demo Shop",
            "return_url": "https://shop.example.com/account/returns/RET-000123/",
        },
        "reference": "return:123",
        **overrides,
    }
    with transaction.atomic():
        return email_queue(**arguments)


def outcomes(email):
    return list(email.delivery_attempts.values_list("outcome", "smtp_code"))


def test_an_email_is_delivered_in_the_customers_language_with_placeholders_filled(
    smtp_server, state_changes
):
    email = queue_status_email()
    assert smtp_server.messages == []  # nothing before the worker runs
    run_worker()

    [message] = smtp_server.messages
    assert message["X-Envelope-To"] == "chris@example.org"
    assert message["To"] == "chris@example.org"
    assert message["From"] == "Test Shop <shop@example.com>"
    assert message["Subject"] == "Uw retour RET-000123: Retour goedgekeurd"
    assert message["Message-ID"] == OutgoingEmail.objects.get().message_id
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Beste Chris Klant,")
    assert "bestelling 100042" in text and "Retour goedgekeurd" in text
    assert "https://shop.example.com/account/returns/RET-000123/" in text
    assert "{" not in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<p>Beste Chris Klant,</p>" in html

    email.refresh_from_db()
    assert email.state == State.SENT and email.attempts == 1 and email.sent_at
    assert email.last_error == "" and email.next_attempt_at is None
    assert outcomes(email) == [("sent", None)]
    assert state_changes == [("return:123", "queued", "", 0), ("return:123", "sent", "", 1)]


def test_a_4xx_reply_is_retried_and_the_message_delivered_exactly_once(
    smtp_server, settings, state_changes
):
    settings.EMAIL_RETRY_DELAYS = [0, 0, 0]
    smtp_server.rcpt_replies = ["451 4.3.0 Mailbox busy, try again later"]
    email = queue_status_email()
    run_worker()

    assert len(smtp_server.messages) == 1
    assert smtp_server.rcpt_commands == 2
    email.refresh_from_db()
    assert email.state == State.SENT and email.attempts == 2 and email.retries == 1
    assert outcomes(email) == [("temporary", 451), ("sent", None)]
    assert [state for _ref, state, _error, _n in state_changes] == ["queued", "retrying", "sent"]
    assert "451 4.3.0 Mailbox busy" in state_changes[1][2]


def test_a_5xx_reply_fails_at_once_without_any_retry(smtp_server, settings, state_changes):
    settings.EMAIL_RETRY_DELAYS = [0, 0, 0]
    smtp_server.rcpt_replies = ["550 5.1.1 No such user here"]
    email = queue_status_email()
    run_worker()

    assert smtp_server.messages == []
    assert smtp_server.rcpt_commands == 1
    email.refresh_from_db()
    assert email.state == State.FAILED and email.attempts == 1
    assert email.last_error.startswith("chris@example.org: 550 5.1.1 No such user here")
    assert outcomes(email) == [("permanent", 550)]
    assert DBTaskResult.objects.count() == 1  # no retry was even scheduled
    assert state_changes[-1] == ("return:123", "failed", email.last_error, 1)


def test_a_server_that_is_down_and_comes_back_gets_the_message_once(smtp_server, settings):
    settings.EMAIL_RETRY_DELAYS = [0, 0, 0]
    smtp_server.stop()
    email = queue_status_email()
    run_worker(max_tasks=1)

    email.refresh_from_db()
    assert email.state == State.RETRYING and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error

    smtp_server.start()
    run_worker()
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.state == State.SENT and email.attempts == 2
    assert outcomes(email) == [("temporary", None), ("sent", None)]


def test_retries_follow_the_schedule_and_then_the_email_fails(smtp_server, settings, state_changes):
    settings.EMAIL_RETRY_DELAYS = [120, 600]
    smtp_server.stop()
    email = queue_status_email()
    started = timezone.now()
    run_worker()  # the retry is not due for two minutes: the batch worker stops
    email.refresh_from_db()
    assert email.state == State.RETRYING
    assert timedelta(seconds=119) < email.next_attempt_at - started < timedelta(seconds=125)
    task = DBTaskResult.objects.get(status="READY")
    assert task.run_after == email.next_attempt_at

    for expected_delay in (600, None):
        # Time passes: the scheduled task becomes due.
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        run_worker()
        email.refresh_from_db()
        if expected_delay:
            assert email.state == State.RETRYING
            assert email.next_attempt_at - before >= timedelta(seconds=expected_delay - 1)
    assert email.state == State.FAILED and email.attempts == 3
    assert [state for _ref, state, _error, _n in state_changes] == [
        "queued",
        "retrying",
        "retrying",
        "failed",
    ]
    assert smtp_server.messages == []


def test_a_timeout_before_the_message_is_sent_counts_as_temporary(smtp_server, settings):
    settings.EMAIL_TIMEOUT = 0.5
    smtp_server.rcpt_delay = 1.5
    email = queue_status_email()
    run_worker()
    email.refresh_from_db()
    assert email.state == State.RETRYING
    assert "timed out" in email.last_error
    assert outcomes(email) == [("temporary", None)]
    assert smtp_server.messages == []


def test_a_server_slow_to_accept_a_message_gets_it_once(smtp_server, settings):
    # The server answers the end of the message only after longer than EMAIL_TIMEOUT (it
    # scans it, say). Giving up then and trying again sent a copy per attempt; the reply
    # to the end of a message is waited for as RFC 5321 says (EMAIL_FINAL_REPLY_TIMEOUT).
    settings.EMAIL_TIMEOUT = 0.5
    settings.EMAIL_RETRY_DELAYS = [0, 0, 0]
    smtp_server.data_delay = 1.5
    email = queue_status_email()
    run_worker()
    time.sleep(2)  # any copy still on its way has arrived
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 1)
    assert outcomes(email) == [("sent", None)]


def test_every_attempt_carries_the_same_message_id(smtp_server, settings):
    # When a final reply does not come in time after all, the e-mail is tried again; the
    # copies carry one Message-ID, so that the receiving side can drop the duplicate.
    settings.EMAIL_FINAL_REPLY_TIMEOUT = 0.3
    settings.EMAIL_RETRY_DELAYS = [0]
    smtp_server.data_delay = 0.6
    email = queue_status_email()
    run_worker()
    time.sleep(1)
    email.refresh_from_db()
    assert email.attempts == 2
    assert "timed out" in email.delivery_attempts.first().error
    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert ids == [email.message_id, email.message_id]


def test_smtp_addresses_use_the_backend_with_a_timeout_per_phase(monkeypatch):
    import runpy

    monkeypatch.setenv("EMAIL_URL", "smtp+tls://user:secret@smtp.example.com:587")
    monkeypatch.setenv("EMAIL_FINAL_REPLY_TIMEOUT", "900")
    monkeypatch.setattr("environ.Env.read_env", lambda *args, **kwargs: None)
    values = runpy.run_path(
        str(Path(__file__).resolve().parents[2] / "returns_backoffice" / "settings.py")
    )
    assert values["EMAIL_BACKEND"] == "notifications.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_USE_TLS"]) == ("smtp.example.com", True)
    assert values["EMAIL_FINAL_REPLY_TIMEOUT"] == 900


def test_a_task_that_runs_twice_sends_once(smtp_server):
    email = queue_status_email()
    deliver_email.enqueue(email.pk)  # a duplicate, as a re-delivered queue message would be
    assert DBTaskResult.objects.count() == 2
    run_worker()

    assert len(smtp_server.messages) == 1
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [
        "already sent",
        "sent",
    ]
    assert email_deliver(email_id=email.pk) == "already sent"
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_rollback_after_queueing_leaves_no_row_no_task_and_sends_nothing(
    smtp_server, state_changes
):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_status_email()
        assert OutgoingEmail.objects.count() == 1
        assert DBTaskResult.objects.count() == 0  # enqueued only on commit
        raise RuntimeError("the status change failed")
    assert OutgoingEmail.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    run_worker()
    assert smtp_server.messages == []


def test_the_task_is_enqueued_when_the_callers_transaction_commits(smtp_server):
    with transaction.atomic():
        email = queue_status_email()
        assert DBTaskResult.objects.count() == 0
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [email.pk], "kwargs": {"request_id": ""}}
    assert task.task_path == "notifications.tasks.deliver_email"


def test_no_database_transaction_is_open_while_talking_to_the_smtp_server(smtp_server, monkeypatch):
    seen = []
    real_send = delivery.send

    def watching_send(email):
        seen.append(
            (
                connection.in_atomic_block,
                # another look at the row: the claim is committed before the server is called
                OutgoingEmail.objects.get(pk=email.pk).state,
            )
        )
        real_send(email)

    monkeypatch.setattr(delivery, "send", watching_send)
    queue_status_email()
    run_worker()
    assert seen == [(False, State.SENDING)]
    assert len(smtp_server.messages) == 1


def test_a_failing_receiver_does_not_make_the_worker_forget_the_email_was_sent(smtp_server):
    def broken_receiver(sender, state, **kwargs):
        if state == "sent":
            OutgoingEmail.objects.create(event="nonsense", language="en", to="x", subject="x")
            raise RuntimeError("history app is broken")

    email_state_changed.connect(broken_receiver, dispatch_uid="tests.broken")
    try:
        email = queue_status_email()
        run_worker()
    finally:
        email_state_changed.disconnect(dispatch_uid="tests.broken")
    email.refresh_from_db()
    assert email.state == State.SENT
    assert OutgoingEmail.objects.count() == 1  # the receiver's write was rolled back
    assert len(smtp_server.messages) == 1


def test_the_sweep_requeues_an_email_stuck_in_flight(smtp_server, settings, state_changes):
    email = queue_status_email()
    # A worker claims it and dies before it reports back; its task is gone with it.
    DBTaskResult.objects.all().delete()
    assert services._claim(email.pk)[1] == 1
    call_command("outbox_sweep", verbosity=0)
    email.refresh_from_db()
    assert email.state == State.SENDING  # not stuck long enough to be touched

    OutgoingEmail.objects.filter(pk=email.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.OUTBOX_STUCK_AFTER + 1)
    )
    assert services.outbox_sweep() == services.SweepResult(stuck=1, lost=0)
    email.refresh_from_db()
    assert email.state == State.RETRYING
    assert state_changes[-1][1] == "retrying" and "did not finish" in state_changes[-1][2]

    run_worker()
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.state == State.SENT and email.attempts == 2
    assert outcomes(email) == [("interrupted", None), ("sent", None)]


def test_the_sweep_requeues_an_email_whose_task_was_lost(smtp_server, settings, monkeypatch):
    def queue_is_down(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(type(deliver_email), "enqueue", queue_is_down)
    email = queue_status_email()  # the caller's change still commits
    monkeypatch.undo()
    assert DBTaskResult.objects.count() == 0
    assert OutgoingEmail.objects.get().state == State.QUEUED

    assert services.outbox_sweep() == services.SweepResult(stuck=0, lost=0)  # not overdue yet
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=settings.OUTBOX_LOST_AFTER + 1)
    )
    assert services.outbox_sweep() == services.SweepResult(stuck=0, lost=1)
    assert services.outbox_sweep() == services.SweepResult(stuck=0, lost=0)  # once per period
    run_worker()
    assert len(smtp_server.messages) == 1
    assert OutgoingEmail.objects.get().state == State.SENT


def test_the_sweep_fails_a_stuck_email_whose_retries_are_used_up(settings):
    settings.EMAIL_RETRY_DELAYS = []
    email = queue_status_email()
    services._claim(email.pk)
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - timedelta(days=1))
    services.outbox_sweep()
    email.refresh_from_db()
    assert email.state == State.FAILED
    assert DeliveryAttempt.objects.get().outcome == "interrupted"


def test_outbox_sweep_command_can_loop(monkeypatch):
    calls = []

    def sweep_then_stop(seconds):
        calls.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(
        "notifications.management.commands.outbox_sweep.time.sleep", sweep_then_stop
    )
    call_command("outbox_sweep", loop=30, verbosity=0)
    assert calls == [30]


@pytest.mark.postgres
def test_two_workers_delivering_the_same_email_at_once_send_it_once(smtp_server):
    email = queue_status_email()
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(email_deliver(email_id=email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) in (["in flight elsewhere", "sent"], ["already sent", "sent"])
    assert len(smtp_server.messages) == 1


def test_the_redis_queue_delivers_through_an_rq_worker(smtp_server, settings):
    """Scale-out by configuration: the same code on django-tasks-rq and Redis."""
    django_rq = pytest.importorskip("django_rq")
    from django_tasks_rq import Job
    from redis.exceptions import ConnectionError as RedisConnectionError
    from rq import SimpleWorker
    from rq.timeouts import TimerDeathPenalty

    redis_url = "redis://127.0.0.1:6379/5"  # a database of its own; only it is flushed
    # What settings.py sets for TASKS_BACKEND=rq (test_rq_configuration checks that).
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    redis = django_rq.get_connection("default")
    try:
        redis.flushdb()
    except RedisConnectionError:
        pytest.skip(f"Redis is not running at {redis_url}")
    try:
        email = queue_status_email()
        assert DBTaskResult.objects.count() == 0
        queue = django_rq.get_queue("default")
        assert queue.count == 1
        assert queue.job_class is Job

        class Worker(SimpleWorker):
            # SIGALRM belongs to pytest-timeout in this process.
            death_penalty_class = TimerDeathPenalty

            def _install_signal_handlers(self):
                pass

        Worker([queue], connection=redis, job_class=queue.job_class).work(burst=True)
        assert len(smtp_server.messages) == 1
        email.refresh_from_db()
        assert email.state == State.SENT
    finally:
        redis.flushdb()


@pytest.mark.django_db(transaction=False)
def test_rq_configuration_is_chosen_by_environment_variables():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.TASKS, s.RQ_QUEUES, s.RQ, 'django_rq' in s.INSTALLED_APPS]))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "returns_backoffice.settings",
        "DEBUG": "true",
        "TASKS_BACKEND": "rq",
        "REDIS_URL": "redis://redis.internal:6380/2",
    }
    output = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    tasks, queues, rq, installed = json.loads(output.strip().splitlines()[-1])
    assert tasks == {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    assert queues["default"]["URL"] == "redis://redis.internal:6380/2"
    assert rq == {"JOB_CLASS": "django_tasks_rq.Job"}
    assert installed is True
