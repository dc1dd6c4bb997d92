"""Receiving a parcel with a keyboard-wedge scanner: the scanner types the code and Enter
into the focused Receive field, and staff land on the return. Keyboard only."""

import re

import pytest
from playwright.sync_api import expect

from returns.models import Status
from returns.slip import qr_payload

from .helpers import assert_accessible, go_to, log_in
from .shop import make_return

pytestmark = pytest.mark.django_db(transaction=True)


def scan(page, code: str) -> None:
    """What a USB scanner does: type into the focused field, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_scanning_a_slip_opens_its_return(page, shop):
    rma = make_return(shop, shop.shirt, quantity=2)
    log_in(page, shop.staff.email)
    go_to(page, "Receive")
    # The field has the focus on the Receive page: no click before the first scan.
    expect(page.get_by_label("Receive", exact=True)).to_be_focused()
    assert_accessible(page, "receive")

    scan(page, rma.number)
    expect(page).to_have_url(re.compile(re.escape(rma.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(rma.number)


def test_the_qr_code_and_an_order_number_open_the_return_too(page, shop):
    rma = make_return(shop, shop.shirt)
    make_return(shop, shop.sneakers, status=Status.REJECTED)
    log_in(page, shop.staff.email)

    for code in (qr_payload(rma), shop.order.number):
        go_to(page, "Receive")
        scan(page, code)
        expect(page.get_by_role("heading", level=1)).to_contain_text(rma.number)


def test_an_order_with_two_open_returns_lists_them_and_the_keyboard_chooses(page, shop):
    first = make_return(shop, shop.shirt)
    second = make_return(shop, shop.sneakers)
    log_in(page, shop.staff.email)
    go_to(page, "Receive")
    scan(page, shop.order.number)

    expect(page.get_by_role("status")).to_contain_text(f"2 returns match “{shop.order.number}”")
    assert_accessible(page, "receive-matches")
    expect(page.get_by_role("link", name=second.number)).to_be_visible()
    # A match is a link: focused and Enter, as a keyboard user chooses it.
    page.get_by_role("link", name=first.number).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.number)
