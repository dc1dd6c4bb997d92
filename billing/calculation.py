"""The arithmetic of a credit invoice, in one place and pure (plain values in, totals
out): what the form previews, the service stores and the PDF prints are the same numbers.

Amounts include VAT, as the shop charged them. Rounding is explicit, half up to the cent
(core.money.round_money), and happens at exactly these points:
- a percentage restocking fee: goods × percent / 100, rounded once;
- the VAT of each rate: gross × rate / (100 + rate), rounded once per rate (a Dutch
  invoice states VAT per rate, not per line), net = gross − VAT.
Line amounts, costs and fixed fees are already whole cents. Deductions (the restocking
fee and the return shipping fee) are charges of the shop's own, at the standard rate: they
appear as negative amounts in that rate's VAT group.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import round_money as cents

from .exceptions import InvalidCreditInvoice

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class FeeKind:
    NONE = "none"
    PERCENT = "percent"
    FIXED = "fixed"
    CHOICES = (NONE, PERCENT, FIXED)


@dataclass(frozen=True)
class VatGroup:
    rate: Decimal
    gross: Decimal
    vat: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.vat


@dataclass(frozen=True)
class Totals:
    goods: Decimal  # the lines' amounts
    costs: Decimal  # shipping and payment costs refunded
    restocking_fee: Decimal  # a deduction, >= 0
    return_shipping_fee: Decimal  # a deduction, >= 0
    total: Decimal  # what the customer gets back
    vat_groups: list[VatGroup] = field(default_factory=list)

    @property
    def vat(self) -> Decimal:
        return sum((group.vat for group in self.vat_groups), ZERO)

    @property
    def net(self) -> Decimal:
        return self.total - self.vat


def amount(value, *, field_name: str, label: str) -> Decimal:
    """A money input as a Decimal of whole cents, >= 0; anything else is refused with a
    message on `field_name` (never an exception from Decimal itself)."""
    try:
        value = Decimal(str(value).strip().replace(",", "."))
    except (ArithmeticError, ValueError):
        raise InvalidCreditInvoice(
            _("%(label)s is not an amount.") % {"label": label}, field=field_name
        ) from None
    if not value.is_finite():
        raise InvalidCreditInvoice(
            _("%(label)s is not an amount.") % {"label": label}, field=field_name
        )
    if value < 0:
        raise InvalidCreditInvoice(
            _("%(label)s cannot be negative.") % {"label": label}, field=field_name
        )
    if value >= Decimal("10000000000"):
        raise InvalidCreditInvoice(
            _("%(label)s is too large.") % {"label": label}, field=field_name
        )
    if value != cents(value):
        raise InvalidCreditInvoice(
            _("%(label)s has more than two decimals.") % {"label": label}, field=field_name
        )
    return cents(value)


def restocking_fee(goods: Decimal, *, kind: str, value: Decimal) -> Decimal:
    """The restocking fee on `goods`: a percentage of it (0–100, rounded half up to the
    cent) or a fixed amount; never more than the goods themselves."""
    if kind == FeeKind.NONE:
        return ZERO
    if kind == FeeKind.PERCENT:
        if not ZERO <= value <= HUNDRED:
            raise InvalidCreditInvoice(
                _("A percentage is between 0 and 100."), field="restocking_fee_value"
            )
        return cents(goods * value / HUNDRED)
    if kind == FeeKind.FIXED:
        if value > goods:
            raise InvalidCreditInvoice(
                _("The restocking fee is more than the items credited."),
                field="restocking_fee_value",
            )
        return cents(value)
    raise InvalidCreditInvoice(_("Unknown kind of fee."), field="restocking_fee_kind")


def vat_of(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT inside an amount that includes it, rounded half up to the cent."""
    return cents(gross * rate / (HUNDRED + rate))


def compute(
    *,
    lines: list[tuple[Decimal, Decimal]],
    shipping: Decimal = ZERO,
    payment: Decimal = ZERO,
    costs_rate: Decimal = Decimal(21),
    fee_kind: str = FeeKind.NONE,
    fee_value: Decimal = ZERO,
    return_shipping_fee: Decimal = ZERO,
    deduction_rate: Decimal = Decimal(21),
) -> Totals:
    """The totals of a credit invoice: `lines` are (amount, VAT rate) pairs. Refused when
    the deductions are more than what is credited (InvalidCreditInvoice): a credit invoice
    never asks the customer for money."""
    goods = sum((gross for gross, _rate in lines), ZERO)
    costs = shipping + payment
    fee = restocking_fee(goods, kind=fee_kind, value=fee_value)
    total = goods + costs - fee - return_shipping_fee
    if total < 0:
        raise InvalidCreditInvoice(
            _("The fees are more than the amount credited."), field="return_shipping_fee"
        )
    by_rate: dict[Decimal, Decimal] = {}
    for gross, rate in lines:
        by_rate[rate] = by_rate.get(rate, ZERO) + gross
    if costs:
        by_rate[costs_rate] = by_rate.get(costs_rate, ZERO) + costs
    deductions = fee + return_shipping_fee
    if deductions:
        by_rate[deduction_rate] = by_rate.get(deduction_rate, ZERO) - deductions
    groups = [
        VatGroup(rate=rate, gross=gross, vat=vat_of(gross, rate))
        for rate, gross in sorted(by_rate.items(), reverse=True)
        if gross or rate in {r for _g, r in lines}
    ]
    return Totals(
        goods=goods,
        costs=costs,
        restocking_fee=fee,
        return_shipping_fee=return_shipping_fee,
        total=total,
        vat_groups=groups,
    )
