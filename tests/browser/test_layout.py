"""Every main page fits its window: no sideways scrolling at 390 px (a phone), 1024 and
1280 px, in English and in Dutch (whose words are longer); return and order numbers and
dates never break over two lines; the backoffice menu folds away on a phone; and a return
prints as a document (its facts, lines and timeline), not as the screen."""

import re

import pytest
from playwright.sync_api import expect

from notifications.services import email_queue
from tests.factories import FailedEmailFactory

from .helpers import log_in, screenshot
from .shop import add_showcase
from .test_accessibility import PAGES, _give_the_customer_returns, _return

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

WIDTHS = (390, 1024, 1280)
LANGUAGES = ("en", "nl", "de", "fr")  # German and French words run longest

# The main pages of test_accessibility, and the backoffice pages it leaves out.
EXTRA_PAGES = {
    "staff": [
        ("outbox", lambda shop: "/backoffice/outbox/"),
        ("outbox-email", lambda shop: f"/backoffice/outbox/{shop.failed_email.pk}/"),
    ],
    "admin": [
        ("audit-log", lambda shop: "/backoffice/settings/audit/"),
        ("notification-emails", lambda shop: "/backoffice/settings/notification-emails/"),
        (
            "notification-email",
            lambda shop: "/backoffice/settings/notification-emails/return_status_changed/nl/",
        ),
        ("webhooks", lambda shop: "/backoffice/settings/webhooks/"),
        ("webhook-new", lambda shop: "/backoffice/settings/webhooks/new/"),
        ("webhook-endpoint", lambda shop: shop.webhook.get_absolute_url()),
        (
            "webhook-delivery",
            lambda shop: f"/backoffice/settings/webhooks/deliveries/{shop.webhook_delivery.pk}/",
        ),
        (
            "catalog-entry",
            lambda shop: f"/backoffice/returns/reasons-and-actions/{shop.reasons['Defective'].pk}/",
        ),
    ],
}


def pages_of(role):
    return [(name, address) for name, address, _docs in PAGES[role]] + EXTRA_PAGES.get(role, [])


# What overflows the window, for the failure message: the outermost elements that stick
# out to the right (leaving out those inside a box that scrolls or clips), with their width.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1 || clipped(el)) continue;
    if (out.some((outer) => outer.contains(el))) continue;
    out.push(el);
  }
  const describe = (el) => {
    const px = Math.round(el.getBoundingClientRect().right);
    return `<${el.tagName.toLowerCase()} class="${el.className}"> to ${px} px`;
  };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    culprits: out.slice(0, 5).map(describe),
  };
}"""

# Return and order numbers and dates (26 November 2026, 26/11/2026 14:05) whose text runs
# over more than one line.
BROKEN_NUMBERS = r"""() => {
  const pattern = new RegExp([
    String.raw`\b(?:RET|ORD)-\d+\b`,
    String.raw`\b\d{1,2} \p{L}+ \d{4}(?:, \d{2}:\d{2})?`,
    String.raw`\b\d{2}/\d{2}/\d{4}(?: \d{2}:\d{2})?`,
  ].join("|"), "gu");
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.textContent.matchAll(pattern)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      const tops = new Set(rects.map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.fixture
def full_shop(shop):
    add_showcase(shop)
    _give_the_customer_returns(shop)
    shop.failed_email = FailedEmailFactory(
        to="emma@example.org", subject="Uw retourzending RET-000004 is gewijzigd"
    )
    email_queue(
        event="return_status_changed",
        to="daan@example.org",
        language="nl",
        context={"customer_name": "Daan Jansen", "return_number": "RET-000005"},
    )
    _add_webhook(shop)
    return shop


def _add_webhook(shop):
    """An endpoint with a long URL and a failed delivery with a long error and answer."""
    from webhooks import services as webhook_services
    from webhooks.models import WebhookAttempt, WebhookDelivery

    shop.webhook, _secret = webhook_services.endpoint_create(
        actor=shop.admin,
        url="https://93.184.216.34/a-rather-long-path/for-the-warehouse-system/incoming-events",
        events=["return.created", "return.status_changed", "order.upserted"],
    )
    shop.webhook_delivery = webhook_services.endpoint_send_test(
        actor=shop.admin, endpoint=shop.webhook
    )
    WebhookDelivery.objects.filter(pk=shop.webhook_delivery.pk).update(
        state="failed", attempts=1, last_error="HTTP 410"
    )
    WebhookAttempt.objects.create(
        delivery=shop.webhook_delivery,
        number=1,
        started_at=shop.webhook_delivery.created_at,
        duration_ms=87,
        outcome="permanent",
        status_code=410,
        response_body='{"error":"' + "gone" * 100 + '"}',
        error="HTTP 410",
    )


def _log_in(page, shop, role):
    if role == "customer":
        log_in(page, shop.customer.user.email, side="account")
    elif role != "visitor":
        log_in(page, getattr(shop, role).email)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", PAGES)
def test_no_page_scrolls_sideways_and_numbers_stay_whole(
    new_context, live_server, settings, full_shop, role, language
):
    page = new_context().new_page()
    _log_in(page, full_shop, role)  # by the English labels
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    problems = []
    for name, address in pages_of(role):
        page.set_viewport_size({"width": WIDTHS[-1], "height": 800})
        page.goto(address(full_shop))
        assert page.evaluate("document.documentElement.lang") == language
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate(OVERFLOW)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(
                    f"{name} at {width} px ({language}): {overflow['scrollWidth']} px wide; "
                    + ", ".join(overflow["culprits"])
                )
                screenshot(page, f"overflow-{name}-{width}-{language}")
            broken = page.evaluate(BROKEN_NUMBERS)
            if broken:
                problems.append(f"{name} at {width} px ({language}): broken over lines: {broken}")
    assert not problems, "\n".join(problems)


def test_the_backoffice_menu_folds_away_on_a_phone(new_context, full_shop):
    page = new_context(viewport={"width": 390, "height": 800}).new_page()
    log_in(page, full_shop.admin.email)
    page.goto("/backoffice/returns/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Returns")
    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    main_menu = page.get_by_role("navigation", name="Main menu")
    expect(main_menu).to_be_hidden()
    # The page's own content starts within the first screen, not below the menu.
    assert heading.bounding_box()["y"] < 200
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(main_menu.get_by_role("link", name="Settings")).to_be_visible()
    main_menu.get_by_role("link", name="Products").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Products")
    # On a desktop the menu is always there, with no button.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(main_menu).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_a_return_prints_its_facts_lines_and_timeline_not_the_menu_and_form(new_context, full_shop):
    page = new_context().new_page()
    log_in(page, full_shop.staff.email)
    rma = _return(full_shop, "approved")
    page.goto(rma.get_absolute_url())
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    page.emulate_media(media="print")
    visible = page.evaluate("document.body.innerText")
    assert rma.number in visible
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for hidden in [
        page.get_by_role("navigation", name="Main menu"),
        page.get_by_role("button", name="Save"),
        page.get_by_label("Status"),
        page.get_by_role("button", name="Log out"),
    ]:
        expect(hidden).to_be_hidden()
    for shown in ["Lines", "History"]:
        expect(page.get_by_role("heading", name=re.compile(shown))).to_be_visible()
    expect(page.get_by_role("term").first).to_be_visible()  # the facts
    expect(page.get_by_role("table").first).to_be_visible()  # the lines
    page.pdf(path=str(screenshot.__globals__["SCREENSHOTS"] / "return-page-print.pdf"))
