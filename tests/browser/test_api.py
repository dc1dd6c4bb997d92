"""The API from the admin's side: a key made in Settings > API keys works at once, and the
documentation page draws under the Content-Security-Policy (the browser fixtures fail a
test on any CSP refusal or script error)."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_makes_a_key_a_tool_uses_it_and_the_admin_revokes_it(page, shop):
    log_in(page, shop.admin.email)
    page.goto("/backoffice/settings/")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
    page.get_by_label("Name").fill("Web shop sync")
    page.get_by_label("Scope").select_option("write")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("api-secret").inner_text()
    assert re.fullmatch(r"rbk_[0-9a-f]{8}_\S+", secret)
    # The page with the new secret and the list of keys (axe; no sideways scrolling).
    assert_accessible(page, "api-key-created")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    tool = page.context.request
    headers = {"Authorization": f"Bearer {secret}"}
    answer = tool.get(f"/api/v1/orders/{shop.order.number}/", headers=headers)
    assert answer.ok and answer.json()["number"] == shop.order.number

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("cell", name="Revoked")).to_be_visible()
    refused = tool.get(f"/api/v1/orders/{shop.order.number}/", headers=headers)
    assert refused.status == 401


def test_the_documentation_page_draws_under_the_csp(page, shop):
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name=re.compile("Returns backoffice API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/returns/", exact=True).first).to_be_visible()
