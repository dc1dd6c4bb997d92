"""Customers at work, and staff answering them, through the pages only: a return requested
from the account, processed in the backoffice, followed under My returns and announced by
e-mail; and what a customer meets once an admin stops returns."""

import re

import pytest
from playwright.sync_api import expect

from returns.models import Return
from tests.mail import run_worker

from .helpers import (
    cell,
    fact,
    go_to,
    history_entry,
    log_in,
    on_hand,
    save_status,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

SHIRT = "Linen shirt — M (LIN-M)"  # the order line's label on the request form
SHOP_EMAIL = "returns@shop.example"


def open_request_form(page, order_number: str) -> None:
    """My orders: the Request return button on the order's row."""
    go_to(page, "My orders", menu_name="Account menu")
    orders = page.get_by_role("table")
    orders.get_by_role("row").filter(has_text=order_number).get_by_role(
        "link", name="Request return"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request return")


def only_message_to(smtp_server, address: str, subject: str = ""):
    messages = [
        message
        for message in smtp_server.messages
        if message["To"] == address and message["Subject"].startswith(subject)
    ]
    assert len(messages) == 1, [(m["To"], m["Subject"]) for m in smtp_server.messages]
    return messages[0]


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_customer_requests_a_return_staff_approve_it_and_the_customer_is_told(
    new_context, shop, smtp_server, settings, live_server
):
    # smtp_server points the mail settings at itself; these two are read when an e-mail is
    # queued, which happens in the live server's thread: the e-mails below can only carry
    # them if that thread sees the test's settings.
    settings.SHOP_EMAIL = SHOP_EMAIL
    settings.SITE_URL = live_server.url
    customer_email = shop.customer.user.email
    customer, staff = new_context().new_page(), new_context().new_page()

    # The customer asks.
    log_in(customer, customer_email, side="account")
    open_request_form(customer, shop.order.number)
    customer.get_by_label(SHIRT).fill("2")
    customer.get_by_label("Return reason").select_option(label="Too small")
    customer.get_by_label("Comment", exact=True).fill("The sleeves are too short for me.")
    screenshot(customer, "request-return-filled")
    customer.get_by_role("button", name="Request return").click()

    expect(customer.get_by_role("status")).to_contain_text(
        "Thank you. We received your return request"
    )
    heading = customer.get_by_role("heading", level=1)
    expect(heading).to_contain_text("New")
    number = re.search(r"RET-\d+", heading.text_content()).group()
    expect(history_entry(customer, "You requested this return")).to_be_visible()
    screenshot(customer, "customer-return-requested")

    # Staff find it under Orders > Returns, read why, and take it on.
    log_in(staff, shop.staff.email)
    go_to(staff, "Returns")
    returns = staff.get_by_role("table")
    expect(cell(returns, row=number, column="Return reason")).to_have_text("Too small")
    expect(cell(returns, row=number, column="Origin")).to_have_text("Customer")
    expect(cell(returns, row=number, column="Items")).to_have_text("2")
    staff.get_by_role("link", name=number).click()
    expect(fact(staff, "Return reason")).to_have_text("Too small")
    expect(fact(staff, "Origin")).to_have_text("Customer · Chris Customer")
    expect(staff.get_by_text("The sleeves are too short for me.", exact=True).first).to_be_visible()
    save_status(staff, "In progress")

    staff.get_by_label("Status").select_option(label="Return approved")
    staff.get_by_label("Update stock").check()
    staff.get_by_label("Notify customer").check()
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("status")).to_contain_text(f"Return {number} saved.")
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Return approved")
    expect(history_entry(staff, "Stock updated")).to_contain_text("LIN-M: 2 back in stock")
    status_email = f"Your return {number}: Return approved"
    queued = history_entry(staff, f"E-mail to {customer_email} queued")
    expect(queued.filter(has_text=status_email)).to_be_visible()

    # The worker delivers the three e-mails: the shop's "new request", the customer's
    # confirmation of it and their news.
    assert smtp_server.messages == []  # nothing is sent inside a web request
    run_worker()
    to_shop = only_message_to(smtp_server, SHOP_EMAIL)
    assert to_shop["Subject"] == f"New return request {number} (order {shop.order.number})"
    assert f"{live_server.url}/backoffice/returns/" in plain_text(to_shop)
    confirmation = only_message_to(smtp_server, customer_email, "We received your return")
    assert number in confirmation["Subject"]
    to_customer = only_message_to(smtp_server, customer_email, "Your return")
    assert to_customer["Subject"] == status_email
    assert len(smtp_server.messages) == 3

    staff.reload()
    sent = history_entry(staff, f"E-mail to {customer_email} sent")
    expect(sent.filter(has_text=status_email)).to_be_visible()
    expect(history_entry(staff, f"E-mail to {SHOP_EMAIL} sent")).to_be_visible()
    screenshot(staff, "return-page-customer-notified")

    expect(on_hand(staff, product="Linen shirt", sku="LIN-M")).to_have_text("12")
    expect(staff.get_by_role("row").filter(has_text="Return restock")).to_contain_text("+2")

    # The customer follows the e-mail's link, and finds the same under My returns.
    link = re.search(rf"{re.escape(live_server.url)}/account/returns/\d+/", plain_text(to_customer))
    assert link, plain_text(to_customer)
    customer.goto(link.group())
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        f"Return {number} Return approved"
    )
    for title in (
        "You requested this return",
        "Status changed from New to In progress",
        "Status changed from In progress to Return approved",
    ):
        expect(history_entry(customer, title)).to_be_visible()
    # Staff-only history (stock, e-mails) stays in the backoffice.
    expect(customer.get_by_text("Stock updated")).to_have_count(0)
    expect(customer.get_by_text(re.compile("^E-mail to"))).to_have_count(0)
    screenshot(customer, "customer-return-approved")

    go_to(customer, "My returns", menu_name="Account menu")
    mine = customer.get_by_role("table")
    expect(cell(mine, row=number, column="Status")).to_have_text("Return approved")
    expect(cell(mine, row=number, column="Order")).to_have_text(shop.order.number)
    expect(cell(mine, row=number, column="Items")).to_have_text("2")


def test_when_an_admin_stops_returns_customers_can_no_longer_request_one(new_context, shop):
    shopper = new_context()
    customer, earlier_tab = shopper.new_page(), shopper.new_page()
    admin = new_context().new_page()
    log_in(customer, shop.customer.user.email, side="account")
    expect(customer.get_by_role("link", name="Request return")).to_be_visible()
    # A request form the customer opened from the order's page before the switch, and
    # sends after it.
    earlier_tab.goto(f"/account/orders/{shop.order.number}/")
    earlier_tab.get_by_role("region", name="Returns").get_by_role(
        "link", name="Request return"
    ).click()
    expect(earlier_tab.get_by_role("heading", level=1)).to_have_text("Request return")
    earlier_tab.get_by_label(SHIRT).fill("1")
    earlier_tab.get_by_label("Return reason").select_option(label="Too large")

    log_in(admin, shop.admin.email)
    go_to(admin, "Settings")
    admin.get_by_role("link", name=re.compile(r"^Account & service")).click()
    allow_returns = admin.get_by_label("Allow returns")
    expect(allow_returns).to_be_checked()
    allow_returns.uncheck()
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("status")).to_have_text("Account & service settings saved.")
    expect(admin.get_by_label("Allow returns")).not_to_be_checked()

    # My orders: the order is there, its button is not.
    go_to(customer, "My orders", menu_name="Account menu")
    expect(customer.get_by_role("row").filter(has_text=shop.order.number)).to_be_visible()
    expect(customer.get_by_role("link", name="Request return")).to_have_count(0)
    # The order's page says why.
    customer.get_by_role("link", name=shop.order.number).click()
    returns_panel = customer.get_by_role("region", name="Returns")
    expect(returns_panel).to_contain_text("Returns are not possible right now.")
    expect(customer.get_by_role("link", name="Request return")).to_have_count(0)

    # The request address, typed or bookmarked, refuses.
    response = customer.goto(f"/account/orders/{shop.order.number}/request-return/")
    assert response.status == 403
    expect(customer.get_by_role("heading", level=1)).to_have_text("A return cannot be requested")
    expect(customer.get_by_role("alert")).to_have_text("Returns are not possible right now.")
    expect(customer.get_by_role("button", name="Request return")).to_have_count(0)
    screenshot(customer, "request-return-refused")

    # The form from before the switch is refused too, and nothing was created.
    earlier_tab.get_by_role("button", name="Request return").click()
    expect(earlier_tab.get_by_role("heading", level=1)).to_have_text("A return cannot be requested")
    expect(earlier_tab.get_by_role("alert")).to_have_text("Returns are not possible right now.")
    go_to(earlier_tab, "My returns", menu_name="Account menu")
    expect(earlier_tab.get_by_role("cell", name="You have no returns yet.")).to_be_visible()
    assert not Return.objects.exists()
