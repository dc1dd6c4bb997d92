"""Settings > Webhooks through the pages: an admin adds an endpoint, copies its secret from
the one page that shows it, and never sees it again; on a phone too."""

import re

import pytest
from playwright.sync_api import expect

from webhooks.models import WebhookEndpoint

from .helpers import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

URL = "https://93.184.216.34/hooks"  # a public address written as an IP: no DNS needed


@pytest.mark.parametrize("width", [375, 1280])
def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(new_context, shop, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    log_in(page, shop.admin.email)
    page.goto("/backoffice/settings/")
    page.get_by_role("link", name=re.compile("^Webhooks")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    page.get_by_role("link", name="Add endpoint").click()
    page.get_by_label("URL").fill(URL)
    page.get_by_role("checkbox", name=re.compile(r"return\.status_changed")).check()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.get_by_test_id("webhook-secret")
    expect(secret).to_have_text(re.compile(r"^whsec_"))
    shown = secret.text_content()
    assert shown == WebhookEndpoint.objects.get().secret
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"webhook-secret-{width}")
    screenshot(page, f"webhook-secret-{width}")
    page.get_by_role("link", name="I have copied it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(URL)
    page.get_by_role("button", name="Send test event").click()
    expect(page.get_by_role("status").first).to_contain_text("A test event is on its way.")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert shown not in page.content()
    page.reload()
    assert shown not in page.content()
