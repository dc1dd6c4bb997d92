from decimal import Decimal

import pytest
from django.db.models import Sum

from billing.exceptions import InvalidCreditInvoice
from billing.exchanges import ExchangeInput, exchange_create, exchange_credit_difference
from billing.models import CreditInvoice, Exchange
from inventory.models import StockMovement
from inventory.services import stock_receive_initial
from orders.models import Order
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db
D = Decimal


def on_hand_is_its_ledger(variant):
    variant.refresh_from_db()
    return (
        variant.on_hand
        == StockMovement.objects.filter(variant=variant).aggregate(s=Sum("delta"))["s"]
    )


@pytest.fixture
def larger(shirts):
    """The same T-shirt one size up, in stock, at the same price."""
    variant = VariantFactory(product=shirts.variant.product, title="L", price=D("24.95"))
    stock_receive_initial(quantities={variant.pk: 5})
    return variant


def test_an_exchange_makes_the_replacement_order_and_ships_from_stock(
    approved_return, shirts, larger, staff
):
    line = approved_return.lines.get(order_line=shirts)
    exchange = exchange_create(
        rma=approved_return,
        user=staff,
        lines={line.pk: ExchangeInput(larger.pk, 2)},
        mark_repaired=True,
    )
    replacement = exchange.replacement_order
    assert replacement.number == f"{approved_return.order.number}-X1"
    assert replacement.customer == approved_return.customer
    assert replacement.status == Order.Status.PAID
    (new_line,) = replacement.lines.all()
    assert (new_line.variant, new_line.quantity, new_line.unit_price) == (larger, 2, D("24.95"))
    assert exchange.difference == 0 and replacement.total_paid == D("49.90")
    movement = StockMovement.objects.get(variant=larger, kind="exchange_shipment")
    assert movement.delta == -2 and movement.reference == new_line
    assert on_hand_is_its_ledger(larger) and larger.on_hand == 3
    approved_return.refresh_from_db()
    assert approved_return.status == "repaired"


def test_a_dearer_exchange_leaves_the_customer_owing_the_difference(approved_return, books, staff):
    dearer = VariantFactory(price=D("30.00"))
    stock_receive_initial(quantities={dearer.pk: 1})
    line = approved_return.lines.get(order_line=books)
    exchange = exchange_create(
        rma=approved_return, user=staff, lines={line.pk: ExchangeInput(dearer.pk, 1)}
    )
    assert exchange.difference == D("7.50")
    assert exchange.replacement_order.total_paid == D("22.50")
    with pytest.raises(InvalidCreditInvoice):
        exchange_credit_difference(exchange=exchange, user=staff)


def test_a_cheaper_exchange_offers_a_credit_invoice_for_the_difference(
    approved_return, shirts, staff
):
    cheaper = VariantFactory(price=D("19.95"))
    stock_receive_initial(quantities={cheaper.pk: 4})
    line = approved_return.lines.get(order_line=shirts)
    exchange = exchange_create(
        rma=approved_return, user=staff, lines={line.pk: ExchangeInput(cheaper.pk, 2)}
    )
    assert exchange.difference == D("-10.00")
    # The replacement is paid with €39.90 of the €49.90 the two shirts cost.
    shirts.refresh_from_db()
    assert shirts.credited_amount == D("39.90")
    invoice = exchange_credit_difference(exchange=exchange, user=staff)
    assert invoice.total == D("10.00") and invoice.rma == approved_return
    assert invoice.lines.get().order_line == shirts
    with pytest.raises(InvalidCreditInvoice):
        exchange_credit_difference(exchange=exchange, user=staff)
    assert CreditInvoice.objects.count() == 1
    shirts.refresh_from_db()
    assert shirts.credited_amount == D("49.90")  # what the two shirts cost, no more


def test_refusals_write_nothing(approved_return, shirts, larger, staff):
    line = approved_return.lines.get(order_line=shirts)
    for lines in [
        {line.pk: ExchangeInput(larger.pk, 3)},  # the return holds 2
        {line.pk: ExchangeInput(987654, 1)},  # no such variant
        {line.pk + 1000: ExchangeInput(larger.pk, 1)},  # not a line of this return
    ]:
        with pytest.raises(InvalidCreditInvoice):
            exchange_create(rma=approved_return, user=staff, lines=lines)
    empty = VariantFactory()
    with pytest.raises(InvalidCreditInvoice) as error:
        exchange_create(
            rma=approved_return, user=staff, lines={line.pk: ExchangeInput(empty.pk, 1)}
        )
    assert "in stock" in error.value.message
    assert not Exchange.objects.exists()
    assert not Order.objects.filter(number__contains="-X").exists()
    # Once exchanged, the same item is not exchanged again.
    exchange_create(rma=approved_return, user=staff, lines={line.pk: ExchangeInput(larger.pk, 1)})
    with pytest.raises(InvalidCreditInvoice):
        exchange_create(
            rma=approved_return, user=staff, lines={line.pk: ExchangeInput(larger.pk, 1)}
        )


def test_a_return_not_approved_is_not_exchanged(order, shirts, larger, staff):
    from returns import services as return_services
    from tests.factories import CatalogEntryFactory

    rma = return_services.return_create(
        order=order,
        quantities={shirts.pk: 1},
        user=staff,
        origin="staff",
        reason=return_services.Choice(entry=CatalogEntryFactory(kind="reason", name="Broken")),
    )
    with pytest.raises(InvalidCreditInvoice):
        exchange_create(
            rma=rma, user=staff, lines={rma.lines.get().pk: ExchangeInput(larger.pk, 1)}
        )


def test_the_exchange_page_creates_the_replacement_order(
    staff_client, approved_return, shirts, books, larger
):
    page = staff_client.get(approved_return.get_absolute_url())
    assert f"/backoffice/returns/{approved_return.pk}/exchange/" in page.text
    line = approved_return.lines.get(order_line=shirts)
    form = staff_client.get(f"/backoffice/returns/{approved_return.pk}/exchange/")
    assert "5 in stock" in form.text
    response = staff_client.post(
        f"/backoffice/returns/{approved_return.pk}/exchange/",
        {f"variant_{line.pk}": larger.pk, f"quantity_{line.pk}": 2, "mark_repaired": "on"},
    )
    assert response.status_code == 302
    exchange = Exchange.objects.get()
    page = staff_client.get(approved_return.get_absolute_url())
    assert exchange.replacement_order.number in page.text
    assert "Same price" in page.text
    order_page = staff_client.get(exchange.replacement_order.get_absolute_url())
    assert approved_return.number in order_page.text


def test_an_exchange_by_sku_for_another_product_shows_what_is_owed(
    staff_client, client, approved_return, books
):
    dearer = VariantFactory(sku="MAP-NL", price=D("30.00"))
    stock_receive_initial(quantities={dearer.pk: 1})
    line = approved_return.lines.get(order_line=books)
    url = f"/backoffice/returns/{approved_return.pk}/exchange/"
    response = staff_client.post(url, {f"sku_{line.pk}": "NO-SUCH", f"quantity_{line.pk}": 1})
    assert response.status_code == 200 and "No product has this SKU." in response.text
    response = staff_client.post(url, {f"quantity_{line.pk}": 1})
    assert "Choose at least one item to exchange." in response.text
    response = staff_client.post(url, {f"sku_{line.pk}": "MAP-NL", f"quantity_{line.pk}": 1})
    assert response.status_code == 302
    replacement = Exchange.objects.get().replacement_order
    page = staff_client.get(replacement.get_absolute_url())
    assert "The customer still owes €7.50." in page.text
    client.force_login(approved_return.customer.user)
    page = client.get(f"/account/orders/{replacement.number}/")
    assert "You still owe €7.50 for the exchange." in page.text


def test_the_cheaper_difference_is_credited_from_the_return_page(
    staff_client, approved_return, shirts
):
    cheaper = VariantFactory(price=D("19.95"))
    stock_receive_initial(quantities={cheaper.pk: 4})
    line = approved_return.lines.get(order_line=shirts)
    staff_client.post(
        f"/backoffice/returns/{approved_return.pk}/exchange/",
        {f"sku_{line.pk}": cheaper.sku, f"quantity_{line.pk}": 2},
    )
    exchange = Exchange.objects.get()
    page = staff_client.get(approved_return.get_absolute_url())
    assert "Credit the difference of €10.00" in page.text
    response = staff_client.post(f"/backoffice/exchanges/{exchange.pk}/credit-difference/")
    invoice = CreditInvoice.objects.get()
    assert response["Location"] == invoice.get_absolute_url() and invoice.total == D("10.00")


def test_items_credited_already_are_not_exchanged_too(approved_return, shirts, larger, staff):
    """The money rule across both: the same money is never paid back and exchanged."""
    from billing import services
    from billing.exceptions import MoreThanPaid

    services.credit_invoice_create(
        order=approved_return.order, user=staff, lines={shirts.pk: services.LineInput(3)}
    )
    line = approved_return.lines.get(order_line=shirts)
    with pytest.raises(MoreThanPaid):
        exchange_create(
            rma=approved_return, user=staff, lines={line.pk: ExchangeInput(larger.pk, 1)}
        )
    assert not Exchange.objects.exists()
    larger.refresh_from_db()
    assert larger.on_hand == 5


def test_items_exchanged_are_not_credited_too(approved_return, shirts, larger, staff):
    from billing import services
    from billing.exceptions import MoreThanPaid

    line = approved_return.lines.get(order_line=shirts)
    exchange_create(rma=approved_return, user=staff, lines={line.pk: ExchangeInput(larger.pk, 2)})
    with pytest.raises(MoreThanPaid):
        services.credit_invoice_create(
            order=approved_return.order, user=staff, lines={shirts.pk: services.LineInput(2)}
        )
    # The third shirt, never exchanged, can still be credited.
    services.credit_invoice_create(
        order=approved_return.order, user=staff, lines={shirts.pk: services.LineInput(1)}
    )
