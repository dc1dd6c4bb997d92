"""Settings > Import orders in Chromium on a phone (375 px): the example file uploaded,
previewed, imported; the task worker runs at once (django-tasks' ImmediateBackend)."""

import pytest
from playwright.sync_api import expect

from orders import importing
from orders.models import ImportJob, Order

from .helpers import log_in, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_an_admin_imports_the_example_file_on_a_phone(new_context, shop, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    page = new_context(viewport=PHONE).new_page()
    log_in(page, shop.admin.email)
    page.goto("/backoffice/settings/")
    page.get_by_role("link", name="Import orders").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import orders")
    example = tmp_path / "orders-example.csv"
    example.write_text(importing.example_csv())
    page.get_by_label("CSV file").set_input_files(example)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible()
    expect(page.get_by_text("Ready to import")).to_be_visible()
    assert not Order.objects.filter(number__in=["1001", "1002"]).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "order-import-preview-phone")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "order-import-done-phone")
    assert ImportJob.objects.get().state == ImportJob.State.DONE
    assert Order.objects.get(number="1001").lines.count() == 2
