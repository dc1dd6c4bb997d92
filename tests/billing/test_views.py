from decimal import Decimal

import pytest

from billing.models import CreditInvoice
from orders.models import Order
from tests.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
D = Decimal


def form_data(lines, **extra):
    data = {
        "shipping": "0",
        "payment": "0",
        "restocking_fee_kind": "none",
        "restocking_fee_value": "0",
        "return_shipping_fee": "0",
        "restocking_fee_reason": "",
    }
    data.update({f"line_{line.pk}": quantity for line, quantity in lines.items()})
    data.update(extra)
    return data


def create_url(order):
    return f"/backoffice/orders/{order.number}/credit-invoices/new/"


def nothing_written(order):
    order.refresh_from_db()
    return not CreditInvoice.objects.exists() and order.credited_total == 0


def test_the_order_page_offers_a_credit_invoice(staff_client, order):
    page = staff_client.get(order.get_absolute_url())
    assert '<h2 id="order-credit-invoices-title">Credit invoices</h2>' in page.text
    assert f'href="{create_url(order)}"' in page.text
    assert "€125.15" in page.text and "PayPal" in page.text


def test_from_a_return_the_form_is_prefilled_with_its_items(
    staff_client, approved_return, shirts, books
):
    page = staff_client.get(approved_return.get_absolute_url())
    url = f"{create_url(approved_return.order)}?return={approved_return.pk}"
    assert url in page.text
    form = staff_client.get(url).context["form"]
    assert form[f"line_{shirts.pk}"].value() == 2
    assert form[f"line_{books.pk}"].value() == 1


def test_a_credit_invoice_with_a_restocking_fee_is_issued_and_credits_the_return(
    staff_client, approved_return, shirts, books
):
    order = approved_return.order
    response = staff_client.post(
        create_url(order),
        form_data(
            {shirts: 2, books: 1},
            restocking_fee_kind="percent",
            restocking_fee_value="10",
            restocking_fee_reason="Tags removed",
            **{"return": approved_return.pk},
        ),
    )
    invoice = CreditInvoice.objects.get()
    assert response.status_code == 302 and response["Location"] == invoice.get_absolute_url()
    assert invoice.rma == approved_return and invoice.total == D("65.16")  # 72.40 − 7.24
    page = staff_client.get(invoice.get_absolute_url())
    assert "Also set the return to Item(s) credited" in page.text
    assert "−€7.24" in page.text and "€65.16" in page.text
    response = staff_client.post(
        f"/backoffice/credit-invoices/{invoice.pk}/issue/", {"credit_return": "on"}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    approved_return.refresh_from_db()
    assert invoice.status == "issued" and invoice.number.startswith("CR-")
    assert approved_return.status == "credited"
    # The return page lists it with its state.
    page = staff_client.get(approved_return.get_absolute_url())
    assert invoice.number in page.text and "Issued" in page.text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"shipping": "-1"}, "greater than or equal to 0"),
        ({"shipping": "ten"}, "Enter a number"),
        ({"return_shipping_fee": "80"}, "The fees are more than the amount credited."),
        (
            {"restocking_fee_kind": "fixed", "restocking_fee_value": "30"},
            "The restocking fee is more than the items credited.",
        ),
        ({"shipping": "5.00"}, "of the shipping costs is left to credit"),
        ({"restocking_fee_kind": "bogus"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(staff_client, order, shirts, extra, message):
    response = staff_client.post(create_url(order), form_data({shirts: 1}, **extra))
    assert response.status_code == 200
    assert message in response.text
    assert nothing_written(order)


def test_more_than_paid_is_a_form_error(staff_client, order, shirts):
    Order.objects.filter(pk=order.pk).update(total_paid=D("30.00"))
    response = staff_client.post(create_url(order), form_data({shirts: 2}))
    assert response.status_code == 200
    assert "The order has only €30.00 left to credit." in response.text
    assert nothing_written(order)


def test_a_quantity_above_what_was_ordered_is_a_form_error(staff_client, order, shirts):
    response = staff_client.post(create_url(order), form_data({shirts: 4}))
    assert response.status_code == 200 and "less than or equal to 3" in response.text
    assert nothing_written(order)


def test_a_forged_post_with_another_orders_return_is_refused(
    staff_client, order, shirts, approved_return
):
    other = OrderLineFactory().order
    response = staff_client.post(
        create_url(other), form_data({shirts: 1}, **{"return": approved_return.pk})
    )
    assert response.status_code == 404
    # Another order's line sent to this order is not one of its fields: nothing to credit.
    response = staff_client.post(create_url(other), form_data({shirts: 1}))
    assert response.status_code == 200
    assert not CreditInvoice.objects.exists()


def test_refund_by_bank_transfer_needs_a_valid_iban(staff_client, staff, order, shirts):
    from billing import services

    invoice = services.credit_invoice_issue(
        invoice=services.credit_invoice_create(
            order=order, user=staff, lines={shirts.pk: services.LineInput(1)}
        ),
        user=staff,
    )
    url = f"/backoffice/credit-invoices/{invoice.pk}/refund/"
    response = staff_client.post(url, {"method": "bank_transfer", "iban": "NL00 BANK 1234"})
    assert response.status_code == 200 and "This is not a valid IBAN." in response.text
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    response = staff_client.post(
        url, {"method": "bank_transfer", "iban": "NL91ABNA0417164300", "reference": "T-9"}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.refund_iban) == ("refunded", "NL91ABNA0417164300")


def test_a_draft_is_cancelled_from_its_page_and_releases_what_it_held(
    staff_client, staff, order, shirts
):
    from billing import services

    draft = services.credit_invoice_create(
        order=order, user=staff, lines={shirts.pk: services.LineInput(3)}
    )
    staff_client.post(f"/backoffice/credit-invoices/{draft.pk}/cancel/")
    draft.refresh_from_db()
    order.refresh_from_db()
    assert draft.status == "cancelled" and order.credited_total == 0


def test_amounts_are_written_the_dutch_way_in_dutch(staff_client, order):
    staff_client.cookies["django_language"] = "nl"
    page = staff_client.get(order.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert "€\xa0125,15" in page.text


def test_settings_returns_and_refunds(admin_client):
    page = admin_client.get("/backoffice/settings/")
    assert "/backoffice/settings/returns-refunds/" in page.text
    response = admin_client.post(
        "/backoffice/settings/returns-refunds/",
        {
            "restocking_fee_kind": "percent",
            "restocking_fee_value": "150",
            "return_shipping_fee": "4.95",
        },
    )
    assert response.status_code == 200 and "A percentage is between 0 and 100." in response.text
    response = admin_client.post(
        "/backoffice/settings/returns-refunds/",
        {
            "restocking_fee_kind": "percent",
            "restocking_fee_value": "10",
            "return_shipping_fee": "4.95",
            "shop_name": "Fietsen & Co",
            "vat_number": "NL123456789B01",
            "coc_number": "12345678",
        },
    )
    assert response.status_code == 302
    from billing.models import BillingSettings

    assert BillingSettings.objects.get().return_shipping_fee == D("4.95")


def test_staff_do_not_get_the_settings(staff_client):
    assert staff_client.get("/backoffice/settings/returns-refunds/").status_code == 403
