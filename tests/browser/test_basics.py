"""What every journey stands on: the live server serves the stylesheet and the script,
the login pages work by their labels, lists page through their results."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.factories import OrderFactory

from .helpers import assert_accessible, cell, go_to, log_in, menu
from .shop import PASSWORD, make_return

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_stylesheet_and_the_script_are_served_and_applied(page, shop):
    page.goto("/backoffice/login/")
    # The primary button's colour comes from static/css/app.css only.
    button = page.get_by_role("button", name="Log in")
    expect(button).to_have_css("background-color", "rgb(29, 78, 216)")
    expect(page.locator("body")).to_have_css("background-image", re.compile("linear-gradient"))
    script = page.request.get("/static/js/app.js")
    assert script.ok
    assert "DOMContentLoaded" in script.text()


def test_a_visitor_logs_in_and_lands_where_they_were_going(page, shop):
    page.goto("/backoffice/returns/")
    expect(page).to_have_url(re.compile(r"/backoffice/login/\?next="))
    page.get_by_label("E-mail").fill(shop.staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/backoffice/returns/$"))
    expect(page.get_by_role("heading", name="Returns", level=1)).to_be_visible()
    expect(menu(page).get_by_role("link", name="Returns")).to_have_attribute("aria-current", "page")
    # Staff have no Settings.
    expect(menu(page).get_by_role("link", name="Settings")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/backoffice/login/$"))


def test_a_wrong_password_is_refused_on_the_page(page, shop):
    page.goto("/backoffice/login/")
    page.get_by_label("E-mail").fill(shop.staff.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("The e-mail address or password is not correct.")
    expect(page).to_have_url(re.compile(r"/backoffice/login/$"))
    assert_accessible(page, "backoffice-login-error")


def test_a_customer_sees_their_orders_and_what_was_returned(page, shop):
    make_return(shop, shop.shirt, quantity=2)
    log_in(page, shop.customer.user.email, side="account")
    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    orders = page.get_by_role("table")
    expect(cell(orders, row=shop.order.number, column="Status")).to_have_text("Shipped")
    page.get_by_role("link", name=shop.order.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Order {shop.order.number}")
    lines = page.get_by_role("table")
    expect(cell(lines, row="LIN-M", column="Ordered")).to_have_text("3")
    expect(cell(lines, row="LIN-M", column="Returned")).to_have_text("2")
    # A customer has no business in the backoffice.
    response = page.goto("/backoffice/returns/")
    assert response.status == 403

    page.goto("/account/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in to your account")).to_be_visible()


def test_lists_page_through_their_results_keeping_the_filters(page, shop):
    OrderFactory.create_batch(50, customer=shop.customer)  # 51 of Chris's orders shipped
    OrderFactory(customer=shop.customer, status=Order.Status.PAID, shipped_at=None)
    OrderFactory.create_batch(3)  # other customers'
    log_in(page, shop.staff.email)
    go_to(page, "Orders")
    search = page.get_by_role("search")
    search.get_by_label("Search").fill(shop.customer.user.email)
    search.get_by_label("Status").select_option(label="Shipped")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("51 orders", exact=True)).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1 of 2")

    pages.get_by_role("link", name=re.compile("Next")).click()
    expect(pages).to_contain_text("Page 2 of 2")
    expect(page.get_by_text("51 orders", exact=True)).to_be_visible()
    expect(search.get_by_label("Search")).to_have_value(shop.customer.user.email)
    expect(search.get_by_label("Status")).to_have_value("shipped")

    pages.get_by_role("link", name=re.compile("Previous")).click()
    expect(pages).to_contain_text("Page 1 of 2")
    expect(page.get_by_text("51 orders", exact=True)).to_be_visible()
