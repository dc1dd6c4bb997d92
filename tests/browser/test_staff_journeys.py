"""Staff at work, through the pages only, finding everything by its visible label."""

import re

import pytest
from playwright.sync_api import expect

from returns.models import Return, Status
from tests.factories import StaffUserFactory

from .helpers import (
    assert_accessible,
    cell,
    fact,
    go_to,
    history_entry,
    log_in,
    on_hand,
    save_status,
    screenshot,
)
from .shop import make_return

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_process_a_customers_return_and_stock_follows(page, shop):
    rma = make_return(
        shop, shop.shirt, quantity=2, reason="Too small", comment="The sleeves are too short."
    )
    log_in(page, shop.staff.email)

    go_to(page, "Returns")
    page.get_by_role("link", name=rma.number).click()
    expect(fact(page, "Return reason")).to_have_text("Too small")
    expect(page.get_by_text("The sleeves are too short.", exact=True).first).to_be_visible()

    save_status(page, "In progress")
    expect(history_entry(page, "Status changed from New to In progress")).to_be_visible()

    page.get_by_label("Status").select_option(label="Return approved")
    page.get_by_label("Update stock").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(f"Return {rma.number} saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return approved")
    expect(history_entry(page, "Stock updated")).to_contain_text("LIN-M: 2 back in stock")
    assert_accessible(page, "return-page-after-save")

    expect(on_hand(page, product="Linen shirt", sku="LIN-M")).to_have_text("12")
    expect(page.get_by_role("row").filter(has_text="Return restock")).to_contain_text("+2")


def test_staff_create_a_return_from_an_order(page, shop):
    log_in(page, shop.staff.email)

    go_to(page, "Orders")
    page.get_by_role("search").get_by_label("Search").fill(shop.order.number)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 order", exact=True)).to_be_visible()
    page.get_by_role("link", name=shop.order.number).click()
    page.get_by_role("link", name="Create return").click()

    page.get_by_label("Linen shirt — M (LIN-M)").fill("2")
    page.get_by_label("Return reason").select_option(label="Too small")
    page.get_by_label("Return action").select_option(label="Send a larger size")
    page.get_by_label("Customer comment").fill("Called the shop: the sleeves are too short.")
    screenshot(page, "create-return-filled")
    page.get_by_role("button", name="Create return").click()

    expect(page.get_by_role("status")).to_contain_text("created")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("New")
    number = re.search(r"RET-\d+", heading.text_content()).group()
    expect(fact(page, "Origin")).to_contain_text("Staff · Sam Staff")

    go_to(page, "Returns")
    returns = page.get_by_role("table")
    expect(cell(returns, row=number, column="Origin")).to_have_text("Staff")
    expect(cell(returns, row=number, column="Order")).to_have_text(shop.order.number)
    expect(cell(returns, row=number, column="Items")).to_have_text("2")
    # ...and on the order's own page.
    page.get_by_role("link", name=shop.order.number).click()
    expect(
        page.get_by_role("region", name="Returns").get_by_role("link", name=number)
    ).to_be_visible()


def test_stock_linked_to_a_point_of_sale_disables_update_stock(page, shop):
    rma = make_return(shop, shop.shirt, quantity=2)
    log_in(page, shop.admin.email)

    go_to(page, "Settings")
    page.get_by_role("link", name=re.compile(r"^Inventory")).click()
    page.get_by_label("Stock linked to a point of sale").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Inventory settings saved.")
    expect(page.get_by_label("Stock linked to a point of sale")).to_be_checked()

    go_to(page, "Returns")
    page.get_by_role("link", name=rma.number).click()
    update_stock = page.get_by_label("Update stock")
    expect(update_stock).to_be_disabled()
    expect(update_stock).to_have_accessible_description(
        "Not available: stock is linked to a physical point of sale (Settings > Inventory)."
    )
    screenshot(page, "return-page-stock-linked-to-pos")

    save_status(page, "Return approved")
    expect(history_entry(page, "Stock updated")).to_have_count(0)
    expect(on_hand(page, product="Linen shirt", sku="LIN-M")).to_have_text("10")
    expect(page.get_by_role("row").filter(has_text="Return restock")).to_have_count(0)


def test_second_save_of_the_same_return_is_told_it_changed_meanwhile(new_context, shop):
    rma = make_return(shop, shop.shirt)
    colleague = StaffUserFactory(email="kim.colleague@example.org", full_name="Kim Colleague")
    first, second = new_context().new_page(), new_context().new_page()
    log_in(first, shop.staff.email)
    log_in(second, colleague.email)
    for page in (first, second):
        page.goto(rma.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_contain_text("New")

    save_status(first, "In progress")

    second.get_by_label("Status").select_option(label="Request rejected")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("alert")).to_contain_text("Someone else changed this return")
    # The page now shows the colleague's change, and keeps what this user chose.
    expect(second.get_by_role("heading", level=1)).to_contain_text("In progress")
    expect(second.get_by_label("Status").locator("option:checked")).to_have_text("Request rejected")
    assert_accessible(second, "return-page-changed-meanwhile")
    screenshot(second, "return-page-changed-meanwhile")

    first.reload()
    expect(first.get_by_role("heading", level=1)).to_contain_text("In progress")
    expect(history_entry(first, "Status changed from New to In progress")).to_be_visible()
    expect(first.get_by_role("listitem").filter(has_text="Request rejected")).to_have_count(0)
    assert Return.objects.get(pk=rma.pk).status == Status.IN_PROGRESS
