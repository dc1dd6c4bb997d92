"""Every read the webhooks pages need."""

from django.db.models import Count, Q

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

State = WebhookDelivery.State


def endpoint_list():
    return WebhookEndpoint.objects.annotate(
        failed=Count("deliveries", filter=Q(deliveries__state=State.FAILED)),
        waiting=Count(
            "deliveries",
            filter=Q(deliveries__state__in=[State.PENDING, State.RETRYING, State.SENDING]),
        ),
    ).order_by("pk")


def endpoint_deliveries(endpoint: WebhookEndpoint):
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")


def delivery_attempts(delivery: WebhookDelivery):
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("number", "pk")


def return_deliveries(rma_id: int, *, limit: int = 50):
    return list(
        WebhookDelivery.objects.filter(reference=f"return:{rma_id}")
        .select_related("endpoint")
        .order_by("-created_at", "-pk")[:limit]
    )


def paused_endpoints():
    return list(WebhookEndpoint.objects.filter(active=False).order_by("pk"))
