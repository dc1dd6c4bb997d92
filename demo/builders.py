"""Builds the demo shop (small, fixed, idempotent) and large generated shops (bulk inserts).

Everything here is idempotent: running it again adds only what is missing, so `make run`
can call it on every start.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from accounts.roles import sync_roles
from inventory.models import Product, Variant
from inventory.services import stock_receive_initial
from orders.models import Customer, Order, OrderLine

from .catalog import ACTIONS, DEMO_LOGINS, FIRST_NAMES, LAST_NAMES, NOTES, PATHS, PRODUCTS, REASONS

BATCH = 5000
GENERATED_EMAIL = "shopper{:07d}@example.net"
ORDER_NUMBER = "ORD-{:07d}"
DEMO_CUSTOMER_EMAIL = next(email for role, email, *_ in DEMO_LOGINS if role == "Customer")


def progress(iterable=None, *, total=None, desc=""):
    # A bar on a terminal; silent in CI logs (tqdm disables itself when not a TTY).
    return tqdm(iterable, total=total, desc=desc, unit=" rows", disable=None, leave=True)


# --- Logins and catalog ---------------------------------------------------------------


@transaction.atomic
def ensure_logins() -> dict[str, User]:
    """The three demo logins of SPEC §9; passwords are reset to the documented ones."""
    sync_roles()
    users = {}
    for role, email, password, name in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(email=email, defaults={"full_name": name})
        user.full_name = name
        user.set_password(password)
        user.save()
        if role == "Customer":
            Customer.objects.get_or_create(user=user, defaults={"name": name, "language": "en"})
        else:
            user.groups.set([Group.objects.get(name=role)])
        users[role] = user
    return users


@transaction.atomic
def ensure_catalog(rng: random.Random) -> list[Variant]:
    """The demo products with opening stock (through the stock ledger)."""
    new_stock = {}
    for index, (name, unit_price, sizes) in enumerate(PRODUCTS, start=1):
        product, _ = Product.objects.get_or_create(name=name)
        for size in sizes:
            sku = f"DEMO-{index:02d}-{size.replace(' ', '').replace('/', '-').upper()}"
            variant, created = Variant.objects.get_or_create(
                sku=sku,
                defaults={"product": product, "title": size, "price": Decimal(unit_price)},
            )
            if created:
                new_stock[variant.pk] = rng.randint(20, 120)
    stock_receive_initial(quantities=new_stock)
    return list(Variant.objects.select_related("product").filter(sku__startswith="DEMO-"))


def ensure_extra_products(count: int, rng: random.Random) -> list[Variant]:
    """Generated products for large shops (names "Product 00001"), each with 1–4 variants."""
    existing = Product.objects.filter(name__startswith="Product ").count()
    if existing < count:
        new_products = Product.objects.bulk_create(
            [Product(name=f"Product {i:05d}") for i in range(existing + 1, count + 1)],
            batch_size=BATCH,
        )
        variants = []
        for product in new_products:
            for size in rng.sample(["XS", "S", "M", "L", "XL", "XXL"], rng.randint(1, 4)):
                variants.append(
                    Variant(
                        product=product,
                        sku=f"GEN-{product.pk:06d}-{size}",
                        title=size,
                        price=Decimal(rng.randint(500, 25000)) / 100,
                    )
                )
        created = Variant.objects.bulk_create(variants, batch_size=BATCH)
        stock_receive_initial(quantities={v.pk: rng.randint(50, 5000) for v in created})
    return list(Variant.objects.select_related("product").all())


# --- Customers and orders -------------------------------------------------------------


def _line_for(order: Order, variant: Variant, quantity: int) -> OrderLine:
    return OrderLine(
        order=order,
        variant=variant,
        title=f"{variant.product.name} — {variant.title}",
        sku=variant.sku,
        quantity=quantity,
        unit_price=variant.price,
    )


@transaction.atomic
def ensure_demo_orders(customer: Customer, variants: list[Variant], rng: random.Random):
    """The demo customer's orders: recent and returnable, old (outside the return window),
    and not shipped yet, so every eligibility rule can be tried."""
    now = timezone.now()
    by_sku = {v.sku: v for v in variants}
    plans = [
        # number, placed days ago, shipped days ago (None = not shipped), status, lines
        (1, 6, 5, Order.Status.SHIPPED, [("DEMO-01-M", 2), ("DEMO-03-32-32", 1)]),
        (
            2,
            12,
            10,
            Order.Status.DELIVERED,
            [("DEMO-02-L", 1), ("DEMO-06-42", 1), ("DEMO-08-ONESIZE", 2)],
        ),
        (3, 70, 65, Order.Status.DELIVERED, [("DEMO-04-M", 1)]),
        (4, 1, None, Order.Status.PAID, [("DEMO-05-S", 1), ("DEMO-09-41-46", 3)]),
        (5, 4, 2, Order.Status.SHIPPED, [("DEMO-11-XL", 1), ("DEMO-07-95CM", 1)]),
    ]
    for number, placed, shipped, status, lines in plans:
        order, created = Order.objects.get_or_create(
            number=ORDER_NUMBER.format(number),
            defaults={
                "customer": customer,
                "status": status,
                "placed_at": now - timedelta(days=placed),
                "shipped_at": now - timedelta(days=shipped) if shipped is not None else None,
            },
        )
        if created:
            OrderLine.objects.bulk_create(
                [_line_for(order, by_sku[sku], quantity) for sku, quantity in lines]
            )


def ensure_customers(count: int, rng: random.Random) -> None:
    """At least `count` generated customers (shopperNNNNNNN@example.net), in bulk."""
    last = User.objects.filter(email__startswith="shopper").aggregate(last=Max("email"))["last"]
    start = int(last[7:14]) + 1 if last else 1
    existing = start - 1
    missing = count - existing
    if missing <= 0:
        return
    bar = progress(total=missing, desc="customers")
    password = make_password(None)  # unusable: generated customers cannot log in
    for begin in range(start, count + 1, BATCH):
        end = min(begin + BATCH, count + 1)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(email=GENERATED_EMAIL.format(i), password=password)
                    for i in range(begin, end)
                ]
            )
            Customer.objects.bulk_create(
                [
                    Customer(
                        user=user,
                        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        language=rng.choice(["nl", "nl", "en"]),
                    )
                    for user in users
                ]
            )
        bar.update(end - begin)
    bar.close()


def ensure_orders(count: int, variants: list[Variant], rng: random.Random) -> None:
    """At least `count` orders in all, generated for random customers, in bulk."""
    last = Order.objects.aggregate(last=Max("number"))["last"]
    start = int(last.split("-")[1]) + 1 if last else 1
    missing = count - Order.objects.count()
    if missing <= 0:
        return
    customer_ids = list(Customer.objects.values_list("pk", flat=True))
    now = timezone.now()
    bar = progress(total=missing, desc="orders")
    statuses = (
        [Order.Status.DELIVERED] * 6
        + [Order.Status.SHIPPED] * 3
        + [
            Order.Status.PAID,
            Order.Status.PENDING,
            Order.Status.CANCELLED,
        ]
    )
    for begin in range(start, start + missing, BATCH):
        end = min(begin + BATCH, start + missing)
        orders = []
        for i in range(begin, end):
            status = rng.choice(statuses)
            placed = now - timedelta(minutes=rng.randint(60, 400 * 24 * 60))
            shipped = (
                placed + timedelta(hours=rng.randint(12, 72))
                if status in (Order.Status.SHIPPED, Order.Status.DELIVERED)
                else None
            )
            orders.append(
                Order(
                    number=ORDER_NUMBER.format(i),
                    customer_id=rng.choice(customer_ids),
                    status=status,
                    placed_at=placed,
                    shipped_at=shipped,
                )
            )
        with transaction.atomic():
            orders = Order.objects.bulk_create(orders)
            OrderLine.objects.bulk_create(
                [
                    _line_for(order, variant, rng.randint(1, 3))
                    for order in orders
                    for variant in rng.sample(variants, rng.randint(1, 3))
                ]
            )
        bar.update(end - begin)
    bar.close()


# --- Returns --------------------------------------------------------------------------


@transaction.atomic
def ensure_return_catalog() -> None:
    from returns.models import CatalogEntry

    for kind, entries in ((CatalogEntry.Kind.REASON, REASONS), (CatalogEntry.Kind.ACTION, ACTIONS)):
        for position, (name, visible) in enumerate(entries, start=1):
            CatalogEntry.objects.get_or_create(
                kind=kind,
                name=name,
                defaults={"position": position, "visible_to_customers": visible},
            )


def ensure_demo_returns(users: dict[str, User], rng: random.Random) -> None:
    """Returns in every status, made through the real services so that their history,
    stock movements and held quantities are exactly what the app itself would write."""
    from returns import services
    from returns.models import CatalogEntry, Return

    if Return.objects.exists():
        return
    staff, admin = users["Staff"], users["Admin"]
    reasons = list(CatalogEntry.objects.filter(kind=CatalogEntry.Kind.REASON))
    actions = list(CatalogEntry.objects.filter(kind=CatalogEntry.Kind.ACTION))
    demo_customer = Customer.objects.get(user=users["Customer"])

    # The demo customer's own: one being handled, one approved and back in stock.
    mine = {order.number: order for order in demo_customer.orders.filter(shipped_at__isnull=False)}
    plans = [
        (mine.get(ORDER_NUMBER.format(2)), ["in_progress"]),
        (mine.get(ORDER_NUMBER.format(5)), ["approved"]),
    ]
    others = list(
        Order.objects.filter(shipped_at__isnull=False)
        .exclude(customer=demo_customer)
        .order_by("number")[: len(PATHS) * 3]
    )
    plans += [(order, PATHS[i % len(PATHS)]) for i, order in enumerate(others)]
    for order, path in progress(plans, desc="returns"):
        if order is None:
            continue
        line = rng.choice(list(order.lines.all()))
        by_customer = rng.random() < 0.6
        rma = services.return_create(
            order=order,
            quantities={line.pk: rng.randint(1, line.quantity)},
            user=order.customer.user if by_customer else staff,
            origin=Return.Origin.CUSTOMER if by_customer else Return.Origin.STAFF,
            reason=services.Choice(entry=rng.choice(reasons)),
            action=services.Choice(entry=rng.choice(actions)),
            customer_comment=rng.choice(
                ["", "Fits too tight around the shoulders.", "Arrived with a stain."]
            ),
        )
        for status in path:
            rma = services.return_change(
                rma=rma,
                user=rng.choice([staff, admin]),
                version=rma.version,
                status=status,
                staff_note=rng.choice(NOTES) if rng.random() < 0.5 else "",
            )


def ensure_returns(count: int, rng: random.Random) -> None:
    """At least `count` returns in all, generated in bulk with a realistic mix.

    Writes what the services would: lines, held quantities on the order lines, restocked
    quantities with their ledger rows (so on-hand still equals the ledger), and history.
    """
    from returns.models import CatalogEntry, Return, ReturnEvent, ReturnLine, Status

    missing = count - Return.objects.count()
    if missing <= 0:
        return
    reasons = list(
        CatalogEntry.objects.filter(kind=CatalogEntry.Kind.REASON).values_list("pk", flat=True)
    )
    actions = list(
        CatalogEntry.objects.filter(kind=CatalogEntry.Kind.ACTION).values_list("pk", flat=True)
    )
    mix = (
        [Status.NEW] * 10
        + [Status.IN_PROGRESS] * 10
        + [Status.APPROVED] * 15
        + [Status.REPAIRED] * 5
        + [Status.CREDITED] * 40
        + [Status.REJECTED] * 10
        + [Status.CANCELLED] * 10
    )
    bar = progress(total=missing, desc="returns")
    lines_iter, fresh_pass = _returnable_lines(), True
    made = 0
    while made < missing:
        batch = []
        for order_id, customer_id, line_id, variant_id, available, shipped_at in lines_iter:
            quantity = rng.randint(1, available)
            status = rng.choice(mix)
            created = shipped_at + timedelta(hours=rng.randint(24, 24 * 28))
            batch.append((order_id, customer_id, line_id, variant_id, quantity, status, created))
            if len(batch) == BATCH or made + len(batch) >= missing:
                break
        if not batch:
            if fresh_pass:
                bar.write("No returnable order lines left: add orders (--orders) for more returns.")
                break
            # Another pass over the lines that still have quantity left.
            lines_iter, fresh_pass = _returnable_lines(), True
            continue
        fresh_pass = False
        with transaction.atomic():
            returns = Return.objects.bulk_create(
                [
                    Return(
                        order_id=order_id,
                        customer_id=customer_id,
                        status=status,
                        origin=rng.choice(["customer", "customer", "staff"]),
                        reason_id=rng.choice(reasons) if reasons else None,
                        reason_text="" if reasons else "Does not fit",
                        action_id=rng.choice(actions) if actions and rng.random() < 0.7 else None,
                        update_stock=rng.random() < 0.9,
                        created_at=created,
                        updated_at=created + timedelta(hours=rng.randint(1, 72)),
                    )
                    for order_id, customer_id, _line, _variant, _qty, status, created in batch
                ]
            )
            lines, events, held, stock = [], [], {}, {}
            for rma, (_o, _c, line_id, variant_id, quantity, status, created) in zip(
                returns, batch, strict=True
            ):
                restocked = (
                    quantity
                    if status in (Status.APPROVED, Status.REPAIRED, Status.CREDITED)
                    and rma.update_stock
                    else 0
                )
                lines.append(
                    ReturnLine(
                        rma=rma,
                        order_line_id=line_id,
                        quantity=quantity,
                        restocked_quantity=restocked,
                    )
                )
                events.append(
                    ReturnEvent(
                        rma=rma,
                        kind=ReturnEvent.Kind.CREATED,
                        to_status=Status.NEW,
                        created_at=created,
                        data={"origin": rma.origin, "lines": [{"quantity": quantity}]},
                    )
                )
                if status != Status.NEW:
                    events.append(
                        ReturnEvent(
                            rma=rma,
                            kind=ReturnEvent.Kind.STATUS_CHANGED,
                            from_status=Status.NEW,
                            to_status=status,
                            created_at=rma.updated_at,
                        )
                    )
                if status not in (Status.REJECTED, Status.CANCELLED):
                    held[line_id] = held.get(line_id, 0) + quantity
                if restocked:
                    stock[variant_id] = stock.get(variant_id, 0) + restocked
            lines = ReturnLine.objects.bulk_create(lines)
            ReturnEvent.objects.bulk_create(events)
            _restock_in_bulk(
                [
                    (line, row[3])
                    for line, row in zip(lines, batch, strict=True)
                    if line.restocked_quantity
                ],
                stock,
            )
            _hold_in_bulk(held)
        made += len(batch)
        bar.update(len(batch))
    bar.close()


def _returnable_lines():
    """Shipped order lines with quantity nobody holds yet, oldest first, in chunks.

    The demo customer's orders are left alone: their returns are made by hand in
    ensure_demo_returns, so that the demo login always has an order to return, one outside
    the window and one not shipped (every eligibility answer can be seen)."""
    demo_customer = Customer.objects.filter(user__email=DEMO_CUSTOMER_EMAIL).values("pk")
    last = 0
    while True:
        chunk = list(
            OrderLine.objects.filter(
                pk__gt=last, order__shipped_at__isnull=False, returned_quantity__lt=F("quantity")
            )
            .exclude(order__customer__in=demo_customer)
            .order_by("pk")
            .values_list(
                "pk",
                "order_id",
                "order__customer_id",
                "variant_id",
                "quantity",
                "returned_quantity",
                "order__shipped_at",
            )[:BATCH]
        )
        if not chunk:
            return
        for pk, order_id, customer_id, variant_id, quantity, returned, shipped_at in chunk:
            yield order_id, customer_id, pk, variant_id, quantity - returned, shipped_at
        last = chunk[-1][0]


def _restock_in_bulk(restocked_lines, per_variant: dict[int, int]) -> None:
    """Ledger rows for restocked lines, and on-hand raised by exactly their sum."""
    from inventory.models import StockMovement
    from returns.models import ReturnLine

    line_type = ContentType.objects.get_for_model(ReturnLine)
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                variant_id=variant_id,
                delta=line.restocked_quantity,
                kind=StockMovement.Kind.RETURN_RESTOCK,
                reference_type=line_type,
                reference_id=line.pk,
                created_at=line.rma.updated_at,
            )
            for line, variant_id in restocked_lines
        ],
        batch_size=BATCH,
    )
    for variant_id in sorted(per_variant):
        Variant.objects.filter(pk=variant_id).update(on_hand=F("on_hand") + per_variant[variant_id])


def _hold_in_bulk(held: dict[int, int]) -> None:
    for line_id, quantity in held.items():
        OrderLine.objects.filter(pk=line_id).update(
            returned_quantity=F("returned_quantity") + quantity
        )
