from decimal import Decimal

import pytest

from tests.factories import OrderFactory, OrderLineFactory, VariantFactory


@pytest.fixture
def order(db):
    """A shipped order: 3 T-shirts at €24.95 (21 %), 2 books at €22.50 (9 %), shipping
    €4.95 and PayPal's €0.35; paid €125.15."""
    order = OrderFactory(
        shipping_cost=Decimal("4.95"),
        payment_cost=Decimal("0.35"),
        total_paid=Decimal("5.30"),
        payment_method="PayPal",
    )
    OrderLineFactory(order=order, variant=VariantFactory(price=Decimal("24.95")), quantity=3)
    OrderLineFactory(
        order=order,
        variant=VariantFactory(price=Decimal("22.50")),
        quantity=2,
        vat_rate=Decimal(9),
    )
    order.refresh_from_db()
    assert order.total_paid == Decimal("125.15")
    return order


@pytest.fixture
def shirts(order):
    return order.lines.get(unit_price=Decimal("24.95"))


@pytest.fixture
def books(order):
    return order.lines.get(unit_price=Decimal("22.50"))


@pytest.fixture
def approved_return(order, shirts, books, staff):
    """An approved return of 2 T-shirts and 1 book."""
    from returns import services as return_services
    from tests.factories import CatalogEntryFactory

    rma = return_services.return_create(
        order=order,
        quantities={shirts.pk: 2, books.pk: 1},
        user=staff,
        origin="staff",
        reason=return_services.Choice(entry=CatalogEntryFactory(kind="reason", name="Too small")),
    )
    return return_services.return_change(
        rma=rma, user=staff, version=rma.version, status="approved"
    )
