"""Exchanges: a return's items swapped for other variants. Saving one creates the
replacement order (linked to the return and the original order), takes the new items out
of stock through the stock ledger ("exchange shipment") and states the price difference:
dearer, and the replacement order shows what the customer still owes; cheaper, and a
credit invoice for the difference is offered (exchange_credit_difference).

Lock order, as everywhere: the return, then the original order, then (inside
inventory.services.stock_apply) the variants in key order.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money
from inventory.models import StockMovement, Variant
from inventory.services import StockChange, stock_apply
from orders.models import Order, OrderLine
from orders.services import order_sales, sales_tally_add
from returns.models import Return, ReturnLine
from returns.workflow import Status as ReturnStatus
from returns.workflow import allowed_next

from .exceptions import InvalidCreditInvoice, MoreThanPaid
from .models import Exchange, ExchangeLine
from .services import Fee, LineInput, credit_invoice_create

# A return whose items have arrived (approved or further) can be exchanged.
EXCHANGEABLE_STATUSES = frozenset({ReturnStatus.APPROVED, ReturnStatus.REPAIRED})


@dataclass(frozen=True)
class ExchangeInput:
    variant_id: int
    quantity: int


def exchangeable(rma: Return) -> bool:
    return rma.status in EXCHANGEABLE_STATUSES


def exchange_create(
    *,
    rma: Return,
    user,
    lines: dict[int, ExchangeInput],
    mark_repaired: bool = False,
    notify_customer: bool = False,
) -> Exchange:
    """Exchange return lines ({return line id: the variant and how many}) for other
    variants, in one transaction under the return's and then the order's row lock:
    - only an approved (or repaired) return, only its own lines, each at most once
      (a unique constraint backs it), at most as many as the return holds, and only
      variants with that many on hand (InvalidCreditInvoice, nothing written);
    - a replacement order (paid, to ship) for the same customer, its lines at the new
      variants' prices and the returned lines' VAT rates; what it is paid with is the
      value of the returned items, up to its own total, and that value counts as credited
      on the original lines and order (the money rule: MoreThanPaid when it was credited
      already);
    - the new items leave stock through the ledger ("exchange shipment");
    - with `mark_repaired`, the return moves to Item(s) repaired (its e-mail with
      `notify_customer`) under the returns services' rules."""
    wanted = {int(pk): choice for pk, choice in lines.items() if choice and choice.quantity}
    if not wanted:
        raise InvalidCreditInvoice(_("Choose at least one item to exchange."))
    with transaction.atomic():
        rma = Return.objects.select_for_update(of=("self",)).get(pk=rma.pk)
        if not exchangeable(rma):
            raise InvalidCreditInvoice(
                _("Only an approved return can be exchanged."), field="status"
            )
        order = Order.objects.select_for_update(of=("self",)).get(pk=rma.order_id)
        return_lines = {
            line.pk: line
            for line in ReturnLine.objects.filter(rma=rma, pk__in=wanted).select_related(
                "order_line"
            )
        }
        if set(return_lines) != set(wanted):
            raise InvalidCreditInvoice(_("A chosen line is not part of this return."))
        if ExchangeLine.objects.filter(return_line__in=return_lines).exists():
            raise InvalidCreditInvoice(_("An item of this return was exchanged already."))
        variants = Variant.objects.in_bulk([choice.variant_id for choice in wanted.values()])
        needed: dict[int, int] = {}
        for pk, choice in wanted.items():
            if choice.variant_id not in variants:
                raise InvalidCreditInvoice(_("Unknown product variant."))
            if not 0 < choice.quantity <= return_lines[pk].quantity:
                raise InvalidCreditInvoice(
                    _("%(title)s: at most %(count)s can be exchanged.")
                    % {
                        "title": return_lines[pk].order_line.title,
                        "count": return_lines[pk].quantity,
                    }
                )
            needed[choice.variant_id] = needed.get(choice.variant_id, 0) + choice.quantity
        # On hand, read under the variants' locks (the order stock_apply takes them in).
        on_hand = dict(
            Variant.objects.select_for_update(of=("self",))
            .filter(pk__in=needed)
            .order_by("pk")
            .values_list("pk", "on_hand")
        )
        for variant_id, count in needed.items():
            if on_hand[variant_id] < count:
                raise InvalidCreditInvoice(
                    _("%(sku)s: only %(count)s in stock.")
                    % {"sku": variants[variant_id].sku, "count": on_hand[variant_id]}
                )
        # The money rule: what pays for the replacement is credited on the original lines;
        # what was credited already cannot pay for it too.
        used = {
            pk: min(
                return_lines[pk].order_line.unit_price * c.quantity,
                variants[c.variant_id].price * c.quantity,
            )
            for pk, c in wanted.items()
        }
        fresh = OrderLine.objects.in_bulk([line.order_line_id for line in return_lines.values()])
        for pk, value in used.items():
            left = fresh[return_lines[pk].order_line_id].creditable_amount
            if value > left:
                raise MoreThanPaid(
                    _("%(title)s: only %(left)s of it is left to credit or exchange.")
                    % {
                        "title": return_lines[pk].order_line.title,
                        "left": format_money(left, order.currency),
                    }
                )
        if sum(used.values(), Decimal(0)) > order.creditable_total:
            raise MoreThanPaid(
                _("The order has only %(left)s left to credit.")
                % {"left": format_money(order.creditable_total, order.currency)}
            )
        returned_value = sum(
            (return_lines[pk].order_line.unit_price * c.quantity for pk, c in wanted.items()),
            Decimal(0),
        )
        new_value = sum(
            (variants[c.variant_id].price * c.quantity for c in wanted.values()), Decimal(0)
        )
        now = timezone.now()
        sequence = Exchange.objects.filter(original_order=order).count() + 1
        replacement = Order.objects.create(
            number=f"{order.number}-X{sequence}",
            customer_id=order.customer_id,
            status=Order.Status.PAID,
            placed_at=now,
            currency=order.currency,
            payment_method=_("Exchange of %(number)s") % {"number": rma.number},
            total_paid=min(returned_value, new_value),
        )
        exchange = Exchange.objects.create(
            rma=rma,
            original_order=order,
            replacement_order=replacement,
            difference=new_value - returned_value,
            created_by=user if getattr(user, "pk", None) else None,
        )
        changes = []
        for pk, choice in wanted.items():
            variant = variants[choice.variant_id]
            new_line = OrderLine.objects.create(
                order=replacement,
                variant=variant,
                title=f"{variant.product.name} — {variant.title}",
                sku=variant.sku,
                quantity=choice.quantity,
                unit_price=variant.price,
                vat_rate=return_lines[pk].order_line.vat_rate,
            )
            ExchangeLine.objects.create(
                exchange=exchange,
                return_line=return_lines[pk],
                replacement_line=new_line,
                value=used[pk],
            )
            OrderLine.objects.filter(pk=return_lines[pk].order_line_id).update(
                credited_amount=F("credited_amount") + used[pk]
            )
            changes.append(
                StockChange(
                    variant.pk,
                    -choice.quantity,
                    StockMovement.Kind.EXCHANGE_SHIPMENT,
                    reference=new_line,
                )
            )
        Order.objects.filter(pk=order.pk).update(
            credited_total=F("credited_total") + sum(used.values(), Decimal(0))
        )
        stock_apply(changes=changes, user=user)
        if mark_repaired and rma.status != ReturnStatus.REPAIRED:
            from returns.services import return_change

            if ReturnStatus.REPAIRED not in allowed_next(rma.status):
                raise InvalidCreditInvoice(_("This return cannot become Item(s) repaired."))
            return_change(
                rma=rma,
                user=user,
                version=rma.version,
                status=ReturnStatus.REPAIRED,
                notify_customer=notify_customer,
            )
        # What the replacement order sold, for the dashboard's return rate: the last
        # write, the tallies' locks after every other (core.tallies).
        sales_tally_add(order_sales(replacement))
        return exchange


def exchange_amount_due(exchange: Exchange) -> Decimal:
    """What the customer still owes for a dearer exchange (0 for an equal or cheaper one)."""
    return max(exchange.difference, Decimal(0))


def exchange_credit_difference(*, exchange: Exchange, user):
    """For a cheaper exchange, the draft credit invoice for the difference, on the original
    order, spread over the exchanged lines (each at most what was paid for it; the money
    rule and its lock as for every credit invoice). Made once per exchange."""
    with transaction.atomic():
        exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if exchange.credit_invoice_id:
            raise InvalidCreditInvoice(_("The difference was credited already."))
        if exchange.difference >= 0:
            raise InvalidCreditInvoice(_("This exchange was not cheaper: nothing to credit."))
        left = -exchange.difference
        lines = {}
        for item in exchange.lines.select_related(
            "return_line__order_line", "replacement_line"
        ).order_by("pk"):
            original = item.return_line.order_line
            quantity = item.replacement_line.quantity
            own = original.unit_price * quantity - item.replacement_line.line_total
            amount = min(max(own, Decimal(0)), left)
            if amount:
                lines[original.pk] = LineInput(quantity, amount)
                left -= amount
        invoice = credit_invoice_create(
            order=exchange.original_order,
            user=user,
            lines=lines,
            rma=exchange.rma,
            restocking_fee=Fee(),
            return_shipping_fee=Decimal(0),
        )
        exchange.credit_invoice = invoice
        exchange.save(update_fields=["credit_invoice"])
        return invoice
