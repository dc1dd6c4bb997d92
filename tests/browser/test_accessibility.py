"""axe-core on every main page: no serious or critical violation.

The pages are visited per role, one login each, so that the whole check stays a few
seconds; every page is checked even when an earlier one fails, and the failure lists each
page's violations. Each page also leaves its axe results in artifacts/axe/ and a
screenshot in artifacts/screenshots/ (and, with DOCS_SCREENSHOTS=1, the README's).
"""

import pytest
from playwright.sync_api import expect

from returns.models import Status

from .helpers import docs_screenshot, fatal_violations, log_in, screenshot
from .shop import add_showcase

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


def _return(shop, status):
    return next(rma for rma in shop.returns if rma.status == status)


# role: [(page name, its address, the README's screenshot name or None)]
PAGES = {
    "visitor": [
        ("front", lambda shop: "/", None),
        ("backoffice-login", lambda shop: "/backoffice/login/", None),
        ("customer-login", lambda shop: "/account/login/", None),
    ],
    "staff": [
        ("backoffice-home", lambda shop: "/backoffice/", None),
        ("orders-list", lambda shop: "/backoffice/orders/", None),
        ("order-page", lambda shop: shop.order.get_absolute_url(), None),
        (
            "create-return",
            lambda shop: f"/backoffice/orders/{shop.order.number}/create-return/",
            None,
        ),
        ("returns-list", lambda shop: "/backoffice/returns/", "returns-list"),
        (
            "return-page",
            lambda shop: _return(shop, Status.APPROVED).get_absolute_url(),
            "return-page",
        ),
        ("products-list", lambda shop: "/backoffice/products/", None),
        ("product-page", lambda shop: shop.shirt.variant.product.get_absolute_url(), None),
    ],
    "admin": [
        ("settings", lambda shop: "/backoffice/settings/", None),
        ("account-service-settings", lambda shop: "/backoffice/settings/account-service/", None),
        ("inventory-settings", lambda shop: "/backoffice/settings/inventory/", None),
        ("reasons-and-actions", lambda shop: "/backoffice/returns/reasons-and-actions/", None),
    ],
    "customer": [
        ("my-orders", lambda shop: "/account/", "my-orders"),
        ("customer-order-page", lambda shop: f"/account/orders/{shop.order.number}/", None),
    ],
}


@pytest.mark.parametrize("role", PAGES)
def test_pages_have_no_serious_accessibility_violations(page, shop, role):
    if role != "visitor":
        add_showcase(shop)
    if role == "customer":
        log_in(page, shop.customer.user.email, side="account")
    elif role != "visitor":
        log_in(page, getattr(shop, role).email)
    reports = []
    for name, address, docs_name in PAGES[role]:
        page.goto(address(shop))
        reports.append(fatal_violations(page, name))
        screenshot(page, name)
        if docs_name:
            docs_screenshot(page, docs_name)
    if role == "staff":
        reports.append(_form_with_errors(page, shop))
    reports = [report for report in reports if report]
    assert not reports, "axe-core found:\n" + "\n".join(reports)


def _form_with_errors(page, shop):
    """A form sent with mistakes: its messages are announced and tied to their fields."""
    page.goto(f"/backoffice/orders/{shop.order.number}/create-return/")
    page.get_by_role("button", name="Create return").click()
    expect(page.get_by_role("alert")).to_have_text("Choose at least one item to return.")
    reason = page.get_by_label("Return reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Choose a return reason or type one.")
    screenshot(page, "create-return-errors")
    return fatal_violations(page, "create-return-errors")
