"""The shop the browser tests work in, made with the factories and the services (never
through the pages under test): people with known passwords, products with stock, shipped
orders and, on request, returns in every status."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from inventory.models import Variant
from inventory.services import stock_receive_initial
from orders.models import Customer, Order, OrderLine
from returns import services
from returns.models import Return, Status
from tests.factories import (
    AdminUserFactory,
    CatalogEntryFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    StaffUserFactory,
    VariantFactory,
)

PASSWORD = "secret-pass-123"  # every factory-made login has it

# How a new return reaches each status through the workflow.
PATH_TO = {
    Status.NEW: [],
    Status.IN_PROGRESS: [Status.IN_PROGRESS],
    Status.APPROVED: [Status.APPROVED],
    Status.REPAIRED: [Status.APPROVED, Status.REPAIRED],
    Status.CREDITED: [Status.APPROVED, Status.CREDITED],
    Status.REJECTED: [Status.REJECTED],
    Status.CANCELLED: [Status.CANCELLED],
}


@dataclass
class Shop:
    staff: object
    admin: object
    customer: Customer
    order: Order
    shirt: OrderLine  # 3 × Linen shirt M; 10 in stock
    sneakers: OrderLine  # 1 × Canvas sneakers 42; 4 in stock
    reasons: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    returns: list = field(default_factory=list)

    def on_hand(self, order_line: OrderLine) -> int:
        return Variant.objects.get(pk=order_line.variant_id).on_hand


def _variant(product_name: str, title: str, sku: str, price: str) -> Variant:
    return VariantFactory(
        product=ProductFactory(name=product_name), title=title, sku=sku, price=price
    )


def build_shop() -> Shop:
    staff = StaffUserFactory(email="sam.staff@example.org", full_name="Sam Staff")
    admin = AdminUserFactory(email="ada.admin@example.org", full_name="Ada Admin")
    customer = CustomerFactory(
        name="Chris Customer", user__email="chris@example.org", user__full_name="Chris Customer"
    )
    shirt = _variant("Linen shirt", "M", "LIN-M", "59.50")
    sneakers = _variant("Canvas sneakers", "42", "CAN-42", "74.95")
    stock_receive_initial(quantities={shirt.pk: 10, sneakers.pk: 4})
    order = OrderFactory(number="ORD-1001", customer=customer)
    reasons = {
        name: CatalogEntryFactory(kind="reason", name=name)
        for name in ("Too small", "Too large", "Defective", "Not as described")
    }
    actions = {
        name: CatalogEntryFactory(kind="action", name=name)
        for name in ("Send a larger size", "Refund", "Repair")
    }
    return Shop(
        staff=staff,
        admin=admin,
        customer=customer,
        order=order,
        shirt=OrderLineFactory(order=order, variant=shirt, quantity=3),
        sneakers=OrderLineFactory(order=order, variant=sneakers, quantity=1),
        reasons=reasons,
        actions=actions,
    )


def make_return(
    shop: Shop,
    order_line: OrderLine,
    *,
    quantity: int = 1,
    status: str = Status.NEW,
    reason: str = "Too small",
    origin: str = Return.Origin.CUSTOMER,
    comment: str = "",
) -> Return:
    rma = services.return_create(
        order=order_line.order,
        quantities={order_line.pk: quantity},
        user=shop.staff if origin == Return.Origin.STAFF else order_line.order.customer.user,
        origin=origin,
        reason=services.Choice(entry=shop.reasons[reason]),
        customer_comment=comment,
    )
    for step in PATH_TO[status]:
        rma = services.return_change(rma=rma, user=shop.staff, version=rma.version, status=step)
    return rma


def add_showcase(shop: Shop) -> None:
    """More customers, orders and a return in every status, so that lists look like a
    shop's (for the accessibility checks and the README's screenshots)."""
    now = timezone.now()
    people = [
        ("Emma de Vries", "emma@example.org", "nl"),
        ("Daan Jansen", "daan@example.org", "nl"),
        ("Olivia Smith", "olivia@example.org", "en"),
    ]
    products = [
        ("Organic cotton T-shirt", "L", "TSH-L", "24.95"),
        ("Merino wool jumper", "M", "MER-M", "89.00"),
        ("Rain jacket", "S", "RAI-S", "129.00"),
    ]
    variants = [_variant(*product) for product in products]
    stock_receive_initial(quantities={variant.pk: 25 for variant in variants})
    lines = []
    for index, (name, email, language) in enumerate(people):
        customer = CustomerFactory(
            name=name, language=language, user__email=email, user__full_name=name
        )
        order = OrderFactory(
            number=f"ORD-{1002 + index}",
            customer=customer,
            placed_at=now - timedelta(days=8 - index),
            shipped_at=now - timedelta(days=6 - index),
        )
        lines += [
            OrderLineFactory(order=order, variant=variant, quantity=3) for variant in variants
        ]
    # The shop's own customer has a history too: delivered long ago, and not shipped yet.
    older = OrderFactory(
        number="ORD-0987",
        customer=shop.customer,
        status=Order.Status.DELIVERED,
        placed_at=now - timedelta(days=40),
        shipped_at=now - timedelta(days=38),
    )
    OrderLineFactory(order=older, variant=variants[1], quantity=1)
    pending = OrderFactory(
        number="ORD-1010",
        customer=shop.customer,
        status=Order.Status.PAID,
        placed_at=now - timedelta(hours=5),
        shipped_at=None,
    )
    OrderLineFactory(order=pending, variant=variants[0], quantity=2)
    comments = {
        Status.NEW: "The sleeves are too short for me.",
        Status.REJECTED: "Worn once, the tag is gone.",
    }
    reasons = list(shop.reasons)
    for index, status in enumerate(Status.values):
        shop.returns.append(
            make_return(
                shop,
                lines[index],
                quantity=1 + index % 2,
                status=status,
                reason=reasons[index % len(reasons)],
                origin=Return.Origin.STAFF if index % 3 == 2 else Return.Origin.CUSTOMER,
                comment=comments.get(status, ""),
            )
        )
