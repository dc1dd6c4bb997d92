"""What an event says: the API's representation of the object (api.serializers), the same
document GET /api/v1/... answers, plus the event's id, type and time."""

import json
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from api import serializers as s
from api.views import order_data, return_data
from orders.models import Order
from returns.models import Return

from .catalog import TEST_EVENT


def _return(rma: Return) -> dict:
    # Read again inside the transaction of the change: the state it commits.
    rma = Return.objects.select_related("order", "customer__user", "reason", "action").get(
        pk=rma.pk
    )
    # The API's document as a caller without the reopen permission sees it.
    viewer = SimpleNamespace(user=AnonymousUser())
    return s.ReturnSerializer(return_data(rma, viewer)).data


def _order(order: Order) -> dict:
    return s.OrderSerializer(order_data(order)).data


def _refund(invoice) -> dict:
    """The API has no credit invoice document yet: what a refund is, without the
    voucher code or the IBAN (money a receiver's log must not hold)."""
    invoice = type(invoice).objects.select_related("order", "rma").get(pk=invoice.pk)
    return {
        "number": invoice.number,
        "status": invoice.status,
        "order_number": invoice.order.number,
        "return_number": invoice.rma.number if invoice.rma_id else None,
        "currency": invoice.currency,
        "total": str(invoice.total),
        "refund_method": invoice.refund_method,
        "refunded_at": invoice.refunded_at.isoformat() if invoice.refunded_at else None,
    }


def data_for(event: str, obj) -> tuple[str, dict]:
    """(reference, the object's representation) of what an event is about."""
    # The API's words (a history entry's title) in the shop's language, as its e-mails.
    with translation.override(None):
        if event.startswith("return."):
            return f"return:{obj.pk}", _return(obj)
        if event.startswith("order."):
            return f"order:{obj.pk}", _order(obj)
        if event == "refund.created":
            reference = f"return:{obj.rma_id}" if obj.rma_id else f"order:{obj.order_id}"
            return reference, _refund(obj)
        if event == TEST_EVENT:
            return "", {"message": "This is a test event."}
    raise ValueError(f"No payload for {event!r}.")


def envelope(*, event_id, event: str, data: dict, at=None) -> dict:
    """The JSON body of every request (Standard Webhooks: type, timestamp, data)."""
    body = {
        "id": f"msg_{event_id.hex}",
        "type": event,
        "timestamp": (at or timezone.now()).isoformat(),
        "data": data,
    }
    # Through JSON once: decimals and dates as the API writes them, storable in a JSONField.
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))
