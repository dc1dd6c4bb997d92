import pytest

from inventory.services import stock_receive_initial
from returns import services
from returns.models import Return
from tests.factories import CatalogEntryFactory, OrderLineFactory

# How to bring a new return into each status through the workflow.
PATH_TO = {
    "new": [],
    "in_progress": ["in_progress"],
    "approved": ["approved"],
    "repaired": ["approved", "repaired"],
    "credited": ["approved", "credited"],
    "rejected": ["rejected"],
    "cancelled": ["cancelled"],
}


@pytest.fixture
def reason(db):
    return CatalogEntryFactory(kind="reason", name="Too small")


@pytest.fixture
def action(db):
    return CatalogEntryFactory(kind="action", name="Send a larger size")


@pytest.fixture
def line(db, customer):
    """An order line of 3 items of a variant with 10 in stock."""
    order_line = OrderLineFactory(order__customer=customer, order__number="ORD-1", quantity=3)
    stock_receive_initial(quantities={order_line.variant_id: 10})
    return order_line


@pytest.fixture
def make_return(reason, staff):
    def make(
        order_line, *, quantity=1, status="new", user=None, update_stock=True, **kwargs
    ) -> Return:
        rma = services.return_create(
            order=order_line.order,
            quantities={order_line.pk: quantity},
            user=user or staff,
            origin=kwargs.pop("origin", Return.Origin.STAFF),
            reason=kwargs.pop("reason_choice", services.Choice(entry=reason)),
            update_stock=update_stock,
            **kwargs,
        )
        for step in PATH_TO[status]:
            rma = services.return_change(
                rma=rma, user=user or staff, version=rma.version, status=step
            )
        return rma

    return make
