"""What /metrics reads of the webhook deliveries at scrape time (core.metrics): deliveries
by state (all but the delivered ones) and the endpoints paused."""

from django.db.models import Count
from prometheus_client import Counter

from core.metrics import gauge

from .models import WebhookDelivery, WebhookEndpoint

DELIVERIES = Counter(
    "returns_webhook_attempts",
    "Webhook delivery attempts, by outcome.",
    ["outcome"],
)

WAITING_STATES = [s for s in WebhookDelivery.State.values if s != "delivered"]


def webhook_metrics():
    by_state = dict.fromkeys(WAITING_STATES, 0) | dict(
        WebhookDelivery.objects.filter(state__in=WAITING_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    yield gauge(
        "returns_webhook_deliveries",
        "Webhook deliveries not (yet) delivered, by state.",
        ["state"],
        by_state,
    )
    yield gauge(
        "returns_webhook_endpoints_paused",
        "Webhook endpoints paused (by an admin or after failing for too long).",
        [],
        {(): WebhookEndpoint.objects.filter(active=False).count()},
    )
