"""Staff at scale in a real browser: the dashboard in English and Dutch passes axe (its
SVG charts included), and a bulk change made by ticking returns in the list shows what
changed and what was refused."""

import re

import pytest
from playwright.sync_api import expect

from returns.models import Return, Status

from .helpers import assert_accessible, log_in, screenshot
from .shop import add_showcase, make_return

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_in_both_languages_passes_axe(page, shop):
    add_showcase(shop)
    log_in(page, shop.staff.email)
    page.goto("/backoffice/")
    for name in ("Returns and items per day", "Returns by reason", "Returns by origin"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    waiting = page.get_by_role("link", name=re.compile(r"^\d+ New$"))
    expect(waiting).to_have_attribute("href", "/backoffice/returns/?status=new")
    assert_accessible(page, "dashboard")
    screenshot(page, "dashboard")

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("img", name="Retourzendingen en artikelen per dag")).to_be_visible()
    expect(page.get_by_role("heading", name="Te laat")).to_be_visible()
    assert_accessible(page, "dashboard-nl")
    screenshot(page, "dashboard-nl")


def test_a_bulk_change_from_the_list(page, shop):
    new = make_return(shop, shop.shirt, quantity=1)
    done = make_return(shop, shop.sneakers, quantity=1, status=Status.REJECTED)
    log_in(page, shop.staff.email)
    page.goto("/backoffice/returns/")
    page.get_by_label(f"Select {new.number}").check()
    page.get_by_label(f"Select {done.number}").check()
    page.get_by_label("New status").select_option(label="In progress")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Status changed to “In progress”")
    expect(page.get_by_text("1 return changed.")).to_be_visible()
    refused = page.get_by_role("table")
    expect(refused.get_by_role("row").filter(has_text=done.number)).to_be_visible()
    assert_accessible(page, "bulk-result")
    screenshot(page, "bulk-result")
    assert Return.objects.get(pk=new.pk).status == Status.IN_PROGRESS
    assert Return.objects.get(pk=done.pk).status == Status.REJECTED
