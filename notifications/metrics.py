"""What /metrics reads from the outbox at scrape time (core.metrics): e-mails by state
(all but the sent ones, which only grow: their count is the delivery counter's job) and
the number of tasks waiting in the queue."""

from django.conf import settings
from django.db.models import Count
from prometheus_client import Counter

from core.metrics import gauge

from .models import OutgoingEmail

DELIVERIES = Counter(
    "returns_email_deliveries",
    "Delivery attempts of outbox e-mails, by outcome.",
    ["outcome"],
)

WAITING_STATES = [s for s in OutgoingEmail.State.values if s != OutgoingEmail.State.SENT]


def outbox_metrics():
    by_state = dict.fromkeys(WAITING_STATES, 0) | dict(
        OutgoingEmail.objects.filter(state__in=WAITING_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    yield gauge(
        "returns_outbox_emails",
        "Outbox e-mails not (yet) sent, by state.",
        ["state"],
        by_state,
    )
    yield gauge(
        "returns_task_queue_depth",
        "Tasks waiting for a worker.",
        ["queue"],
        {"default": _queue_depth()},
    )


def _queue_depth() -> int:
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        return django_rq.get_queue("default").count
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()
