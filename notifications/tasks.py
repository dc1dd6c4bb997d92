"""Background work, through the Django Tasks API: the backend (database or RQ) is a setting."""

from django_tasks import task


@task()
def deliver_email(email_id: int) -> str:
    """Deliver one outbox e-mail; see `services.email_deliver` for what it guarantees."""
    from .services import email_deliver  # services enqueue this task: import when it runs

    return email_deliver(email_id=email_id)
