"""Background work, through the Django Tasks API (as notifications.tasks)."""

from django_tasks import task

from core.request_id import request_id_bound


@task()
def deliver_webhook(delivery_id: int, request_id: str = "") -> str:
    """Deliver one webhook; see `services.webhook_deliver` for what it guarantees."""
    from .services import webhook_deliver  # services enqueue this task: import when it runs

    with request_id_bound(request_id):
        return webhook_deliver(delivery_id=delivery_id)
