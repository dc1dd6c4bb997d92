"""The backoffice in Dutch: the seed's own words for the menu, the buttons and all seven
statuses (SPEC §2.3, §8), switched to with the language switch, as a person would."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible, go_to, screenshot
from .shop import PASSWORD, add_showcase

pytestmark = pytest.mark.django_db(transaction=True)

SEED_STATUSES = [
    "Nieuw",
    "In behandeling",
    "Retour goedgekeurd",
    "Artikel(en) gerepareerd",
    "Artikel(en) gecrediteerd",
    "Verzoek afgewezen",
    "Geannuleerd",
]


def test_an_admin_works_in_dutch(page, shop):
    add_showcase(shop)
    page.goto("/backoffice/login/")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_label("E-mail").fill(shop.admin.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    for label in ("Orders", "Retourzendingen", "Producten", "Instellingen"):
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_role("button", name="Nederlands")).to_have_attribute("aria-pressed", "true")
    # The way back is offered in its own words (SPEC §8: English and Nederlands).
    expect(page.get_by_role("button", name="English")).to_have_attribute("lang", "en")

    go_to(page, "Retourzendingen", menu_name="Hoofdmenu")
    tabs = page.get_by_role("navigation", name="Status")
    for word in SEED_STATUSES:
        expect(
            tabs.get_by_role("link", name=re.compile(rf"^{re.escape(word)} \d+$"))
        ).to_be_visible()
    # Each badge in the list speaks Dutch too (the showcase has a return in every status).
    returns = page.get_by_role("table")
    for word in SEED_STATUSES:
        expect(returns.get_by_text(word, exact=True)).to_have_count(1)
    assert_accessible(page, "returns-list-nl")
    screenshot(page, "returns-list-nl")

    new = tabs.get_by_role("link", name=re.compile(r"^Nieuw \d+$"))
    new.click()
    expect(new).to_have_attribute("aria-current", "page")
    page.get_by_role("table").get_by_role("link", name=re.compile(r"^RET-")).first.click()
    status = page.get_by_label("Status")
    expect(status.get_by_role("option")).to_have_text(
        ["Nieuw", "In behandeling", "Retour goedgekeurd", "Verzoek afgewezen", "Geannuleerd"]
    )
    expect(page.get_by_label("Voorraad bijwerken")).to_be_visible()
    expect(page.get_by_role("button", name="Opslaan")).to_be_visible()
    status.select_option(label="In behandeling")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    expect(page.get_by_role("heading", level=1)).to_contain_text("In behandeling")
    assert_accessible(page, "return-page-nl")

    go_to(page, "Orders", menu_name="Hoofdmenu")
    page.get_by_role("link", name=shop.order.number).click()
    expect(page.get_by_role("link", name="Creëer retourzending")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
