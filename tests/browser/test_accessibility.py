"""axe-core on every main page: no serious or critical violation.

The pages are visited per role, one login each, so that the whole check stays a few
seconds; every page is checked even when an earlier one fails, and the failure lists each
page's violations. Each page also leaves its axe results in artifacts/axe/ and a
screenshot in artifacts/screenshots/ (and, with DOCS_SCREENSHOTS=1, the README's).
"""

import pytest
from playwright.sync_api import expect

from orders.models import OrderLine
from returns import services
from returns.models import Return, Status

from .helpers import docs_screenshot, fatal_violations, log_in, screenshot
from .shop import add_showcase, make_return

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


def _return(shop, status):
    return next(rma for rma in shop.returns if rma.status == status)


def _customers_own(shop):
    """The first of the logged-in customer's own returns (see `_give_the_customer_returns`)."""
    return next(rma for rma in shop.returns if rma.customer_id == shop.customer.pk)


def _give_the_customer_returns(shop):
    # One with a status history to read, one that takes all of a line (so that the request
    # form also shows a line with nothing left to return, a disabled field), and one the
    # shop created for an older order and has finished.
    older_line = OrderLine.objects.get(order__number="ORD-0987")
    approved = make_return(
        shop, shop.shirt, quantity=1, status=Status.APPROVED, comment="Sleeves too short."
    )
    # A message from the shop on it: the customer's page shows it in the history.
    services.return_message_send(
        rma=approved, user=shop.staff, text="Your parcel arrived; we are checking it."
    )
    shop.returns += [
        approved,
        make_return(shop, shop.sneakers, quantity=1, reason="Defective"),
        make_return(
            shop, older_line, status=Status.CREDITED, reason="Too large", origin=Return.Origin.STAFF
        ),
    ]


def _shop_created(shop):
    return next(
        rma
        for rma in shop.returns
        if rma.customer_id == shop.customer.pk and rma.origin == Return.Origin.STAFF
    )


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
        ("api-keys", lambda shop: "/backoffice/settings/api-keys/", None),
    ],
    "customer": [
        ("my-orders", lambda shop: "/account/", "my-orders"),
        ("customer-order-page", lambda shop: f"/account/orders/{shop.order.number}/", None),
        (
            "request-return",
            lambda shop: f"/account/orders/{shop.order.number}/request-return/",
            None,
        ),
        ("my-returns", lambda shop: "/account/returns/", "my-returns"),
        (
            "customer-return-page",
            lambda shop: f"/account/returns/{_customers_own(shop).pk}/",
            None,
        ),
        (
            "customer-return-page-shop-created",
            lambda shop: f"/account/returns/{_shop_created(shop).pk}/",
            None,
        ),
        # ORD-1010 has not shipped: the page that says why a return cannot be requested.
        ("request-return-refused", lambda shop: "/account/orders/ORD-1010/request-return/", None),
    ],
}


@pytest.mark.parametrize("role", PAGES)
def test_pages_have_no_serious_accessibility_violations(page, shop, role):
    if role != "visitor":
        add_showcase(shop)
    if role == "customer":
        _give_the_customer_returns(shop)
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
    if role == "customer":
        reports.append(_request_form_with_errors(page, shop))
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


def _request_form_with_errors(page, shop):
    """The customer's request form sent empty: the same, on the account side."""
    page.goto(f"/account/orders/{shop.order.number}/request-return/")
    page.get_by_role("button", name="Request return").click()
    expect(page.get_by_role("alert")).to_have_text("Choose at least one item to return.")
    reason = page.get_by_label("Return reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Choose a return reason or type one.")
    screenshot(page, "request-return-errors")
    return fatal_violations(page, "request-return-errors")


# role: [(page name, address, its status)]
ERROR_PAGES = {
    "visitor": [
        ("front-not-found", "/nowhere/", 404),
        ("account-not-found", "/account/nowhere/", 404),
        ("backoffice-not-found", "/backoffice/nowhere/", 404),
        ("front-server-error", "/test-errors/server-error/", 500),
        ("backoffice-server-error", "/backoffice/test-errors/server-error/", 500),
    ],
    "staff": [
        ("backoffice-refused", "/backoffice/settings/", 403),
        ("backoffice-staff-not-found", "/backoffice/nowhere/", 404),
        ("account-refused-to-staff", "/account/", 403),
    ],
    "customer": [
        ("customer-return-not-found", "/account/returns/999999/", 404),
        ("customer-refused-the-backoffice", "/backoffice/", 403),
        ("account-server-error", "/account/test-errors/server-error/", 500),
    ],
}


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize("role", ERROR_PAGES)
def test_error_pages_have_no_serious_accessibility_violations(page, shop, role):
    # (The live server logs the 500s it is made to answer.)
    if role == "customer":
        log_in(page, shop.customer.user.email, side="account")
    elif role != "visitor":
        log_in(page, getattr(shop, role).email)
    reports = []
    for name, address, status in ERROR_PAGES[role]:
        response = page.goto(address)
        assert response.status == status, address
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        reports.append(fatal_violations(page, name))
        screenshot(page, name)
    reports = [report for report in reports if report]
    assert not reports, "axe-core found:\n" + "\n".join(reports)
