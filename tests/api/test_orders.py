"""Orders, customers and products from the shop: upserts, idempotent, through the
services, and never below what returns hold."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Product, StockMovement, Variant
from orders.models import Customer, Order, OrderLine
from returns import services as return_services
from returns.models import Return


def _order(number="WEB-1001", quantity=3, shipped=3, **extra):
    return {
        "number": number,
        "customer": {"email": "Pat@Example.org", "name": "Pat Doe", "language": "nl"},
        "status": "shipped",
        "placed_at": "2026-11-01T10:00:00+01:00",
        "shipped_at": "2026-11-02T09:30:00Z",
        "lines": [
            {
                "sku": "TEE-M",
                "title": "T-shirt — M",
                "quantity": quantity,
                "unit_price": "19.95",
                "shipped_quantity": shipped,
            }
        ],
        **extra,
    }


def test_an_order_is_created_with_its_customer_and_a_product_for_a_new_sku(api):
    response = api.post("/api/v1/orders/", _order(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["customer"] == {"email": "pat@example.org", "name": "Pat Doe", "language": "nl"}
    assert data["lines"][0]["unit_price"] == "19.95"
    assert data["lines"][0]["currency"] == "EUR"
    assert data["shipped_at"].startswith("2026-11-02T")
    variant = Variant.objects.get(sku="TEE-M")
    assert variant.on_hand == 0 and variant.product.name == "T-shirt — M"
    assert api.get("/api/v1/orders/WEB-1001/").json() == data


def test_the_same_body_twice_changes_nothing(api):
    api.post("/api/v1/orders/", _order(), format="json")
    before = list(OrderLine.objects.values())
    response = api.post("/api/v1/orders/", _order(), format="json")
    assert response.status_code == 200
    assert list(OrderLine.objects.values()) == before
    assert Order.objects.count() == Customer.objects.count() == Product.objects.count() == 1


def test_a_local_time_in_the_daylight_saving_gap_sent_twice_changes_nothing(api, settings):
    """02:30 on 29 March 2026 does not exist in Amsterdam (the clocks jump from 02:00 to
    03:00). Sent without an offset, DRF reads it in the shop's zone; such a datetime never
    compares equal to the one read back (PEP 495), so every upsert saw a change."""
    settings.TIME_ZONE = "Europe/Amsterdam"
    body = _order(placed_at="2026-03-29T02:30:00", shipped_at="2026-03-29T02:45:00")
    assert api.post("/api/v1/orders/", body, format="json").status_code == 201
    order = Order.objects.get()
    with CaptureQueriesContext(connection) as again:
        assert api.post("/api/v1/orders/", body, format="json").status_code == 200
    writes = [q["sql"] for q in again if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [sql for sql in writes if "orders_" in sql], writes
    order.refresh_from_db()
    assert order.placed_at.isoformat() == "2026-03-29T01:30:00+00:00"


def test_an_idempotency_key_replays_the_first_answer_for_24_hours(api):
    first = api.post("/api/v1/orders/", _order(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/orders/", _order(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    other = api.post(
        "/api/v1/orders/", _order(quantity=4), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"


def test_a_line_cannot_drop_below_what_returns_hold(api, staff):
    api.post("/api/v1/orders/", _order(), format="json")
    line = OrderLine.objects.get()
    return_services.return_create(
        order=line.order,
        quantities={line.pk: 2},
        user=staff,
        origin=Return.Origin.STAFF,
        reason=return_services.Choice(text="Too small"),
    )
    response = api.post("/api/v1/orders/", _order(quantity=1, shipped=1), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "lines"
    assert body["detail"] == (
        "Returns hold 2 of the line with SKU TEE-M: its quantity and shipped quantity "
        "cannot be less."
    )
    line.refresh_from_db()
    assert line.quantity == 3
    removed = api.post("/api/v1/orders/", _order(lines=[]), format="json")
    assert removed.status_code == 400  # an order has lines
    other_line = _order()
    other_line["lines"][0]["sku"] = "TEE-L"
    assert api.post("/api/v1/orders/", other_line, format="json").status_code == 409
    # Down to exactly what is held is fine.
    assert (
        api.post("/api/v1/orders/", _order(quantity=2, shipped=2), format="json").status_code == 200
    )


def test_nothing_out_of_range_reaches_the_database(api):
    for bad in [
        _order(quantity=2**40),
        _order(placed_at="0001-01-01T00:00:00Z"),
        _order(number="A" * 33),
        _order(number="bad number"),
        {**_order(), "lines": [{**_order()["lines"][0], "unit_price": "1e30"}]},
        {**_order(), "lines": [{**_order()["lines"][0], "shipped_quantity": 4}]},
    ]:
        response = api.post("/api/v1/orders/", bad, format="json")
        assert response.status_code == 400, (bad, response.json())
        assert response["Content-Type"] == "application/problem+json"
    nul = api.post("/api/v1/orders/", _order(number="A\x00"), format="json")
    assert nul.status_code == 400
    assert not Order.objects.exists()


def test_a_staff_address_is_not_taken_as_a_customer(api, staff):
    body = _order()
    body["customer"]["email"] = staff.email
    response = api.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 409
    assert response.json()["field"] == "customer"


def test_customers_are_upserted_by_email(api):
    body = {"email": "kim@example.org", "name": "Kim", "language": "en"}
    assert api.post("/api/v1/customers/", body, format="json").status_code == 200
    body["name"], body["language"] = "Kim Jansen", "nl"
    data = api.post("/api/v1/customers/", body, format="json").json()
    assert data["name"] == "Kim Jansen" and data["language"] == "nl"
    assert Customer.objects.get().name == "Kim Jansen"


def test_products_are_upserted_by_sku_and_read_with_stock_and_ledger(api):
    body = {
        "name": "Sock",
        "variants": [
            {"sku": "SOCK-S", "title": "S", "price": "4.50"},
            {"sku": "SOCK-M", "title": "M", "price": "4.50"},
        ],
    }
    assert api.post("/api/v1/products/", body, format="json").status_code == 201
    body["name"] = "Wool sock"
    response = api.post("/api/v1/products/", body, format="json")
    assert response.status_code == 200
    assert Product.objects.get().name == "Wool sock"
    read = api.get("/api/v1/products/SOCK-M/").json()
    assert [v["sku"] for v in read["variants"]] == ["SOCK-S", "SOCK-M"]
    assert read["variants"][0]["on_hand"] == 0 and read["variants"][0]["ledger"] == []
    assert not StockMovement.objects.exists()
    assert api.get("/api/v1/products/NOPE/").status_code == 404


def test_a_language_the_shop_does_not_speak_is_refused(api):
    body = {"email": "kim@example.org", "name": "Kim", "language": "xx"}
    response = api.post("/api/v1/customers/", body, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "language"


def test_an_order_carries_its_money_and_what_is_credited_holds(api, staff):
    from decimal import Decimal

    from billing.services import LineInput, credit_invoice_create

    body = _order(shipping_cost="4.95", payment_method="iDEAL", currency="EUR")
    body["lines"][0]["vat_rate"] = "9.00"
    response = api.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    # A shipped order that sends no total paid has paid its lines and costs: 3 × 19.95 + 4.95.
    assert data["total_paid"] == "64.80" and data["shipping_cost"] == "4.95"
    assert data["payment_method"] == "iDEAL" and data["lines"][0]["vat_rate"] == "9.00"

    order = Order.objects.get()
    line = order.lines.get()
    credit_invoice_create(
        order=order, user=staff, lines={line.pk: LineInput(quantity=2)}, return_shipping_fee=0
    )
    assert api.get("/api/v1/orders/WEB-1001/").json()["lines"][0]["credited_amount"] == "39.90"

    cheaper = _order(shipping_cost="4.95")
    cheaper["lines"][0]["unit_price"] = "10.00"  # 3 × 10.00 < 39.90 credited
    refused = api.post("/api/v1/orders/", cheaper, format="json")
    assert refused.status_code == 409, refused.json()
    assert refused.json()["detail"] == (
        "Credit invoices hold 39.90 of the line with SKU TEE-M: its price × quantity "
        "cannot be less."
    )
    less_paid = api.post("/api/v1/orders/", _order(total_paid="20.00"), format="json")
    assert less_paid.status_code == 409
    assert less_paid.json()["field"] == "total_paid"
    order.refresh_from_db()
    assert order.total_paid == Decimal("64.80") and order.credited_total == Decimal("39.90")


def test_an_unpaid_order_has_paid_nothing_until_the_shop_says_so(api):
    response = api.post("/api/v1/orders/", _order(status="pending", shipped=0), format="json")
    assert response.json()["total_paid"] == "0.00"
    paid = api.post("/api/v1/orders/", _order(total_paid="59.85"), format="json")
    assert paid.json()["total_paid"] == "59.85"
