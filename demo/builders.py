"""Builds the demo shop (small, fixed, idempotent) and large generated shops (bulk inserts).

Everything here is idempotent: running it again adds only what is missing, so `make run`
can call it on every start.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from accounts.roles import sync_roles
from inventory.models import Product, Variant
from inventory.services import stock_receive_initial
from orders.models import Customer, Order, OrderLine

from .catalog import DEMO_LOGINS, FIRST_NAMES, LAST_NAMES, PRODUCTS

BATCH = 5000
GENERATED_EMAIL = "shopper{:07d}@example.net"
ORDER_NUMBER = "ORD-{:07d}"


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
