"""What an operator of several machines reads: JSON log lines with a request id that
follows a save into the task that sends its e-mail, and /metrics (core/metrics.py)."""

import json
import logging
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from notifications.models import OutgoingEmail
from tests.factories import FailedEmailFactory

from .conftest import run_worker

OUTBOX = "/backoffice/outbox/"


@contextmanager
def json_console():
    """The project's console handler, formatted as LOG_FORMAT=json formats it."""
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert handlers
    config = django_settings.LOGGING["formatters"]["json"]
    factory = config["()"]
    module, name = factory.rsplit(".", 1)
    formatter_class = getattr(__import__(module, fromlist=[name]), name)
    formatter = formatter_class(config["format"], rename_fields=config["rename_fields"])
    output = StringIO()
    saved = [(h.setStream(output), h.formatter) for h in handlers]
    for handler in handlers:
        handler.setFormatter(formatter)
    try:
        yield output
    finally:
        for handler, (stream, old) in zip(handlers, saved, strict=True):
            handler.setStream(stream)
            handler.setFormatter(old)


@pytest.mark.django_db(transaction=True)
def test_the_request_id_of_a_resend_follows_into_the_worker_that_sends_it(
    admin_client, smtp_server
):
    email = FailedEmailFactory()
    response = admin_client.post(
        f"{OUTBOX}{email.pk}/resend/", headers={"X-Request-ID": "proxy-7f3a9c21"}
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "proxy-7f3a9c21"  # the proxy's id is kept
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"request_id": "proxy-7f3a9c21"}

    with json_console() as output:
        run_worker()
    assert OutgoingEmail.objects.get(pk=email.pk).state == "sent"
    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    sent = [line for line in lines if "accepted by the server" in line["message"]]
    assert len(sent) == 1
    assert sent[0]["request_id"] == "proxy-7f3a9c21"
    assert sent[0]["level"] == "INFO" and sent[0]["logger"] == "notifications.services"
    assert "time" in sent[0]


def test_every_response_carries_a_request_id_and_a_forged_one_is_replaced(client, db):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    forged = client.get("/healthz", headers={"X-Request-ID": "bad id\nX-Injected: 1"})
    assert forged["X-Request-ID"] != "bad id\nX-Injected: 1"
    assert len(forged["X-Request-ID"]) == 32


def test_a_log_line_outside_a_request_has_no_request_id():
    with json_console() as output:
        logging.getLogger("notifications.services").warning("marker")
    assert json.loads(output.getvalue())["request_id"] == "-"


# --- /metrics -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_show_requests_database_time_outbox_and_queue(client, staff_client):
    FailedEmailFactory.create_batch(2)
    staff_client.get("/backoffice/returns/")
    body = client.get("/metrics").text
    assert 'returns_outbox_emails{state="failed"} 2.0' in body
    assert 'returns_outbox_emails{state="queued"} 0.0' in body
    assert 'returns_task_queue_depth{queue="default"} 0.0' in body
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in body
    assert 'returns_db_statement_seconds_count{alias="default"}' in body


@pytest.mark.django_db
def test_the_queue_depth_counts_tasks_waiting(client, staff_client):
    email = FailedEmailFactory()
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).update(state="queued")
    from notifications.tasks import deliver_email

    deliver_email.enqueue(email.pk)
    body = client.get("/metrics").text
    assert 'returns_task_queue_depth{queue="default"} 1.0' in body
    assert 'returns_outbox_emails{state="queued"} 1.0' in body


@pytest.mark.django_db
def test_metrics_answer_only_to_the_configured_networks(client, settings):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_relayed_by_a_local_reverse_proxy_are_refused(client):
    # nginx on the same host forwards from 127.0.0.1: the outside client must not get in.
    assert client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 404
    assert client.get("/metrics", headers={"Forwarded": "for=198.51.100.7"}).status_code == 404
