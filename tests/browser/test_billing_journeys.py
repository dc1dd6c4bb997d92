"""The money side, through the pages only: a customer's approved return credited with a
restocking fee, the PDF downloaded by the customer, the return Item(s) credited; and an
exchange that creates the replacement order."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from inventory.services import stock_receive_initial
from returns.models import Status
from tests.factories import VariantFactory

from .helpers import assert_accessible, log_in, screenshot
from .shop import make_return

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_credit_invoice_with_a_restocking_fee_reaches_the_customer_as_a_pdf(new_context, shop):
    rma = make_return(shop, shop.shirt, quantity=2, status=Status.APPROVED)
    staff = new_context().new_page()
    log_in(staff, shop.staff.email)
    staff.goto(rma.get_absolute_url())
    staff.get_by_role("link", name="Create credit invoice").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Create credit invoice")
    # Prefilled with the return's items.
    expect(staff.get_by_label("Linen shirt — M (LIN-M)")).to_have_value("2")
    staff.get_by_label(re.compile(r"^Restocking fee( \*)?$")).select_option(label="Percentage")
    staff.get_by_label("Restocking fee: percentage or amount").fill("10")
    staff.get_by_label("Reason for the restocking fee").fill("Tags removed")
    staff.get_by_role("button", name="Create draft").click()
    expect(staff.get_by_role("status")).to_contain_text("Draft credit invoice created.")
    # 2 × €59.50 = €119.00; 10 % = €11.90; €107.10 back.
    expect(staff.get_by_role("table").first).to_contain_text("−€11.90")
    expect(staff.get_by_role("table").nth(1)).to_contain_text("€107.10")
    assert_accessible(staff, "credit-invoice-draft")
    staff.get_by_label("Also set the return to Item(s) credited").check()
    # Issuing draws the PDF for the customer's e-mail: the first one loads the fonts.
    with staff.expect_navigation(timeout=60_000):
        staff.get_by_role("button", name="Issue credit invoice").click(no_wait_after=True)
    heading = staff.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Issued")
    number = re.search(r"CR-\d{4}-\d{5}", heading.text_content()).group()
    screenshot(staff, "credit-invoice-issued")
    staff.goto(rma.get_absolute_url())
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Item(s) credited")
    expect(staff.get_by_role("link", name=number)).to_be_visible()

    customer = new_context().new_page()
    log_in(customer, shop.customer.user.email, side="account")
    customer.goto(f"/account/orders/{shop.order.number}/")
    with customer.expect_download(timeout=60_000) as download:
        customer.get_by_role("link", name=f"Credit invoice {number} (PDF)").click()
    pdf = download.value
    assert pdf.suggested_filename == f"{number}.pdf"
    with open(pdf.path(), "rb") as file:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(file.read())).pages)
    assert number in text and "€107.10" in text and "Tags removed" in text
    customer.goto("/account/returns/")
    expect(customer.get_by_role("table")).to_contain_text("Item(s) credited")


def test_an_exchange_creates_the_replacement_order(page, shop):
    larger = VariantFactory(
        product=shop.shirt.variant.product, title="L", sku="LIN-L", price="59.50"
    )
    stock_receive_initial(quantities={larger.pk: 6})
    rma = make_return(shop, shop.shirt, quantity=1, status=Status.APPROVED)
    log_in(page, shop.staff.email)
    page.goto(rma.get_absolute_url())
    page.get_by_role("link", name="Exchange items").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exchange items")
    page.get_by_label("Linen shirt — M: exchange for").select_option(
        label="L (LIN-L), €59.50, 6 in stock"
    )
    page.get_by_label("Also set the return to Item(s) repaired").check()
    assert_accessible(page, "exchange-form")
    page.get_by_role("button", name="Create replacement order").click()
    expect(page.get_by_role("status")).to_contain_text(f"{shop.order.number}-X1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Item(s) repaired")
    expect(page.get_by_text("Same price: nothing to pay or credit.")).to_be_visible()
    page.get_by_role("link", name=f"{shop.order.number}-X1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{shop.order.number}-X1")
    expect(page.get_by_role("table").first).to_contain_text("LIN-L")
    expect(page.get_by_text(f"This order replaces items of return {rma.number}")).to_be_visible()
