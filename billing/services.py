"""Every write of credit invoices.

Lock order (the same in every service here, and after the returns services' own): the
return (when one is moved along), then the order, then the credit invoice, then the year's
number sequence. The money rule is checked under the order's row lock, on rows nobody else
can change meanwhile, and the check constraints on orders.Order and orders.OrderLine back
it up in the database: a code path that forgets the rule fails instead of overpaying.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from core import events
from core.money import format_money
from core.services import model_update
from orders.exceptions import OrderNotFound
from orders.models import Order, OrderLine

from . import calculation
from .calculation import FeeKind
from .exceptions import (
    InsufficientStoreCredit,
    InvalidBillingSettings,
    InvalidCreditInvoice,
    InvalidCreditInvoiceState,
    MoreThanPaid,
)
from .ibans import normalize_iban
from .models import (
    BillingSettings,
    CreditInvoice,
    CreditInvoiceLine,
    CreditInvoiceSequence,
    StoreCredit,
    StoreCreditEntry,
)

Status = CreditInvoice.Status
NUMBER_FORMAT = "CR-{year}-{sequence:05d}"


@dataclass(frozen=True)
class LineInput:
    """One line asked for: how many of an order line, and (optionally) the amount to
    credit for them; None credits what was paid for them (quantity × unit price)."""

    quantity: int
    amount: Decimal | None = None


@dataclass(frozen=True)
class Fee:
    kind: str = FeeKind.NONE
    value: Decimal = Decimal(0)
    reason: str = ""


def billing_settings() -> BillingSettings:
    return BillingSettings.objects.get_or_create(pk=1)[0]


# --- Create ---------------------------------------------------------------------------


def credit_invoice_create(
    *,
    order: Order,
    user,
    lines: dict[int, LineInput],
    shipping: Decimal = Decimal(0),
    payment: Decimal = Decimal(0),
    restocking_fee: Fee | None = None,
    return_shipping_fee: Decimal | None = None,
    rma=None,
    customer=None,
) -> CreditInvoice:
    """A draft credit invoice on `order`: `lines` maps order line ids to what to credit.
    Fees left at None take the defaults of Settings > Returns & refunds.

    Under the order's row lock it checks the money rule: per line, what live credit
    invoices credit never exceeds quantity × unit price; shipping and payment costs never
    more than were charged; per order, never more than the total paid (MoreThanPaid). It
    then records what this draft holds on the order and its lines, in the same
    transaction. Bad input (a negative amount, a fee above the amount, a line of another
    order, a return of another order) is InvalidCreditInvoice; nothing is written.
    `customer`, when given, must own the order (OrderNotFound otherwise)."""
    settings = billing_settings()
    fee = restocking_fee or Fee(settings.restocking_fee_kind, settings.restocking_fee_value)
    if fee.kind not in FeeKind.CHOICES:
        raise InvalidCreditInvoice(_("Unknown kind of fee."), field="restocking_fee_kind")
    fee_value = calculation.amount(
        fee.value, field_name="restocking_fee_value", label=_("The restocking fee")
    )
    return_fee = calculation.amount(
        settings.return_shipping_fee if return_shipping_fee is None else return_shipping_fee,
        field_name="return_shipping_fee",
        label=_("The return shipping fee"),
    )
    shipping = calculation.amount(shipping, field_name="shipping", label=_("Shipping costs"))
    payment = calculation.amount(payment, field_name="payment", label=_("Payment costs"))
    wanted = {}
    for pk, line in lines.items():
        quantity = int(line.quantity)
        if quantity < 0:
            raise InvalidCreditInvoice(_("A quantity cannot be negative."), field="lines")
        if quantity == 0:
            continue
        given = (
            None
            if line.amount is None
            else calculation.amount(line.amount, field_name="lines", label=_("An amount"))
        )
        wanted[int(pk)] = (quantity, given)
    if not wanted and not (shipping or payment):
        raise InvalidCreditInvoice(_("Choose at least one item or cost to credit."))

    with transaction.atomic():
        locked = Order.objects.select_for_update(of=("self",)).filter(pk=order.pk)
        if customer is not None:
            locked = locked.filter(customer=customer)
        order = locked.first()
        if order is None:
            raise OrderNotFound
        if rma is not None and rma.order_id != order.pk:
            raise InvalidCreditInvoice(_("That return belongs to another order."))
        order_lines = OrderLine.objects.in_bulk(list(wanted))
        if any(line.order_id != order.pk for line in order_lines.values()) or set(
            order_lines
        ) != set(wanted):
            raise InvalidCreditInvoice(_("A chosen line is not part of this order."), field="lines")
        amounts = {}
        for pk, (quantity, given) in wanted.items():
            line = order_lines[pk]
            if quantity > line.quantity:
                raise InvalidCreditInvoice(
                    _("%(title)s: only %(count)s were ordered.")
                    % {"title": line.title, "count": line.quantity},
                    field="lines",
                )
            paid = line.unit_price * quantity
            credit = paid if given is None else given
            if credit > paid:
                raise MoreThanPaid(
                    _("%(title)s: %(count)s cost %(paid)s; that is the most to credit.")
                    % {
                        "title": line.title,
                        "count": quantity,
                        "paid": format_money(paid, order.currency),
                    },
                    field="lines",
                )
            if credit > line.creditable_amount:
                raise MoreThanPaid(
                    _("%(title)s: only %(left)s of it is left to credit.")
                    % {
                        "title": line.title,
                        "left": format_money(line.creditable_amount, order.currency),
                    },
                    field="lines",
                )
            amounts[pk] = credit
        if shipping > order.shipping_cost - order.credited_shipping:
            raise MoreThanPaid(
                _("Only %(left)s of the shipping costs is left to credit.")
                % {
                    "left": format_money(
                        order.shipping_cost - order.credited_shipping, order.currency
                    )
                },
                field="shipping",
            )
        if payment > order.payment_cost - order.credited_payment:
            raise MoreThanPaid(
                _("Only %(left)s of the payment costs is left to credit.")
                % {
                    "left": format_money(
                        order.payment_cost - order.credited_payment, order.currency
                    )
                },
                field="payment",
            )
        totals = calculation.compute(
            lines=[(amounts[pk], order_lines[pk].vat_rate) for pk in wanted],
            shipping=shipping,
            payment=payment,
            costs_rate=order.costs_vat_rate,
            fee_kind=fee.kind,
            fee_value=fee_value,
            return_shipping_fee=return_fee,
            deduction_rate=settings.standard_vat_rate,
        )
        if totals.total > order.creditable_total:
            raise MoreThanPaid(
                _("The order has only %(left)s left to credit.")
                % {"left": format_money(order.creditable_total, order.currency)}
            )
        invoice = CreditInvoice.objects.create(
            order=order,
            rma=rma,
            currency=order.currency,
            shipping_refund=shipping,
            payment_refund=payment,
            costs_vat_rate=order.costs_vat_rate,
            restocking_fee_kind=fee.kind,
            restocking_fee_value=fee_value,
            restocking_fee=totals.restocking_fee,
            restocking_fee_reason=fee.reason.strip()[:300],
            return_shipping_fee=return_fee,
            deduction_vat_rate=settings.standard_vat_rate,
            total=totals.total,
            created_by=user if getattr(user, "pk", None) else None,
        )
        CreditInvoiceLine.objects.bulk_create(
            [
                CreditInvoiceLine(
                    invoice=invoice,
                    order_line_id=pk,
                    quantity=quantity,
                    amount=amounts[pk],
                    vat_rate=order_lines[pk].vat_rate,
                )
                for pk, (quantity, _given) in wanted.items()
            ]
        )
        _hold(invoice, sign=1)
        return invoice


# --- Issue, refund, cancel ----------------------------------------------------------------


def credit_invoice_issue(
    *,
    invoice: CreditInvoice,
    user,
    email_customer: bool = False,
    credit_return: bool = False,
    notify_customer: bool = False,
) -> CreditInvoice:
    """Issue a draft: it gets the next number of the year (CR-2026-00001), taken under
    the sequence row's lock in the same transaction, so numbers are gap-free and unique
    however many are issued at once; from then on it is never edited.

    With `email_customer`, the customer's "your credit invoice" e-mail, with the PDF in
    their language attached, is recorded in the outbox in the same transaction (sent after
    commit; a rollback leaves neither number nor e-mail).

    With `credit_return`, the credit invoice's return moves to Item(s) credited in the
    same transaction (its e-mail with `notify_customer`), under the returns services'
    own rules: a return that may not move there refuses, and nothing is issued."""
    with transaction.atomic():
        if credit_return:
            _credit_return(invoice, user=user, notify_customer=notify_customer)
        invoice = _lock(invoice)
        if invoice.status != Status.DRAFT:
            raise InvalidCreditInvoiceState(_("Only a draft can be issued."))
        now = timezone.now()
        year = timezone.localdate(now).year
        CreditInvoiceSequence.objects.bulk_create(
            [CreditInvoiceSequence(year=year, last=0)], ignore_conflicts=True
        )
        sequence = CreditInvoiceSequence.objects.select_for_update().get(year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        model_update(
            invoice,
            {
                "status": Status.ISSUED,
                "number": NUMBER_FORMAT.format(year=year, sequence=sequence.last),
                "issued_at": now,
            },
        )
        if email_customer:
            from .emails import queue_credit_invoice_email
            from .pdf import credit_invoice_pdf

            invoice = CreditInvoice.objects.select_related("order__customer__user", "rma").get(
                pk=invoice.pk
            )
            queue_credit_invoice_email(invoice, pdf=credit_invoice_pdf(invoice))
        return invoice


def credit_invoice_mark_refunded(
    *,
    invoice: CreditInvoice,
    user,
    method: str,
    reference: str = "",
    iban: str = "",
    credit_return: bool = False,
    notify_customer: bool = False,
) -> CreditInvoice:
    """Record that an issued credit invoice was paid back: how (back to the original
    payment, or by bank transfer to a valid IBAN), when, and the payment's reference.
    The payment itself happens at the payment provider or the bank. As store credit, a new
    voucher for the customer holds the total (its first ledger row), and its code is the
    refund's reference. An invalid IBAN or an unknown method is InvalidCreditInvoice;
    nothing is written. With `credit_return`, as
    for credit_invoice_issue."""
    if method not in CreditInvoice.RefundMethod.values:
        raise InvalidCreditInvoice(_("Choose how the money was paid back."), field="method")
    iban = normalize_iban(iban) if method == CreditInvoice.RefundMethod.BANK_TRANSFER else ""
    with transaction.atomic():
        if credit_return:
            _credit_return(invoice, user=user, notify_customer=notify_customer)
        invoice = _lock(invoice)
        if invoice.status != Status.ISSUED:
            raise InvalidCreditInvoiceState(_("Only an issued credit invoice can be refunded."))
        if method == CreditInvoice.RefundMethod.STORE_CREDIT and not invoice.total:
            raise InvalidCreditInvoice(
                _("Nothing to pay back: a voucher of zero is no voucher."), field="method"
            )
        if method == CreditInvoice.RefundMethod.STORE_CREDIT:
            # The voucher's code is the refund's reference: what the customer types to pay.
            credit = _store_credit_new(invoice, user=user)
            reference = credit.code
        model_update(
            invoice,
            {
                "status": Status.REFUNDED,
                "refund_method": method,
                "refund_reference": reference.strip()[:100],
                "refund_iban": iban,
                "refunded_at": timezone.now(),
            },
        )
        events.publish("refund.created", invoice)
        return invoice


def credit_invoice_cancel(*, invoice: CreditInvoice, user) -> CreditInvoice:
    """Cancel a draft; what it held on the order is released (under the order's lock).
    An issued credit invoice is never cancelled: another one corrects it."""
    with transaction.atomic():
        invoice = _lock(invoice)
        if invoice.status != Status.DRAFT:
            raise InvalidCreditInvoiceState(
                _("An issued credit invoice cannot be cancelled; issue another to correct it.")
            )
        _hold(invoice, sign=-1)
        model_update(invoice, {"status": Status.CANCELLED, "cancelled_at": timezone.now()})
        return invoice


# --- Store credit ---------------------------------------------------------------------------

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def _voucher_code() -> str:
    import secrets

    parts = ["".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "SC-" + "-".join(parts)


def _store_credit_new(invoice: CreditInvoice, *, user) -> StoreCredit:
    credit = StoreCredit.objects.create(
        code=_voucher_code(),
        customer_id=CreditInvoice.objects.values_list("order__customer_id", flat=True).get(
            pk=invoice.pk
        ),
        currency=invoice.currency,
    )
    _store_credit_post(
        credit, delta=invoice.total, kind=StoreCreditEntry.Kind.REFUND, invoice=invoice, user=user
    )
    return credit


def _store_credit_post(credit: StoreCredit, *, delta, kind, user, invoice=None, reference=""):
    """One ledger row and the balance moved by it, in one transaction; the caller holds
    the voucher's row lock (or just made it). The check constraint refuses a negative
    balance whatever the caller checked."""
    if delta:
        StoreCreditEntry.objects.create(
            credit=credit,
            kind=kind,
            delta=delta,
            invoice=invoice,
            reference=reference,
            created_by=user if getattr(user, "pk", None) else None,
        )
        StoreCredit.objects.filter(pk=credit.pk).update(balance=F("balance") + delta)
        credit.refresh_from_db(fields=["balance"])


def store_credit_redeem(*, code: str, amount, user, reference: str = "") -> StoreCredit:
    """Spend `amount` of a voucher (an order paid with it): under the voucher's row lock,
    never more than its balance (InsufficientStoreCredit; the database refuses a negative
    balance too). Every change is a ledger row."""
    amount = calculation.amount(amount, field_name="amount", label=_("The amount"))
    if not amount:
        raise InvalidCreditInvoice(_("The amount must be more than zero."), field="amount")
    with transaction.atomic():
        credit = StoreCredit.objects.select_for_update().filter(code=code.strip().upper()).first()
        if credit is None:
            raise InvalidCreditInvoice(_("No voucher has this code."), field="code")
        if amount > credit.balance:
            raise InsufficientStoreCredit(
                _("The voucher holds only %(balance)s.")
                % {"balance": format_money(credit.balance, credit.currency)},
                field="amount",
            )
        _store_credit_post(
            credit,
            delta=-amount,
            kind=StoreCreditEntry.Kind.REDEEMED,
            user=user,
            reference=reference.strip()[:100],
        )
        return credit


# --- Settings -------------------------------------------------------------------------------


def billing_settings_update(*, actor, **values) -> BillingSettings:
    """Settings > Returns & refunds, under the row's lock; audited. Fees are amounts of
    whole cents >= 0, a percentage at most 100 (InvalidBillingSettings otherwise; database
    constraints back it)."""
    kind = values.get("restocking_fee_kind")
    if kind is not None and kind not in FeeKind.CHOICES:
        raise InvalidBillingSettings(_("Unknown kind of fee."), field="restocking_fee_kind")
    for name in ("restocking_fee_value", "return_shipping_fee"):
        if name in values:
            try:
                values[name] = calculation.amount(values[name], field_name=name, label=_("A fee"))
            except InvalidCreditInvoice as error:
                raise InvalidBillingSettings(error.message, field=name) from None
    with transaction.atomic():
        BillingSettings.objects.get_or_create(pk=1)
        current = BillingSettings.objects.select_for_update().get(pk=1)
        merged_kind = values.get("restocking_fee_kind", current.restocking_fee_kind)
        merged_value = values.get("restocking_fee_value", current.restocking_fee_value)
        if merged_kind == FeeKind.PERCENT and merged_value > 100:
            raise InvalidBillingSettings(
                _("A percentage is between 0 and 100."), field="restocking_fee_value"
            )
        changes = model_update(current, values)
        audit_record(actor=actor, area="settings.billing", instance=current, changes=changes)
        return current


# --- Steps ----------------------------------------------------------------------------------


def _lock(invoice: CreditInvoice) -> CreditInvoice:
    """The order's row lock, then the invoice's (the lock order of this module)."""
    order_id = CreditInvoice.objects.values_list("order_id", flat=True).get(pk=invoice.pk)
    list(Order.objects.select_for_update(of=("self",)).filter(pk=order_id).values_list("pk"))
    return CreditInvoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)


def _hold(invoice: CreditInvoice, *, sign: int) -> None:
    """Add (sign 1) or release (sign -1) what `invoice` credits on its order and lines.
    The caller holds the order's row lock."""
    for line in invoice.lines.all():
        OrderLine.objects.filter(pk=line.order_line_id).update(
            credited_amount=F("credited_amount") + sign * line.amount
        )
    Order.objects.filter(pk=invoice.order_id).update(
        credited_total=F("credited_total") + sign * invoice.total,
        credited_shipping=F("credited_shipping") + sign * invoice.shipping_refund,
        credited_payment=F("credited_payment") + sign * invoice.payment_refund,
    )


def _credit_return(invoice: CreditInvoice, *, user, notify_customer: bool) -> None:
    """Move the invoice's return to Item(s) credited through the returns services (which
    lock the return, then the order: taken before this module's own locks)."""
    from returns.models import Return
    from returns.services import return_change
    from returns.workflow import Status as ReturnStatus

    rma_id = CreditInvoice.objects.values_list("rma_id", flat=True).get(pk=invoice.pk)
    if rma_id is None:
        raise InvalidCreditInvoice(_("This credit invoice belongs to no return."))
    rma = Return.objects.select_for_update(of=("self",)).get(pk=rma_id)
    if rma.status == ReturnStatus.CREDITED:
        return
    return_change(
        rma=rma,
        user=user,
        version=rma.version,
        status=ReturnStatus.CREDITED,
        notify_customer=notify_customer,
    )
