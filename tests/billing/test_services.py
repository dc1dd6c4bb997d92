from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import services
from billing.calculation import FeeKind
from billing.exceptions import InvalidCreditInvoice, InvalidCreditInvoiceState, MoreThanPaid
from billing.models import BillingSettings, CreditInvoice
from billing.services import Fee, LineInput
from orders.exceptions import OrderNotFound
from orders.models import Order, OrderLine
from tests.factories import CustomerFactory, OrderLineFactory

pytestmark = pytest.mark.django_db
D = Decimal


def create(order, staff, lines, **kwargs):
    return services.credit_invoice_create(
        order=order,
        user=staff,
        lines={line.pk: LineInput(quantity) for line, quantity in lines.items()},
        **kwargs,
    )


def nothing_written(order):
    order.refresh_from_db()
    return (
        not CreditInvoice.objects.exists()
        and order.credited_total == 0
        and not OrderLine.objects.filter(order=order, credited_amount__gt=0).exists()
    )


def test_a_draft_holds_its_amounts_on_the_order_and_its_lines(order, shirts, books, staff):
    invoice = create(
        order,
        staff,
        {shirts: 2, books: 1},
        shipping=D("4.95"),
        restocking_fee=Fee(FeeKind.PERCENT, D(10), "Opened packaging"),
        return_shipping_fee=D("3.00"),
    )
    # goods 49.90 + 22.50 = 72.40; fee 7.24; + 4.95 − 7.24 − 3.00
    assert invoice.status == "draft" and invoice.number is None
    assert invoice.total == D("67.11")
    assert invoice.restocking_fee == D("7.24")
    assert invoice.restocking_fee_reason == "Opened packaging"
    assert [(line.quantity, line.amount, line.vat_rate) for line in invoice.lines.all()] == [
        (2, D("49.90"), D("21.00")),
        (1, D("22.50"), D("9.00")),
    ]
    order.refresh_from_db()
    shirts.refresh_from_db()
    assert (order.credited_total, order.credited_shipping) == (D("67.11"), D("4.95"))
    assert shirts.credited_amount == D("49.90")


def test_the_defaults_of_settings_apply_when_no_fee_is_given(order, shirts, staff):
    BillingSettings.objects.create(
        pk=1,
        restocking_fee_kind=FeeKind.FIXED,
        restocking_fee_value=D("2.50"),
        return_shipping_fee=D("4.95"),
    )
    invoice = create(order, staff, {shirts: 1})
    assert (invoice.restocking_fee, invoice.return_shipping_fee) == (D("2.50"), D("4.95"))
    assert invoice.total == D("17.50")


def test_the_money_rule_per_line(order, shirts, staff):
    create(order, staff, {shirts: 2})
    with pytest.raises(MoreThanPaid):
        create(order, staff, {shirts: 2})
    # What is left of the line can still be credited, to the cent.
    invoice = services.credit_invoice_create(
        order=order, user=staff, lines={shirts.pk: LineInput(1, D("24.95"))}
    )
    assert invoice.total == D("24.95")
    with pytest.raises(MoreThanPaid):
        services.credit_invoice_create(
            order=order, user=staff, lines={shirts.pk: LineInput(1, D("0.01"))}
        )


def test_an_amount_above_what_the_items_cost_is_refused(order, shirts, staff):
    with pytest.raises(MoreThanPaid) as error:
        services.credit_invoice_create(
            order=order, user=staff, lines={shirts.pk: LineInput(1, D("24.96"))}
        )
    assert error.value.field == "lines"
    assert nothing_written(order)


def test_the_money_rule_per_order(order, shirts, books, staff):
    # A shop that took less than the lines' prices (a discount) cannot credit the full lines.
    Order.objects.filter(pk=order.pk).update(total_paid=D("50.00"))
    order.refresh_from_db()
    with pytest.raises(MoreThanPaid):
        create(order, staff, {shirts: 3})
    assert nothing_written(order)


def test_costs_are_credited_once(order, staff):
    create(order, staff, {}, shipping=D("4.95"), payment=D("0.35"))
    with pytest.raises(MoreThanPaid) as error:
        create(order, staff, {}, shipping=D("0.01"))
    assert error.value.field == "shipping"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"shipping": "-1"}, "shipping"),
        ({"shipping": "abc"}, "shipping"),
        ({"return_shipping_fee": D("80")}, "return_shipping_fee"),
        ({"restocking_fee": Fee(FeeKind.FIXED, D("25"))}, "restocking_fee_value"),
        ({"restocking_fee": Fee(FeeKind.PERCENT, D("101"))}, "restocking_fee_value"),
        ({"restocking_fee": Fee("bogus", D("1"))}, "restocking_fee_kind"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(order, shirts, staff, kwargs, field):
    with pytest.raises(InvalidCreditInvoice) as error:
        create(order, staff, {shirts: 1}, **kwargs)
    assert error.value.field == field
    assert nothing_written(order)


def test_a_line_of_another_order_is_refused(order, staff):
    other = OrderLineFactory()
    with pytest.raises(InvalidCreditInvoice):
        create(order, staff, {other: 1})
    assert nothing_written(order)


def test_another_customers_order_is_not_found(order, shirts, staff):
    with pytest.raises(OrderNotFound):
        create(order, staff, {shirts: 1}, customer=CustomerFactory())
    assert nothing_written(order)


def test_issue_numbers_per_year_and_never_edits_again(order, shirts, books, staff):
    first = create(order, staff, {shirts: 1})
    second = create(order, staff, {books: 1})
    services.credit_invoice_issue(invoice=second, user=staff)
    services.credit_invoice_issue(invoice=first, user=staff)
    year = timezone.localdate().year
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == (f"CR-{year}-00001", f"CR-{year}-00002")
    assert first.status == "issued" and first.issued_at is not None
    with pytest.raises(InvalidCreditInvoiceState):
        services.credit_invoice_issue(invoice=first, user=staff)
    with pytest.raises(InvalidCreditInvoiceState):
        services.credit_invoice_cancel(invoice=first, user=staff)


def test_cancelling_a_draft_releases_what_it_held(order, shirts, staff):
    invoice = create(order, staff, {shirts: 3})
    services.credit_invoice_cancel(invoice=invoice, user=staff)
    invoice.refresh_from_db()
    assert invoice.status == "cancelled" and invoice.number is None
    assert nothing_written(order) is False  # the cancelled draft stays, as history
    order.refresh_from_db()
    shirts.refresh_from_db()
    assert order.credited_total == 0 and shirts.credited_amount == 0
    # ...so the items can be credited again.
    create(order, staff, {shirts: 3})


def test_refunded_records_the_method_and_a_valid_iban(order, shirts, staff):
    invoice = create(order, staff, {shirts: 1})
    with pytest.raises(InvalidCreditInvoiceState):
        services.credit_invoice_mark_refunded(invoice=invoice, user=staff, method="original")
    services.credit_invoice_issue(invoice=invoice, user=staff)
    with pytest.raises(InvalidCreditInvoice) as error:
        services.credit_invoice_mark_refunded(
            invoice=invoice, user=staff, method="bank_transfer", iban="NL91 ABNA 0417 1643 01"
        )
    assert error.value.field == "iban"
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    services.credit_invoice_mark_refunded(
        invoice=invoice,
        user=staff,
        method="bank_transfer",
        iban="nl91 abna 0417 1643 00",
        reference="TRF-1",
    )
    invoice.refresh_from_db()
    assert invoice.status == "refunded"
    assert (invoice.refund_iban, invoice.refund_reference) == ("NL91ABNA0417164300", "TRF-1")
    assert invoice.refunded_at is not None


def test_the_database_refuses_crediting_more_than_paid_for_any_code_path(order, shirts):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(pk=shirts.pk).update(credited_amount=D("74.86"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(credited_total=D("125.16"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(credited_shipping=D("4.96"))


def test_the_database_refuses_an_issued_invoice_without_a_number(order, shirts, staff):
    invoice = create(order, staff, {shirts: 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditInvoice.objects.filter(pk=invoice.pk).update(status="issued")


def test_settings_are_checked_and_audited(staff):
    with pytest.raises(Exception) as error:
        services.billing_settings_update(
            actor=staff, restocking_fee_kind="percent", restocking_fee_value="150"
        )
    assert error.value.field == "restocking_fee_value"
    settings = services.billing_settings_update(
        actor=staff, restocking_fee_kind="percent", restocking_fee_value="10", shop_name="Shop"
    )
    assert settings.restocking_fee_value == D("10.00")
    from accounts.models import AuditEntry

    assert AuditEntry.objects.filter(area="settings.billing").count() == 1


def test_refund_as_store_credit_opens_a_voucher_with_its_ledger(order, shirts, staff):
    from billing.models import StoreCredit, StoreCreditEntry

    invoice = services.credit_invoice_issue(invoice=create(order, staff, {shirts: 2}), user=staff)
    services.credit_invoice_mark_refunded(invoice=invoice, user=staff, method="store_credit")
    invoice.refresh_from_db()
    credit = StoreCredit.objects.get()
    assert invoice.refund_reference == credit.code and credit.code.startswith("SC-")
    assert credit.customer == order.customer and credit.balance == D("49.90")
    services.store_credit_redeem(code=credit.code.lower(), amount="20.00", user=staff)
    with pytest.raises(services.InsufficientStoreCredit):
        services.store_credit_redeem(code=credit.code, amount="29.91", user=staff)
    credit = services.store_credit_redeem(code=credit.code, amount="29.90", user=staff)
    assert credit.balance == 0
    assert [e.delta for e in StoreCreditEntry.objects.order_by("pk")] == [
        D("49.90"),
        D("-20.00"),
        D("-29.90"),
    ]


@pytest.mark.parametrize("amount", ["-1", "0", "abc", "1.001"])
def test_redeeming_a_bad_amount_is_refused(order, shirts, staff, amount):
    from billing.models import StoreCreditEntry

    invoice = services.credit_invoice_issue(invoice=create(order, staff, {shirts: 1}), user=staff)
    services.credit_invoice_mark_refunded(invoice=invoice, user=staff, method="store_credit")
    code = invoice.__class__.objects.get(pk=invoice.pk).refund_reference
    with pytest.raises(InvalidCreditInvoice):
        services.store_credit_redeem(code=code, amount=amount, user=staff)
    assert StoreCreditEntry.objects.count() == 1


def test_the_database_keeps_store_credit_honest(order, shirts, staff):
    from billing.models import StoreCredit, StoreCreditEntry

    invoice = services.credit_invoice_issue(invoice=create(order, staff, {shirts: 1}), user=staff)
    services.credit_invoice_mark_refunded(invoice=invoice, user=staff, method="store_credit")
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreCredit.objects.update(balance=D("-0.01"))
    entry = StoreCreditEntry.objects.get()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (the trigger's own error)
        StoreCreditEntry.objects.filter(pk=entry.pk).update(delta=D("1000"))
    entry.refresh_from_db()
    assert entry.delta == D("24.95")
