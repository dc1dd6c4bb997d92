"""Delivery to a real HTTP receiver in the test process, through the database task worker.

These tests commit for real (transactional database): on_commit, row locks and "no
transaction open during the request" mean nothing inside a test transaction."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.mail import run_worker
from webhooks import delivery, services
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.tasks import deliver_webhook

pytestmark = pytest.mark.django_db(transaction=True)

State = WebhookDelivery.State


def attempts(row):
    return list(
        WebhookAttempt.objects.filter(delivery=row)
        .order_by("number")
        .values_list("outcome", "status_code")
    )


def test_an_event_is_delivered_once_signed_with_the_api_representation(
    receiver, endpoint_for, create_return
):
    endpoint_for(receiver)
    rma = create_return()
    run_worker()

    row = WebhookDelivery.objects.get()
    assert row.state == State.DELIVERED
    assert attempts(row) == [("delivered", 200)]
    assert len(receiver.requests) == 1
    headers, _body, payload = receiver.requests[0]
    assert isinstance(payload, dict), payload  # the signature verified
    assert headers["webhook-id"] == payload["id"] == row.message_id
    assert headers["content-type"] == "application/json"
    assert headers["host"] == f"127.0.0.1:{receiver.port}"
    assert payload["type"] == "return.created"
    assert payload["data"]["number"] == rma.number
    assert payload["data"]["status"] == "new"
    assert payload["data"]["lines"][0]["quantity"] == 1
    assert WebhookAttempt.objects.get().response_body == "answer 200"


def test_a_500_is_retried_with_the_same_id_and_delivered_once(
    receiver, endpoint_for, create_return
):
    receiver.answers = [500, 200]
    endpoint_for(receiver)
    create_return()
    run_worker()
    run_worker()

    row = WebhookDelivery.objects.get()
    assert row.state == State.DELIVERED
    assert attempts(row) == [("temporary", 500), ("delivered", 200)]
    ids = {headers["webhook-id"] for headers, _b, _p in receiver.requests}
    assert len(receiver.requests) == 2 and ids == {row.message_id}
    assert len(receiver.verified) == 2


def test_a_429_waits_as_long_as_retry_after_says(receiver, endpoint_for, create_return):
    receiver.answers = [(429, {"Retry-After": "120"}), 200]
    endpoint_for(receiver)
    create_return()
    run_worker()

    row = WebhookDelivery.objects.get()
    assert row.state == State.RETRYING
    assert attempts(row) == [("temporary", 429)]
    # The schedule says 0 s (webhook_settings); the receiver asked for 120.
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 100 < wait <= 120
    run_worker()  # not due: nothing is sent
    assert len(receiver.requests) == 1
    assert services.webhook_deliver(delivery_id=row.pk) == "not due yet"


def test_a_410_fails_at_once_without_a_retry(receiver, endpoint_for, create_return):
    receiver.answers = [410]
    endpoint_for(receiver)
    create_return()
    run_worker()
    run_worker()

    row = WebhookDelivery.objects.get()
    assert row.state == State.FAILED
    assert attempts(row) == [("permanent", 410)]
    assert row.last_error == "HTTP 410"
    assert len(receiver.requests) == 1


def test_a_redirect_is_not_followed(receiver, endpoint_for, create_return):
    receiver.answers = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})]
    endpoint_for(receiver)
    create_return()
    run_worker()
    row = WebhookDelivery.objects.get()
    assert row.state == State.FAILED
    assert "redirect" in row.last_error
    assert len(receiver.requests) == 1


def test_a_receiver_that_hangs_times_out_and_is_retried(receiver, endpoint_for, create_return):
    receiver.answers = ["hang", 200]
    receiver.hang_for = 3
    endpoint_for(receiver)
    create_return()
    started = time.monotonic()
    run_worker(max_tasks=1)
    took = time.monotonic() - started

    row = WebhookDelivery.objects.get()
    assert row.state == State.RETRYING
    attempt = WebhookAttempt.objects.get()
    assert attempt.outcome == "temporary" and attempt.status_code is None
    assert "timed out" in attempt.error.lower()
    assert 900 <= attempt.duration_ms < 2500  # WEBHOOK_TIMEOUT = 1 s
    assert took < 2.5
    run_worker()
    row.refresh_from_db()
    assert row.state == State.DELIVERED


def test_an_answer_dripped_slowly_is_cut_at_the_total_timeout(
    receiver, endpoint_for, create_return
):
    """Each byte comes well within the read timeout; the whole answer never does."""
    receiver.answers = ["drip", 200]
    receiver.hang_for = 4
    endpoint_for(receiver)
    create_return()
    run_worker(max_tasks=1)
    attempt = WebhookAttempt.objects.get()
    assert attempt.outcome == "temporary"
    assert attempt.error.startswith("Timed out")
    assert 900 <= attempt.duration_ms < 2000  # WEBHOOK_TIMEOUT = 1 s
    run_worker()
    assert WebhookDelivery.objects.get().state == State.DELIVERED


def test_a_connection_reset_is_retried(receiver, endpoint_for, create_return):
    receiver.answers = ["reset", 200]
    endpoint_for(receiver)
    create_return()
    run_worker(max_tasks=1)
    row = WebhookDelivery.objects.get()
    assert row.state == State.RETRYING
    assert WebhookAttempt.objects.get().outcome == "temporary"
    run_worker()
    row.refresh_from_db()
    assert row.state == State.DELIVERED
    assert attempts(row) == [("temporary", None), ("delivered", 200)]


def test_a_receiver_that_is_down_is_retried_until_the_schedule_is_used_up(
    receiver, endpoint_for, create_return
):
    receiver.answers = [503]
    endpoint_for(receiver)
    create_return()
    for _ in range(5):
        run_worker()
    row = WebhookDelivery.objects.get()
    assert row.state == State.FAILED  # 1 attempt + 3 retries (EMAIL_RETRY_DELAYS)
    assert attempts(row) == [("temporary", 503)] * 4
    assert len(receiver.requests) == 4


def test_only_the_first_2_kb_of_a_response_are_kept(receiver, endpoint_for, create_return):
    endpoint_for(receiver)
    receiver.answers = [200]
    create_return()

    # A receiver that answers with 100 KB.
    long_answer = b"x" * 100_000

    def huge(self_handler):
        self_handler.send_response(200)
        self_handler.send_header("Content-Length", str(len(long_answer)))
        self_handler.end_headers()
        self_handler.wfile.write(long_answer)

    handler = receiver.server.RequestHandlerClass
    original = handler.do_POST

    def do_post(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        huge(self)

    handler.do_POST = do_post
    try:
        run_worker()
    finally:
        handler.do_POST = original
    assert len(WebhookAttempt.objects.get().response_body) == delivery.RESPONSE_KEEP


def test_a_rolled_back_change_records_nothing_and_sends_nothing(
    receiver, endpoint_for, create_return
):
    endpoint_for(receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        create_return()
        assert WebhookDelivery.objects.count() == 1
        assert DBTaskResult.objects.count() == 0  # enqueued only on commit
        raise RuntimeError("the change failed later")
    assert WebhookDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    run_worker()
    assert receiver.requests == []


def test_the_task_is_enqueued_on_commit(receiver, endpoint_for, create_return):
    endpoint_for(receiver)
    create_return()
    task = DBTaskResult.objects.get()
    row = WebhookDelivery.objects.get()
    assert task.task_path == "webhooks.tasks.deliver_webhook"
    assert task.args_kwargs == {"args": [row.pk], "kwargs": {"request_id": ""}}


def test_a_task_that_runs_twice_sends_once(receiver, endpoint_for, create_return):
    endpoint_for(receiver)
    create_return()
    row = WebhookDelivery.objects.get()
    deliver_webhook.enqueue(row.pk)  # a duplicate, as a re-delivered queue message would be
    run_worker()
    assert len(receiver.requests) == 1
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [
        "already delivered",
        "delivered",
    ]


def test_no_transaction_is_open_during_the_request(
    receiver, endpoint_for, create_return, monkeypatch
):
    seen = []
    real_post = delivery.post

    def watching(url, **kwargs):
        seen.append(connection.in_atomic_block)
        return real_post(url, **kwargs)

    monkeypatch.setattr(delivery, "post", watching)
    endpoint_for(receiver)
    create_return()
    run_worker()
    assert seen == [False]
    assert len(receiver.requests) == 1


@pytest.mark.postgres
def test_two_workers_delivering_the_same_webhook_at_once_send_it_once(
    receiver, endpoint_for, create_return
):
    receiver.answers = ["hang", 200]
    receiver.hang_for = 0.5  # the first request is in flight while the second worker claims
    endpoint_for(receiver)
    create_return()
    row = WebhookDelivery.objects.get()
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(services.webhook_deliver(delivery_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "in flight elsewhere" in results
    assert len(receiver.requests) == 1


def test_the_sweep_hands_on_a_delivery_whose_worker_died(receiver, endpoint_for, create_return):
    endpoint_for(receiver)
    create_return()
    row = WebhookDelivery.objects.get()
    # A worker claimed it 20 minutes ago and died.
    WebhookDelivery.objects.filter(pk=row.pk).update(
        state=State.SENDING, attempts=1, updated_at=timezone.now() - timedelta(minutes=20)
    )
    DBTaskResult.objects.all().delete()
    call_command("outbox_sweep", verbosity=2, stdout=StringIO())
    row.refresh_from_db()
    assert row.state == State.RETRYING
    assert attempts(row) == [("interrupted", None)]
    run_worker()
    row.refresh_from_db()
    assert row.state == State.DELIVERED
    assert len(receiver.requests) == 1


def test_the_sweep_requeues_a_delivery_whose_task_was_lost(
    receiver, endpoint_for, create_return, monkeypatch
):
    endpoint_for(receiver)

    def queue_is_down(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(type(deliver_webhook), "enqueue", queue_is_down)
    create_return()  # the change still commits
    monkeypatch.undo()
    assert DBTaskResult.objects.count() == 0
    row = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=10)
    )
    out = StringIO()
    call_command("outbox_sweep", verbosity=2, stdout=out)
    assert "Webhooks sweep: 0 stuck, 1 lost" in out.getvalue()
    run_worker()
    row.refresh_from_db()
    assert row.state == State.DELIVERED


def test_an_endpoint_failing_for_three_days_is_paused(
    receiver, endpoint_for, create_return, client, shop_admin
):
    receiver.answers = [500]
    endpoint = endpoint_for(receiver)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=3, minutes=1)
    )
    create_return()
    run_worker(max_tasks=1)
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.paused_at is not None and "failed since" in endpoint.paused_reason
    row = WebhookDelivery.objects.get()
    # Held, not lost: due again once an admin resumes the endpoint.
    assert (row.state, row.next_attempt_at) == (State.RETRYING, None)
    run_worker()
    assert len(receiver.requests) == 1
    # New events are not recorded for it meanwhile.
    create_return()
    assert WebhookDelivery.objects.count() == 1
    # Admins are told.
    client.force_login(shop_admin)
    page = client.get("/backoffice/").content.decode()
    assert 'data-testid="paused-webhooks"' in page
    # Resumed: what waited goes out.
    receiver.answers = [200]
    services.endpoint_resume(actor=shop_admin, endpoint=endpoint)
    run_worker()
    row.refresh_from_db()
    assert row.state == State.DELIVERED
    assert 'data-testid="paused-webhooks"' not in client.get("/backoffice/").content.decode()


def test_a_failure_shorter_than_the_pause_time_does_not_pause(
    receiver, endpoint_for, create_return
):
    receiver.answers = [500, 200]
    endpoint = endpoint_for(receiver)
    create_return()
    run_worker(max_tasks=1)
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failing_since is not None
    run_worker()
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failing_since is None


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(
    receiver, endpoint_for, create_return, shop_admin
):
    endpoint = endpoint_for(receiver)
    old = receiver.secrets[0]
    new = services.endpoint_rotate_secret(actor=shop_admin, endpoint=endpoint)
    assert new != old
    receiver.secrets = [old]  # a receiver that has not switched yet
    create_return()
    run_worker()
    assert len(receiver.verified) == 1
    assert len(receiver.requests[0][0]["webhook-signature"].split(" ")) == 2
    # A day later only the new one signs.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_until=timezone.now() - timedelta(seconds=1)
    )
    create_return()
    run_worker()
    assert len(receiver.requests) == 2
    assert len(receiver.verified) == 1  # the old secret no longer verifies
    receiver.secrets = [new]
    assert isinstance(receiver.verify(*receiver.requests[1][:2]), dict)


def test_the_guard_blocks_the_local_receiver_when_private_addresses_are_not_allowed(
    receiver, endpoint_for, create_return, settings
):
    endpoint_for(receiver)  # saved while allowed
    settings.WEBHOOK_ALLOW_PRIVATE = False
    create_return()
    run_worker()
    row = WebhookDelivery.objects.get()
    assert row.state == State.FAILED
    assert attempts(row) == [("permanent", None)]
    assert "127.0.0.1" in row.last_error
    assert receiver.requests == []


def test_a_name_is_connected_to_at_the_checked_address_with_its_host_header(
    receiver, endpoint_for, create_return
):
    receiver.url = f"http://localhost:{receiver.port}/in"
    endpoint_for(receiver)
    create_return()
    run_worker()
    headers, _b, payload = receiver.requests[0]
    assert headers["host"] == f"localhost:{receiver.port}"
    assert isinstance(payload, dict)
