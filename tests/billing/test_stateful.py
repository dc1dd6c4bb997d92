"""A Hypothesis state machine over random sequences of credit invoices (partial quantities,
amounts, costs, fees), issues, cancellations, refunds as store credit, vouchers spent and
exchanges (with the credit invoice for a cheaper one).
After every step: credited ≤ paid per line and per order, and what the order and its lines
say is credited is exactly what the live credit invoices hold; every voucher's balance is
the sum of its ledger and never negative; stock on hand is the sum of the stock ledger."""

import contextlib
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from billing import services
from billing.calculation import FeeKind
from billing.exceptions import InsufficientStoreCredit, InvalidCreditInvoice, MoreThanPaid
from billing.exchanges import ExchangeInput, exchange_create, exchange_credit_difference
from billing.models import (
    CreditInvoice,
    CreditInvoiceLine,
    ExchangeLine,
    StoreCredit,
    StoreCreditEntry,
)
from billing.services import Fee, LineInput
from inventory.models import StockMovement, Variant
from inventory.services import stock_receive_initial
from orders.models import Order, OrderLine
from returns import services as return_services
from tests.factories import OrderFactory, OrderLineFactory, StaffUserFactory, VariantFactory

LIVE = ("draft", "issued", "refunded")
cents = st.integers(min_value=0, max_value=8000).map(lambda n: Decimal(n) / 100)


class CreditMachine(RuleBasedStateMachine):
    @initialize()
    def shop(self):
        self.staff = StaffUserFactory()
        self.order = OrderFactory(shipping_cost=Decimal("4.95"), total_paid=Decimal("4.95"))
        self.lines = [
            OrderLineFactory(
                order=self.order, variant=VariantFactory(price=Decimal("24.95")), quantity=3
            ),
            OrderLineFactory(
                order=self.order,
                variant=VariantFactory(price=Decimal("22.50")),
                quantity=2,
                vat_rate=Decimal(9),
            ),
        ]
        # Kept here, not queried: what a rule may draw must not depend on earlier examples.
        self.drafts, self.issued, self.vouchers = [], [], []
        # An approved return of everything, and variants to exchange its items for (one
        # cheaper, one dearer, one with too little stock).
        self.variants = [
            VariantFactory(price=Decimal("19.95")),
            VariantFactory(price=Decimal("30.00")),
            VariantFactory(price=Decimal("24.95")),
        ]
        stock_receive_initial(
            quantities={v.pk: stock for v, stock in zip(self.variants, [3, 3, 1], strict=True)}
        )
        rma = return_services.return_create(
            order=self.order,
            quantities={line.pk: line.quantity for line in self.lines},
            user=self.staff,
            origin="staff",
            reason=return_services.Choice(text="Wrong size"),
        )
        self.rma = return_services.return_change(
            rma=rma, user=self.staff, version=rma.version, status="approved"
        )
        self.unexchanged = list(self.rma.lines.order_by("pk"))
        self.exchanges = []

    @rule(
        picks=st.lists(
            st.tuples(st.integers(0, 1), st.integers(1, 3), st.one_of(st.none(), cents)),
            min_size=0,
            max_size=2,
            unique_by=lambda pick: pick[0],
        ),
        shipping=st.sampled_from([Decimal(0), Decimal("2.00"), Decimal("4.95")]),
        fee=st.sampled_from(
            [
                Fee(),
                Fee(FeeKind.PERCENT, Decimal(10)),
                Fee(FeeKind.PERCENT, Decimal("12.5")),
                Fee(FeeKind.FIXED, Decimal("3.00")),
            ]
        ),
        return_fee=st.sampled_from([Decimal(0), Decimal("4.95")]),
    )
    def credit(self, picks, shipping, fee, return_fee):
        # A refusal writes nothing (the invariants check it).
        with contextlib.suppress(MoreThanPaid, InvalidCreditInvoice):
            invoice = services.credit_invoice_create(
                order=self.order,
                user=self.staff,
                lines={self.lines[i].pk: LineInput(qty, amount) for i, qty, amount in picks},
                shipping=shipping,
                restocking_fee=fee,
                return_shipping_fee=return_fee,
            )
            self.drafts.append(invoice)

    @precondition(lambda self: self.drafts)
    @rule(data=st.data())
    def issue(self, data):
        invoice = data.draw(st.sampled_from(self.drafts))
        services.credit_invoice_issue(invoice=invoice, user=self.staff)
        self.drafts.remove(invoice)
        self.issued.append(invoice)

    @precondition(lambda self: self.drafts)
    @rule(data=st.data())
    def cancel(self, data):
        invoice = data.draw(st.sampled_from(self.drafts))
        services.credit_invoice_cancel(invoice=invoice, user=self.staff)
        self.drafts.remove(invoice)

    @precondition(lambda self: self.issued)
    @rule(data=st.data(), method=st.sampled_from(["original", "store_credit"]))
    def refund(self, data, method):
        invoice = data.draw(st.sampled_from(self.issued))
        if method == "store_credit" and not invoice.total:
            with pytest.raises(InvalidCreditInvoice):
                services.credit_invoice_mark_refunded(
                    invoice=invoice, user=self.staff, method=method
                )
            return
        services.credit_invoice_mark_refunded(invoice=invoice, user=self.staff, method=method)
        self.issued.remove(invoice)
        if method == "store_credit":
            self.vouchers.append(CreditInvoice.objects.get(pk=invoice.pk).refund_reference)

    @precondition(lambda self: self.vouchers)
    @rule(data=st.data(), amount=cents)
    def spend(self, data, amount):
        code = data.draw(st.sampled_from(self.vouchers))
        with contextlib.suppress(InsufficientStoreCredit, InvalidCreditInvoice):
            services.store_credit_redeem(code=code, amount=amount, user=self.staff)

    @precondition(lambda self: self.unexchanged)
    @rule(data=st.data(), quantity=st.integers(1, 3))
    def exchange(self, data, quantity):
        line = data.draw(st.sampled_from(self.unexchanged))
        variant = data.draw(st.sampled_from(self.variants))
        try:
            exchange = exchange_create(
                rma=self.rma, user=self.staff, lines={line.pk: ExchangeInput(variant.pk, quantity)}
            )
        except (InvalidCreditInvoice, MoreThanPaid):
            return  # more than held, left to credit or in stock: nothing written
        self.unexchanged.remove(line)
        self.exchanges.append(exchange)

    @precondition(lambda self: self.exchanges)
    @rule(data=st.data())
    def credit_difference(self, data):
        exchange = data.draw(st.sampled_from(self.exchanges))
        with contextlib.suppress(InvalidCreditInvoice, MoreThanPaid):
            self.drafts.append(exchange_credit_difference(exchange=exchange, user=self.staff))

    @invariant()
    def stock_is_its_ledger(self):
        for variant in Variant.objects.filter(pk__in=[v.pk for v in getattr(self, "variants", [])]):
            ledger = StockMovement.objects.filter(variant=variant).aggregate(s=Sum("delta"))["s"]
            assert variant.on_hand == ledger >= 0

    @invariant()
    def never_more_than_paid(self):
        if not hasattr(self, "order"):
            return
        order = Order.objects.get(pk=self.order.pk)
        live = CreditInvoice.objects.filter(order=order, status__in=LIVE)
        exchanged = ExchangeLine.objects.filter(exchange__original_order=order)
        assert order.credited_total == (live.aggregate(s=Sum("total"))["s"] or 0) + (
            exchanged.aggregate(s=Sum("value"))["s"] or 0
        )
        assert order.credited_total <= order.total_paid
        assert order.credited_shipping == (live.aggregate(s=Sum("shipping_refund"))["s"] or 0)
        assert order.credited_shipping <= order.shipping_cost
        for line in OrderLine.objects.filter(order=order):
            held = CreditInvoiceLine.objects.filter(
                order_line=line, invoice__status__in=LIVE
            ).aggregate(s=Sum("amount"))["s"]
            used = exchanged.filter(return_line__order_line=line).aggregate(s=Sum("value"))["s"]
            assert line.credited_amount == (held or 0) + (used or 0)
            assert line.credited_amount <= line.unit_price * line.quantity
        numbers = list(
            CreditInvoice.objects.exclude(number=None)
            .order_by("number")
            .values_list("number", flat=True)
        )
        assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, len(numbers) + 1))

    @invariant()
    def store_credit_is_its_ledger(self):
        for credit in StoreCredit.objects.filter(code__in=getattr(self, "vouchers", [])):
            ledger = StoreCreditEntry.objects.filter(credit=credit).aggregate(s=Sum("delta"))["s"]
            assert credit.balance == ledger >= 0


@pytest.mark.django_db
def test_money_follows_the_rules_over_random_sequences():
    run_state_machine_as_test(
        CreditMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
