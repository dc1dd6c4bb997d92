"""Which changes become which events: one delivery per endpoint that asked, written in
the transaction of the change, with the API's representation of the object."""

from decimal import Decimal

import pytest

from orders.services import order_upsert
from returns import services as returns_services
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(webhook_settings, shop_admin):
    endpoint, _secret = services.endpoint_create(
        actor=shop_admin, url="https://127.0.0.1:9/in", events=[*services.catalog.EVENTS]
    )
    return endpoint


def types():
    return list(WebhookDelivery.objects.order_by("pk").values_list("event_type", flat=True))


def test_each_change_of_a_return_is_its_event(everything, create_return, staff):
    rma = create_return()
    assert types() == ["return.created"]
    rma = returns_services.return_change(
        rma=rma, user=staff, version=rma.version, status="in_progress"
    )
    assert types()[1:] == ["return.status_changed"]
    rma = returns_services.return_change(
        rma=rma, user=staff, version=rma.version, customer_comment="Too tight", staff_note="Hm"
    )
    assert types()[2:] == ["return.updated", "return.note_added"]
    returns_services.return_note_add(rma=rma, user=staff, text="Called the customer")
    assert types()[4:] == ["return.note_added"]
    rma.refresh_from_db()
    returns_services.return_receive(
        rma=rma,
        user=staff,
        version=rma.version,
        receipts={rma.lines.get().pk: returns_services.Receipt(1, "as_new", "restock")},
    )
    assert types()[5:] == ["return.received"]
    last = WebhookDelivery.objects.order_by("pk").last()
    assert last.reference == f"return:{rma.pk}"
    assert last.payload["type"] == "return.received"
    assert last.payload["id"] == last.message_id
    assert last.payload["data"]["number"] == rma.number
    assert last.payload["data"]["customer_comment"] == "Too tight"


def test_a_save_that_changes_nothing_is_no_event(everything, create_return, staff):
    rma = create_return()
    returns_services.return_change(rma=rma, user=staff, version=rma.version)
    assert types() == ["return.created"]


def test_an_order_upsert_is_an_event_only_when_something_changed(everything, customer):
    body = {
        "number": "W-1",
        "customer": {"email": customer.user.email, "name": customer.name},
        "status": "shipped",
        "lines": [
            {
                "sku": "SKU-W1",
                "title": "Shirt",
                "quantity": 2,
                "unit_price": Decimal("10.00"),
                "shipped_quantity": 2,
            }
        ],
    }
    order_upsert(**body)
    assert types() == ["order.upserted"]
    payload = WebhookDelivery.objects.get().payload
    assert payload["data"]["number"] == "W-1"
    assert payload["data"]["lines"][0]["unit_price"] == "10.00"
    order_upsert(**body)  # the same body again
    assert types() == ["order.upserted"]
    order_upsert(**{**body, "status": "delivered"})
    assert types() == ["order.upserted", "order.upserted"]


def test_only_active_endpoints_that_asked_get_a_delivery(
    webhook_settings, shop_admin, create_return
):
    wants, _ = services.endpoint_create(
        actor=shop_admin, url="https://127.0.0.1:9/a", events=["return.created"]
    )
    _other, _ = services.endpoint_create(
        actor=shop_admin, url="https://127.0.0.1:9/b", events=["order.upserted"]
    )
    paused, _ = services.endpoint_create(
        actor=shop_admin, url="https://127.0.0.1:9/c", events=["return.created"]
    )
    services.endpoint_pause(actor=shop_admin, endpoint=paused)
    create_return()
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [wants.pk]


def test_no_endpoint_costs_one_query(db, create_return, django_assert_num_queries, staff):
    from webhooks.services import event_record

    rma = create_return()
    with django_assert_num_queries(1):
        event_record("return.created", rma)


def test_endpoint_changes_are_audited_and_the_secret_never_is(webhook_settings, shop_admin):
    from accounts.models import AuditEntry

    endpoint, secret = services.endpoint_create(
        actor=shop_admin, url="https://127.0.0.1:9/a", events=["return.created"]
    )
    new = services.endpoint_rotate_secret(actor=shop_admin, endpoint=endpoint)
    services.endpoint_update(
        actor=shop_admin,
        endpoint=endpoint,
        url="https://127.0.0.1:9/b",
        events=["return.created", "order.upserted"],
    )
    entries = list(AuditEntry.objects.filter(area="settings.webhooks"))
    assert len(entries) == 3
    text = repr([(e.changes, e.target) for e in entries])
    assert secret not in text and new not in text
    endpoint.refresh_from_db()
    assert endpoint.events == ["return.created", "order.upserted"]


def test_an_endpoint_needs_an_event(webhook_settings, shop_admin):
    with pytest.raises(services.InvalidWebhookEndpoint):
        services.endpoint_create(actor=shop_admin, url="https://127.0.0.1:9/a", events=[])
    assert not WebhookEndpoint.objects.exists()


def test_resend_sends_the_same_event_again(everything, create_return, shop_admin):
    create_return()
    row = WebhookDelivery.objects.get()
    with pytest.raises(services.NotResendable):
        services.delivery_resend(delivery=row, actor=shop_admin)
    WebhookDelivery.objects.filter(pk=row.pk).update(state="failed", retries=3)
    again = services.delivery_resend(delivery=row, actor=shop_admin)
    assert (again.state, again.retries, again.event_id) == ("pending", 0, row.event_id)


def test_a_test_event_goes_to_one_endpoint(everything, shop_admin):
    row = services.endpoint_send_test(actor=shop_admin, endpoint=everything)
    assert row.event_type == "webhook.test"
    assert row.payload["data"] == {"message": "This is a test event."}


def test_metrics_count_deliveries_by_state_and_paused_endpoints(everything, client, shop_admin):
    services.endpoint_send_test(actor=shop_admin, endpoint=everything)
    services.endpoint_pause(actor=shop_admin, endpoint=everything)
    body = client.get("/metrics").text
    assert 'returns_webhook_deliveries{state="pending"} 1.0' in body
    assert 'returns_webhook_deliveries{state="failed"} 0.0' in body
    assert "returns_webhook_endpoints_paused 1.0" in body


def test_a_refund_is_an_event_without_the_voucher_code(everything, order_line, staff):
    from billing import services as billing

    invoice = billing.credit_invoice_issue(
        invoice=billing.credit_invoice_create(
            order=order_line.order, user=staff, lines={order_line.pk: billing.LineInput(1)}
        ),
        user=staff,
    )
    assert types() == []  # issuing is no refund yet
    billing.credit_invoice_mark_refunded(invoice=invoice, user=staff, method="store_credit")
    invoice.refresh_from_db()
    assert types() == ["refund.created"]
    row = WebhookDelivery.objects.get()
    assert row.payload["data"]["number"] == invoice.number
    assert row.payload["data"]["total"] == str(invoice.total)
    assert row.payload["data"]["refund_method"] == "store_credit"
    assert invoice.refund_reference not in str(row.payload)
    assert row.reference == f"order:{order_line.order_id}"


def test_a_paused_or_new_endpoint_counts_from_the_next_request(
    everything, create_return, shop_admin
):
    """Which endpoints want an event is cached per process (core.config): a pause, by the
    service or any other path (another host, the database itself), and a new endpoint
    take effect at the next request; the save itself runs no SELECT of the endpoints."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.request_scope import request_scope

    with request_scope():
        create_return()
    assert WebhookDelivery.objects.filter(endpoint=everything).count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE webhooks_webhookendpoint SET active = %s WHERE id = %s", [False, everything.pk]
        )
    with request_scope():
        create_return()
    assert WebhookDelivery.objects.filter(endpoint=everything).count() == 1
    second, _secret = services.endpoint_create(
        actor=shop_admin, url="https://127.0.0.1:9/second", events=["return.created"]
    )
    with request_scope():
        services.active_endpoints()  # read once, as the request's first save would
        with CaptureQueriesContext(connection) as queries:
            create_return()
    assert WebhookDelivery.objects.filter(endpoint=second).count() == 1
    assert not any("webhooks_webhookendpoint" in q["sql"] for q in queries.captured_queries)
