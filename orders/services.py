"""Every write of orders and customers."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import events
from core.services import model_update
from core.tallies import local_day, tally_add, tally_diff, tally_sum
from inventory.services import variants_ensure

from .exceptions import CustomerConflict, OrderLineHeld
from .models import Customer, Order, OrderLine, SalesTally


def customer_set_language(*, customer: Customer, language: str) -> None:
    """Remember the language a customer chose; their e-mails are written in it."""
    if language not in dict(settings.LANGUAGES) or customer.language == language:
        return
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(language=language)
    customer.language = language


@dataclass
class UpsertReport:
    """What one `order_upsert` call did, for a caller that counts (the order import):
    customer and order each "created", "updated" or "unchanged"; the SKUs that became
    products."""

    customer: str = "unchanged"
    order: str = "unchanged"
    variants_created: set = field(default_factory=set)


def customer_upsert(*, email: str, name: str, language: str | None = None) -> Customer:
    """The customer with this e-mail address, created (a login without a password: they
    set one to use My orders) or brought up to date (name, language). An address that
    belongs to a staff login is refused (CustomerConflict). Runs in the caller's
    transaction; two parallel calls for a new address race on the unique e-mail, and the
    caller's retry finds the winner's customer."""
    return _customer_upsert(email=email, name=name, language=language)[0]


def _customer_upsert(*, email: str, name: str, language: str | None = None):
    """customer_upsert, and what it did: "created", "updated" or "unchanged"."""
    email = User.objects.normalize_email(email)
    language = language if language in dict(settings.LANGUAGES) else None
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=name)
        customer = Customer.objects.create(
            user=user, name=name, language=language or settings.LANGUAGE_CODE
        )
        return customer, "created"
    customer = Customer.objects.select_for_update().filter(user=user).first()
    if customer is None:
        raise CustomerConflict(field="customer")
    changes = model_update(customer, {"name": name, **({"language": language} if language else {})})
    return customer, "updated" if changes else "unchanged"


def order_upsert(
    *,
    number: str,
    customer: dict,
    status: str,
    lines: list[dict],
    placed_at: datetime | None = None,
    shipped_at: datetime | None = None,
    money: dict | None = None,
    report: UpsertReport | None = None,
) -> tuple[Order, bool]:
    """Create or update the order with this number, as the shop sends it: (the order,
    created?). Lines are matched by SKU ({sku, title, quantity, unit_price,
    shipped_quantity, and optionally vat_rate}); a line the shop no longer sends is
    removed. `money` may carry currency, shipping_cost, payment_cost, costs_vat_rate,
    total_paid and payment_method; what it leaves out is kept (a new order that is paid,
    shipped or delivered and sends no total_paid has paid its lines and costs).

    Guarantees:
    - idempotent: the same body again writes nothing (only changed fields are saved);
    - one order per number, also for two parallel calls: the loser of the race on the
      unique number is undone and runs again as an update;
    - under the order's row lock (the lock every returns service takes before touching
      what returns hold), a line's quantity or shipped quantity never drops below what
      live returns hold, and a line returns refer to is never removed (OrderLineHeld,
      with the line's SKU); its customer does not change once it has returns;
    - likewise nothing drops below what credit invoices hold (billing): a line's price ×
      quantity, the costs, the total paid; the currency stays once something is credited.
    A SKU the shop has not sent as a product yet becomes a product of its own.
    `report`, when given, is told what was created, updated or left unchanged.
    """
    # In UTC: a local time in a daylight-saving gap (or fold) never compares equal to the
    # value read back (PEP 495), so the same body would "change" the order every time.
    placed_at, shipped_at = (
        moment.astimezone(UTC) if moment is not None and timezone.is_aware(moment) else moment
        for moment in (placed_at, shipped_at)
    )
    for attempt in range(2):
        told = UpsertReport()
        try:
            with transaction.atomic():
                result = _order_upsert(
                    number=number,
                    customer=customer,
                    status=status,
                    lines=lines,
                    placed_at=placed_at,
                    shipped_at=shipped_at,
                    money=dict(money or {}),
                    report=told,
                )
            if report is not None:
                report.__dict__.update(told.__dict__)
            return result
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


PAID_STATUSES = {Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED}


def _order_upsert(*, number, customer, status, lines, placed_at, shipped_at, money, report):
    buyer, report.customer = _customer_upsert(**customer)
    order = Order.objects.select_for_update(of=("self",)).filter(number=number).first()
    created = changed = order is None
    sales_before = {} if created else order_sales(order)
    if created:
        if "total_paid" not in money and status in PAID_STATUSES:
            money["total_paid"] = (
                sum((line["unit_price"] * line["quantity"] for line in lines), Decimal(0))
                + money.get("shipping_cost", Decimal(0))
                + money.get("payment_cost", Decimal(0))
            )
        order = Order.objects.create(
            number=number,
            customer=buyer,
            status=status,
            placed_at=placed_at or timezone.now(),
            shipped_at=shipped_at,
            **money,
        )
        report.order = "created"
    else:
        if order.customer_id != buyer.pk and order.returns.exists():
            raise OrderLineHeld(
                _("This order has returns, so its customer cannot change."), field="customer"
            )
        _check_credited_order(order, money)
        values = {"customer": buyer, "status": status, "shipped_at": shipped_at, **money}
        if placed_at is not None:
            values["placed_at"] = placed_at
        changed = bool(model_update(order, values))
    variants = variants_ensure(lines=lines, created=report.variants_created)
    current: dict[str, list[OrderLine]] = {}
    for line in OrderLine.objects.filter(order=order).order_by("pk"):
        current.setdefault(line.sku, []).append(line)
    for sku, found in current.items():
        if len(found) > 1:
            raise OrderLineHeld(
                _("This order has several lines with SKU %(sku)s; it cannot be matched.")
                % {"sku": sku},
                field="lines",
            )
    sent = {line["sku"] for line in lines}
    for sku, (line,) in current.items():
        if sku not in sent:
            if line.returned_quantity or line.return_lines.exists():
                raise OrderLineHeld(
                    _("The line with SKU %(sku)s has returns, so it cannot be removed.")
                    % {"sku": sku},
                    field="lines",
                    sku=sku,
                )
            line.delete()
            changed = True
    for data in lines:
        found = current.get(data["sku"])
        values = {
            "variant": variants[data["sku"]],
            "title": data["title"],
            "quantity": data["quantity"],
            "unit_price": data["unit_price"],
            "shipped_quantity": data.get("shipped_quantity", 0),
        }
        if data.get("vat_rate") is not None:
            values["vat_rate"] = data["vat_rate"]
        if found is None:
            OrderLine.objects.create(order=order, sku=data["sku"], **values)
            changed = True
            continue
        line = found[0]
        if min(values["quantity"], values["shipped_quantity"]) < line.returned_quantity:
            raise OrderLineHeld(
                _(
                    "Returns hold %(held)s of the line with SKU %(sku)s: its quantity and "
                    "shipped quantity cannot be less."
                )
                % {"held": line.returned_quantity, "sku": data["sku"]},
                field="lines",
                sku=data["sku"],
            )
        if values["unit_price"] * values["quantity"] < line.credited_amount:
            raise OrderLineHeld(
                _(
                    "Credit invoices hold %(credited)s of the line with SKU %(sku)s: its "
                    "price × quantity cannot be less."
                )
                % {"credited": line.credited_amount, "sku": data["sku"]},
                field="lines",
                sku=data["sku"],
            )
        changed = bool(model_update(line, values)) or changed
    if changed and not created:
        report.order = "updated"
    if changed:
        # Only a real change is news: the same body again tells nobody.
        events.publish("order.upserted", order, created=created)
    # The last write: the tallies' row locks come after every other lock (core.tallies).
    sales_tally_add(tally_diff(sales_before, order_sales(order)))
    return order, created


def order_sales(order: Order) -> dict:
    """What an order adds to SalesTally: {(placed day, variant id): (sold, held)}."""
    day = local_day(order.placed_at)
    sales: dict = {}
    for variant, quantity, held in OrderLine.objects.filter(order=order).values_list(
        "variant_id", "quantity", "returned_quantity"
    ):
        tally_sum(sales, (day, variant), (quantity, held))
    return sales


def sales_tally_add(deltas: dict) -> None:
    """Add {(placed day, variant id): (sold, held)} to SalesTally (every grain), in the
    caller's transaction, as its last write: see core.tallies for the lock order."""
    tally_add(SalesTally._meta.db_table, ("variant_id",), ("sold", "held"), deltas)


def _check_credited_order(order: Order, money: dict) -> None:
    """Under the order's lock: what credit invoices hold stays covered (the database's
    checks would refuse it too, as an error instead of an answer)."""
    held = [
        ("total_paid", order.credited_total, _("the total paid")),
        ("shipping_cost", order.credited_shipping, _("the shipping costs")),
        ("payment_cost", order.credited_payment, _("the payment costs")),
    ]
    for name, credited, words in held:
        if name in money and money[name] < credited:
            raise OrderLineHeld(
                _("Credit invoices hold %(credited)s of %(what)s: it cannot be less.")
                % {"credited": credited, "what": words},
                field=name,
            )
    if "currency" in money and money["currency"] != order.currency and order.credited_total:
        raise OrderLineHeld(
            _("This order has credit invoices, so its currency cannot change."),
            field="currency",
        )
