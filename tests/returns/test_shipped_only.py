"""Only shipped items can be returned (issue 14, item 2), for staff as for customers:
an order that was cancelled, awaits payment or has not shipped has nothing to return, the
order page says why there is no Create return, and a forged form changes nothing."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from inventory.models import StockMovement, Variant
from inventory.services import stock_receive_initial
from orders.models import Order, OrderLine
from returns import exceptions, services
from returns.models import Return
from tests.factories import OrderLineFactory

UNSHIPPED = {
    "cancelled": ({"status": "cancelled", "shipped_at": None}, "was cancelled"),
    "awaiting payment": ({"status": "pending", "shipped_at": None}, "awaits payment"),
    "paid, not shipped": ({"status": "paid", "shipped_at": None}, "has not shipped yet"),
}


@pytest.fixture(params=UNSHIPPED.values(), ids=UNSHIPPED.keys())
def unshipped(request, customer):
    order_fields, why = request.param
    line = OrderLineFactory(
        order__customer=customer,
        order__number="ORD-9",
        quantity=2,
        **{f"order__{name}": value for name, value in order_fields.items()},
    )
    stock_receive_initial(quantities={line.variant_id: 10})
    return line, why


def _create_form(line, reason):
    return {
        f"line_{line.pk}": "2",
        "reason": reason.pk,
        "update_stock": "on",
        "notify_customer": "on",
    }


def test_the_order_page_says_why_it_offers_no_create_return(staff_client, unshipped):
    line, why = unshipped
    page = staff_client.get(f"/backoffice/orders/{line.order.number}/").text
    assert why in page
    assert "/create-return/" not in page


def test_a_forged_create_return_is_refused_and_changes_nothing(staff_client, unshipped, reason):
    line, why = unshipped
    url = f"/backoffice/orders/{line.order.number}/create-return/"
    response = staff_client.post(url, _create_form(line, reason), follow=True)
    assert response.redirect_chain == [(f"/backoffice/orders/{line.order.number}/", 302)]
    assert why in response.text
    assert not Return.objects.exists()
    assert OrderLine.objects.get(pk=line.pk).returned_quantity == 0
    assert Variant.objects.get(pk=line.variant_id).on_hand == 10
    assert StockMovement.objects.count() == 1  # the opening stock only
    assert staff_client.get(url).status_code == 302


def test_the_service_refuses_an_order_that_did_not_ship(unshipped, staff, reason):
    line, why = unshipped
    with pytest.raises(exceptions.ReturnsNotAllowed, match=why):
        services.return_create(
            order=line.order,
            quantities={line.pk: 1},
            user=staff,
            origin=Return.Origin.STAFF,
            reason=services.Choice(entry=reason),
        )
    assert not Return.objects.exists()


def test_customers_see_why_they_cannot_return_it(customer_client, unshipped):
    line, _why = unshipped
    page = customer_client.get(f"/account/orders/{line.order.number}/").text
    assert "request-return" not in page
    refused = customer_client.get(f"/account/orders/{line.order.number}/request-return/")
    assert refused.status_code == 403


def test_only_the_shipped_part_of_a_line_can_be_returned(staff_client, customer, reason, staff):
    line = OrderLineFactory(order__customer=customer, quantity=3, shipped_quantity=1)
    with pytest.raises(exceptions.QuantityNotReturnable, match="Only 1 of"):
        services.return_create(
            order=line.order,
            quantities={line.pk: 2},
            user=staff,
            origin=Return.Origin.STAFF,
            reason=services.Choice(entry=reason),
        )
    form = staff_client.get(f"/backoffice/orders/{line.order.number}/create-return/")
    field = form.context["form"].fields[f"line_{line.pk}"]
    assert field.max_value == 1
    assert "1 of 1 can still be returned." in form.text


def test_the_database_keeps_returned_within_shipped_within_quantity(line):
    for values in ({"shipped_quantity": 4}, {"shipped_quantity": 0, "returned_quantity": 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            OrderLine.objects.filter(pk=line.pk).update(**values)


def test_the_migration_ships_shipped_orders_and_keeps_held_quantities(customer):
    shipped = OrderLineFactory(order__customer=customer, quantity=3, shipped_quantity=0)
    held = OrderLineFactory(
        order__customer=customer,
        order__status=Order.Status.PAID,
        order__shipped_at=None,
        quantity=3,
        shipped_quantity=2,
        returned_quantity=2,
    )
    migration = importlib.import_module("orders.migrations.0003_shipped_quantity")
    migration.ship_what_shipped(apps, None)
    assert OrderLine.objects.get(pk=shipped.pk).shipped_quantity == 3
    assert OrderLine.objects.get(pk=held.pk).shipped_quantity == 2
