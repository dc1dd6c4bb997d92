"""Background work, through the Django Tasks API: the backend (database or RQ) is a setting."""

from django_tasks import task

from core.request_id import request_id_bound


@task()
def deliver_email(email_id: int, request_id: str = "") -> str:
    """Deliver one outbox e-mail; see `services.email_deliver` for what it guarantees.
    `request_id` is the id of the request that queued it: the worker's log lines carry it."""
    from .services import email_deliver  # services enqueue this task: import when it runs

    with request_id_bound(request_id):
        return email_deliver(email_id=email_id)
