"""Builds the demo shop (small, fixed, idempotent) and large generated shops (bulk inserts).

Everything here is idempotent: running it again adds only what is missing, so `make run`
can call it on every start.
"""

import json
import random
import smtplib
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Max
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from accounts.roles import sync_roles
from inventory.models import Product, Variant
from inventory.services import stock_receive_initial
from orders.models import Customer, Order, OrderLine

from . import bulk
from .catalog import (
    ACTIONS,
    DEMO_LOGINS,
    FIRST_NAMES,
    FREE_SHIPPING_FROM,
    LAST_NAMES,
    NOTES,
    PATHS,
    PAYMENT_COSTS,
    PAYMENT_METHODS,
    PRODUCTS,
    REASONS,
    RETURN_ADDRESS,
    RETURN_INSTRUCTIONS,
    SHIPPING_COST,
    STANDARD_VAT_RATE,
    STORIES,
    VAT_RATES,
)

BATCH = 5000
BIG_BATCH = 50_000
EMPTY_JSON = bulk.json_text("{}")
# From this many rows on, a load rebuilds the indexes afterwards instead of row by row.
LARGE = 100_000
GENERATED_EMAIL = "shopper{:07d}@example.net"
ORDER_NUMBER = "ORD-{:07d}"
# The shop sells in the Netherlands, Belgium, Germany and France: most customers read Dutch.
CUSTOMER_LANGUAGES = ("nl", "nl", "nl", "en", "de", "fr")
DEMO_CUSTOMER_EMAIL = next(email for role, email, *_ in DEMO_LOGINS if role == "Customer")


MONEY_COLUMNS = (
    "currency",
    "shipping_cost",
    "payment_cost",
    "costs_vat_rate",
    "payment_method",
    "total_paid",
)

# Generated orders are placed up to this many days ago.
HISTORY_DAYS = 400


def opening_day():
    """When the shop received its opening stock: before its first order, so that no ledger
    row (a return's restock) is older than the stock it moves."""
    return timezone.now() - timedelta(days=HISTORY_DAYS + 1)


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
        # The demo admin may also look around Django's own admin (/django-admin/), which
        # only superusers reach; read-only for everything the services own.
        user.is_staff = user.is_superuser = role == "Admin"
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
    stock_receive_initial(quantities=new_stock, at=opening_day())
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
        stock_receive_initial(
            quantities={v.pk: rng.randint(50, 5000) for v in created}, at=opening_day()
        )
    return list(Variant.objects.select_related("product").all())


# --- Customers and orders -------------------------------------------------------------


def vat_rate_of(variant: Variant) -> Decimal:
    return Decimal(VAT_RATES.get(variant.product.name, STANDARD_VAT_RATE))


def order_money(goods: Decimal, payment_method: str) -> dict:
    """The money columns of a demo order whose goods cost `goods` (VAT included): free
    shipping from the threshold on, PayPal's fee; paid in full."""
    shipping = Decimal(0) if goods >= Decimal(FREE_SHIPPING_FROM) else Decimal(SHIPPING_COST)
    payment = Decimal(PAYMENT_COSTS.get(payment_method, "0"))
    return {
        "currency": "EUR",
        "shipping_cost": shipping,
        "payment_cost": payment,
        "costs_vat_rate": Decimal(STANDARD_VAT_RATE),
        "payment_method": payment_method,
        "total_paid": goods + shipping + payment,
    }


def _line_for(order: Order, variant: Variant, quantity: int) -> OrderLine:
    return OrderLine(
        vat_rate=vat_rate_of(variant),
        order=order,
        variant=variant,
        title=f"{variant.product.name} — {variant.title}",
        sku=variant.sku,
        quantity=quantity,
        # Shipped orders shipped in full; the others have shipped nothing yet.
        shipped_quantity=quantity if order.shipped_at is not None else 0,
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
            [("DEMO-02-L", 1), ("DEMO-06-42", 1), ("DEMO-08-ONESIZE", 2), ("DEMO-13-PAPERBACK", 1)],
        ),
        (3, 70, 65, Order.Status.DELIVERED, [("DEMO-04-M", 1)]),
        (4, 1, None, Order.Status.PAID, [("DEMO-05-S", 1), ("DEMO-09-41-46", 3)]),
        (5, 4, 2, Order.Status.SHIPPED, [("DEMO-11-XL", 1), ("DEMO-07-95CM", 1)]),
    ]
    for number, placed, shipped, status, lines in plans:
        goods = sum(by_sku[sku].price * quantity for sku, quantity in lines)
        order, created = Order.objects.get_or_create(
            number=ORDER_NUMBER.format(number),
            defaults={
                "customer": customer,
                "status": status,
                "placed_at": now - timedelta(days=placed),
                "shipped_at": now - timedelta(days=shipped) if shipped is not None else None,
                **order_money(goods, PAYMENT_METHODS[number % len(PAYMENT_METHODS)]),
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
    missing = count - (start - 1)
    if missing <= 0:
        return
    password = make_password(None)  # unusable: generated customers cannot log in
    now = timezone.now()
    bar = progress(total=missing, desc="customers")
    for begin in range(start, count + 1, BIG_BATCH):
        end = min(begin + BIG_BATCH, count + 1)
        user_ids = bulk.allocate_ids(User, end - begin)
        customer_ids = bulk.allocate_ids(Customer, end - begin)
        with bulk.loading():
            bulk.insert(
                User,
                [
                    "id",
                    "email",
                    "password",
                    "full_name",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "date_joined",
                ],
                (
                    (pk, GENERATED_EMAIL.format(i), password, "", True, False, False, now)
                    for pk, i in zip(user_ids, range(begin, end), strict=True)
                ),
            )
            bulk.insert(
                Customer,
                ["id", "user_id", "name", "language", "created_at"],
                (
                    (
                        pk,
                        user_id,
                        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        rng.choice(CUSTOMER_LANGUAGES),
                        now,
                    )
                    for pk, user_id in zip(customer_ids, user_ids, strict=True)
                ),
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
    statuses = (
        [Order.Status.DELIVERED] * 6
        + [Order.Status.SHIPPED] * 3
        + [
            Order.Status.PAID,
            Order.Status.PENDING,
            Order.Status.CANCELLED,
        ]
    )
    with bulk.indexes_deferred(*((Order, OrderLine) if missing >= LARGE else ())):
        bar = progress(total=missing, desc="orders")
        for begin in range(start, start + missing, BIG_BATCH):
            end = min(begin + BIG_BATCH, start + missing)
            order_ids = bulk.allocate_ids(Order, end - begin)
            orders, lines = [], []
            for pk, i in zip(order_ids, range(begin, end), strict=True):
                status = rng.choice(statuses)
                placed = now - timedelta(minutes=rng.randint(60, HISTORY_DAYS * 24 * 60))
                shipped = None
                if status in (Order.Status.SHIPPED, Order.Status.DELIVERED):
                    shipped = placed + timedelta(hours=rng.randint(12, 72))
                    if shipped > now:  # placed this morning: paid, still being packed
                        status, shipped = Order.Status.PAID, None
                goods = Decimal(0)
                for variant in rng.sample(variants, rng.randint(1, 3)):
                    title = f"{variant.product.name} — {variant.title}"
                    quantity = rng.randint(1, 4)
                    goods += variant.price * quantity
                    lines.append(
                        (
                            pk,
                            variant.pk,
                            title,
                            variant.sku,
                            quantity,
                            quantity if shipped else 0,
                            variant.price,
                            vat_rate_of(variant),
                            0,
                        )
                    )
                money = order_money(goods, rng.choice(PAYMENT_METHODS))
                if status in (Order.Status.PENDING, Order.Status.CANCELLED):
                    money["total_paid"] = Decimal(0)
                orders.append(
                    (
                        pk,
                        ORDER_NUMBER.format(i),
                        rng.choice(customer_ids),
                        status,
                        placed,
                        shipped,
                        *(money[name] for name in MONEY_COLUMNS),
                    )
                )
            with bulk.loading():
                bulk.insert(
                    Order,
                    [
                        "id",
                        "number",
                        "customer_id",
                        "status",
                        "placed_at",
                        "shipped_at",
                        *MONEY_COLUMNS,
                    ],
                    orders,
                )
                line_ids = bulk.allocate_ids(OrderLine, len(lines))
                bulk.insert(
                    OrderLine,
                    [
                        "id",
                        "order_id",
                        "variant_id",
                        "title",
                        "sku",
                        "quantity",
                        "shipped_quantity",
                        "unit_price",
                        "vat_rate",
                        "returned_quantity",
                    ],
                    ((pk, *line) for pk, line in zip(line_ids, lines, strict=True)),
                )
            bar.update(end - begin)
        bar.close()


# --- Returns --------------------------------------------------------------------------


@transaction.atomic
def ensure_return_catalog() -> None:
    """The reasons and actions, named in every language the shop speaks; entries made
    before they had names per language get the names they lack."""
    from returns.models import CatalogEntry

    others = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    for kind, entries in ((CatalogEntry.Kind.REASON, REASONS), (CatalogEntry.Kind.ACTION, ACTIONS)):
        for position, (names, visible) in enumerate(entries, start=1):
            translated = {code: name for code, name in names.items() if code in others}
            entry, created = CatalogEntry.objects.get_or_create(
                kind=kind,
                name=names[settings.LANGUAGE_CODE],
                defaults={
                    "position": position,
                    "visible_to_customers": visible,
                    "names": translated,
                },
            )
            if not created and set(translated) - set(entry.names):
                entry.names = {**translated, **entry.names}
                entry.save(update_fields=["names"])


@transaction.atomic
def ensure_return_settings() -> None:
    """Where the demo shop's customers send their parcels (Settings > Account & service),
    unless someone has set it already."""
    from returns.models import ReturnSettings

    current, _created = ReturnSettings.objects.get_or_create(pk=1)
    if not current.return_address:
        current.return_address = RETURN_ADDRESS
        current.return_instructions = {
            code: text
            for code, text in RETURN_INSTRUCTIONS.items()
            if code in dict(settings.LANGUAGES)
        }
        current.save(update_fields=["return_address", "return_instructions"])


@transaction.atomic
def ensure_billing_settings() -> None:
    """The demo shop's invoice details and fees (Settings > Returns & refunds), unless
    someone has set them already: what every credit invoice PDF prints."""
    from billing.models import BillingSettings

    current, _created = BillingSettings.objects.get_or_create(pk=1)
    if not current.shop_name:
        current.shop_name = settings.SHOP_NAME
        current.shop_address = RETURN_ADDRESS
        current.vat_number = "NL000099998B57"
        current.coc_number = "12345678"
        current.return_shipping_fee = Decimal("4.95")
        current.save()


def ensure_demo_returns(users: dict[str, User], rng: random.Random) -> None:
    """Returns in every status, made through the real services so that their history,
    stock movements, held quantities and e-mails are exactly what the app itself would
    write: customers' requests where the order may still be returned, else returns staff
    created; reasons, comments, wished actions and staff notes that belong together."""
    from returns import selectors, services
    from returns.models import CatalogEntry, Return

    if Return.objects.exists():
        return
    staff, admin = users["Staff"], users["Admin"]
    entries = {(entry.kind, entry.name): entry for entry in CatalogEntry.objects.all()}
    demo_customer = Customer.objects.get(user=users["Customer"])

    # The demo customer's own: one being handled, one approved and back in stock.
    mine = {order.number: order for order in demo_customer.orders.filter(shipped_at__isnull=False)}
    plans = [
        (mine.get(ORDER_NUMBER.format(2)), ["in_progress"]),
        (mine.get(ORDER_NUMBER.format(5)), ["approved"]),
    ]
    others = list(
        Order.objects.filter(status__in=[Order.Status.SHIPPED, Order.Status.DELIVERED])
        .exclude(customer=demo_customer)
        .order_by("-shipped_at", "number")[: len(PATHS) * 3]
    )
    plans += [(order, PATHS[i % len(PATHS)]) for i, order in enumerate(others)]
    for order, path in progress(plans, desc="returns"):
        if order is None:
            continue
        line = rng.choice(list(order.lines.all()))
        story = rng.choice(sorted(STORIES))
        comments, wishes = STORIES[story]
        reason = services.Choice(entry=entries[(CatalogEntry.Kind.REASON, story)])
        action = services.Choice(entry=entries[(CatalogEntry.Kind.ACTION, rng.choice(wishes))])
        quantities = {line.pk: rng.randint(1, line.shipped_quantity)}
        comment = rng.choice(comments)
        if rng.random() < 0.6 and selectors.return_eligibility(order).eligible:
            rma, _created = services.return_request(
                customer=order.customer,
                order=order,
                quantities=quantities,
                reason=reason,
                action=action,
                comment=comment,
                token=uuid.UUID(int=rng.getrandbits(128)),
            )
        else:
            # Phoned in: staff note what the customer said.
            rma = services.return_create(
                order=order,
                quantities=quantities,
                user=staff,
                origin=Return.Origin.STAFF,
                reason=reason,
                action=action,
                customer_comment=comment,
            )
        for status in path:
            rma = services.return_change(
                rma=rma,
                user=rng.choice([staff, admin]),
                version=rma.version,
                status=status,
                staff_note=rng.choice(NOTES[status]) if rng.random() < 0.6 else "",
            )


class _RefusingMailServer(BaseEmailBackend):
    """The demo's mail server for one e-mail: it refuses the recipient (550), as a real
    one does for a mailbox that no longer exists."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {to: (550, b"5.1.1 Mailbox unavailable") for m in messages for to in m.to}
        )


def ensure_failed_email() -> None:
    """One e-mail the mail server refused, so the Outbox has something to Resend: the
    status e-mail of a generated customer's return, delivered once to a server that says
    the mailbox does not exist. Nothing when the outbox already holds a failed e-mail."""
    from notifications.models import OutgoingEmail
    from notifications.services import email_deliver
    from returns.emails import queue_status_email
    from returns.models import Return

    if OutgoingEmail.objects.filter(state=OutgoingEmail.State.FAILED).exists():
        return
    rma = (
        Return.objects.exclude(customer__user__email=DEMO_CUSTOMER_EMAIL)
        .exclude(status="new")
        .select_related("customer__user", "order")
        .order_by("-pk")
        .first()
    )
    if rma is None:
        return
    with transaction.atomic():
        queue_status_email(rma)
    email = OutgoingEmail.objects.filter(reference=f"return:{rma.pk}").order_by("-pk").first()
    with override_settings(EMAIL_BACKEND=f"{__name__}._RefusingMailServer"):
        email_deliver(email_id=email.pk)


def _not_after(now, start, *, minutes: int):
    """`minutes` after `start`, but no later than now (and never before `start`)."""
    return min(start + timedelta(minutes=minutes), max(start, now))


def ensure_returns(count: int, rng: random.Random) -> None:
    """At least `count` returns in all, generated in bulk with a realistic mix of statuses,
    reasons, actions and origins.

    Writes what the services would: one line per return, held quantities on the order
    lines (never more than was shipped), restocked quantities with their ledger rows and
    on-hand raised by exactly their sum (so on-hand still equals the ledger), history, and
    the customer's request of each return a customer asked for (with entries customers may
    choose). Nothing is dated in the future: a return comes after its order shipped, its
    last change after it was created, both before now.
    """
    from inventory.models import StockMovement
    from returns.models import (
        CatalogEntry,
        HistoryEntry,
        Return,
        ReturnLine,
        ReturnRequest,
        Status,
    )

    missing = count - Return.objects.count()
    if missing <= 0:
        return
    now = timezone.now()

    def entries(kind, **only):
        found = CatalogEntry.objects.filter(kind=kind, **only).values_list("pk", flat=True)
        return list(found) or [None]

    reasons, actions = entries("reason"), entries("action")
    customer_reasons = entries("reason", visible_to_customers=True)
    customer_actions = entries("action", visible_to_customers=True)
    mix = (
        [Status.NEW] * 10
        + [Status.IN_PROGRESS] * 10
        + [Status.APPROVED] * 15
        + [Status.REPAIRED] * 5
        + [Status.CREDITED] * 40
        + [Status.REJECTED] * 10
        + [Status.CANCELLED] * 10
    )
    restocking = {Status.APPROVED, Status.REPAIRED, Status.CREDITED}
    released = {Status.REJECTED, Status.CANCELLED}
    line_type = ContentType.objects.get_for_model(ReturnLine)
    # The demo customer's orders are left alone: their returns are made by hand in
    # ensure_demo_returns, so that the demo login always has an order to return, one outside
    # the window and one not shipped (every eligibility answer can be seen).
    demo_customer = Customer.objects.filter(user__email=DEMO_CUSTOMER_EMAIL).values("pk")
    deferred = (
        (Return, ReturnLine, ReturnRequest, HistoryEntry, StockMovement) if missing >= LARGE else ()
    )
    with bulk.indexes_deferred(*deferred):
        bar = progress(total=missing, desc="returns")
        while missing > 0:
            # Every shipped line with quantity left, each returned at most once per pass.
            available = list(
                OrderLine.objects.filter(
                    order__shipped_at__isnull=False,
                    order__status__in=[Order.Status.SHIPPED, Order.Status.DELIVERED],
                    returned_quantity__lt=F("shipped_quantity"),
                )
                .exclude(order__customer__in=demo_customer)
                .order_by("pk")
                .values_list(
                    "pk",
                    "order_id",
                    "order__customer_id",
                    "variant_id",
                    "sku",
                    "shipped_quantity",
                    "returned_quantity",
                    "order__shipped_at",
                )
            )
            if not available:
                bar.write("No returnable order lines left: add orders (--orders) for more returns.")
                break
            rng.shuffle(available)
            for chunk_start in range(0, min(missing, len(available)), BIG_BATCH):
                chunk = available[chunk_start : min(chunk_start + BIG_BATCH, missing)]
                return_ids = bulk.allocate_ids(Return, len(chunk))
                line_ids = bulk.allocate_ids(ReturnLine, len(chunk))
                returns, lines, requests, events, movements = [], [], [], [], []
                held, stock = {}, {}
                for rma_id, line_id, row in zip(return_ids, line_ids, chunk, strict=True):
                    (
                        order_line_id,
                        order_id,
                        customer_id,
                        variant_id,
                        sku,
                        quantity,
                        returned,
                        shipped_at,
                    ) = row
                    status = rng.choice(mix)
                    update_stock = rng.random() < 0.9
                    origin = "customer" if rng.random() < 0.7 else "staff"
                    # A day to four weeks after shipping, a change within five days after
                    # that: never later than now (a recent order's return is younger).
                    created = _not_after(
                        now, shipped_at, minutes=rng.randint(24 * 60, 28 * 24 * 60)
                    )
                    changed = (
                        _not_after(now, created, minutes=rng.randint(30, 5 * 24 * 60))
                        if status != Status.NEW
                        else created
                    )
                    amount = rng.randint(1, quantity - returned)
                    restocked = amount if status in restocking and update_stock else 0
                    if origin == "customer":
                        reason = rng.choice(customer_reasons)
                        action = rng.choice(customer_actions) if rng.random() < 0.7 else None
                        requests.append(
                            (
                                rma_id,
                                created,
                                bulk.JsonText(f"[[{order_line_id},{amount}]]"),
                                reason,
                                "",
                                action,
                                "",
                                "",
                            )
                        )
                    else:
                        reason = rng.choice(reasons)
                        action = rng.choice(actions) if rng.random() < 0.7 else None
                    returns.append(
                        (
                            rma_id,
                            order_id,
                            customer_id,
                            status,
                            origin,
                            reason,
                            "",
                            action,
                            "",
                            update_stock,
                            "",
                            created,
                            changed,
                            changed,
                            2 if status != Status.NEW else 1,
                        )
                    )
                    lines.append((line_id, rma_id, order_line_id, amount, restocked))
                    events.append(
                        (
                            rma_id,
                            HistoryEntry.Kind.CREATED,
                            created,
                            "",
                            Status.NEW,
                            bulk.json_text(
                                f'{{"origin":"{origin}","lines":[{{"sku":{json.dumps(sku)},"quantity":{amount}}}]}}'
                            ),
                        )
                    )
                    if status != Status.NEW:
                        events.append(
                            (
                                rma_id,
                                HistoryEntry.Kind.STATUS_CHANGED,
                                changed,
                                Status.NEW,
                                status,
                                EMPTY_JSON,
                            )
                        )
                    if restocked:
                        movements.append(
                            (
                                variant_id,
                                restocked,
                                StockMovement.Kind.RETURN_RESTOCK,
                                line_type.pk,
                                line_id,
                                changed,
                            )
                        )
                        events.append(
                            (
                                rma_id,
                                HistoryEntry.Kind.STOCK_MOVED,
                                changed,
                                "",
                                "",
                                bulk.json_text(
                                    f'{{"movements":[{{"sku":{json.dumps(sku)},"delta":{restocked}}}]}}'
                                ),
                            )
                        )
                        stock[variant_id] = stock.get(variant_id, 0) + restocked
                    if status not in released:
                        held[order_line_id] = held.get(order_line_id, 0) + amount
                with bulk.loading():
                    bulk.insert(
                        Return,
                        [
                            "id",
                            "order_id",
                            "customer_id",
                            "status",
                            "origin",
                            "reason_id",
                            "reason_text",
                            "action_id",
                            "action_text",
                            "update_stock",
                            "customer_comment",
                            "created_at",
                            "updated_at",
                            "status_changed_at",
                            "version",
                        ],
                        returns,
                    )
                    bulk.insert(
                        ReturnLine,
                        ["id", "rma_id", "order_line_id", "quantity", "restocked_quantity"],
                        lines,
                    )
                    bulk.insert(
                        ReturnRequest,
                        [
                            "rma_id",
                            "created_at",
                            "lines",
                            "reason_id",
                            "reason_text",
                            "action_id",
                            "action_text",
                            "comment",
                        ],
                        requests,
                    )
                    bulk.insert(
                        HistoryEntry,
                        ["rma_id", "kind", "created_at", "from_status", "to_status", "data"],
                        events,
                    )
                    bulk.insert(
                        StockMovement,
                        [
                            "variant_id",
                            "delta",
                            "kind",
                            "reference_type_id",
                            "reference_id",
                            "created_at",
                        ],
                        movements,
                    )
                    bulk.add_to_column(Variant, "on_hand", stock)
                    bulk.add_to_column(OrderLine, "returned_quantity", held)
                missing -= len(chunk)
                bar.update(len(chunk))
        bar.close()
    from returns.services import return_counts_rebuild

    return_counts_rebuild()
