"""Words on the pages (issue 14, "Should fix"): Dutch customers read "bestelling", never the
backoffice's "order", and "1 van 1 kan nog worden geretourneerd"; language names are in
the reader's language (only the language switch names each language in its own words)."""

import re
import uuid
from html import unescape

from returns import services
from tests.factories import OrderFactory, OrderLineFactory


def _words(html: str) -> str:
    """What a reader reads: the text without tags and without the language switch."""
    html = re.sub(r'<form class="language-switch".*?</form>', " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_dutch_customers_read_bestelling_throughout(customer_client, customer, line, reason):
    single = OrderLineFactory(order=line.order, quantity=1)
    rma, _created = services.return_request(
        customer=customer,
        order=line.order,
        quantities={line.pk: 1},
        reason=services.Choice(entry=reason),
        token=uuid.uuid4(),
    )
    unshipped = OrderFactory(customer=customer, status="paid", shipped_at=None, number="NS-1")
    customer_client.cookies["django_language"] = "nl"
    pages = {
        url: customer_client.get(url)
        for url in [
            "/account/",
            "/account/returns/",
            f"/account/returns/{rma.pk}/",
            "/account/orders/ORD-1/",
            "/account/orders/ORD-1/request-return/",
            f"/account/orders/{unshipped.number}/",
            f"/account/orders/{unshipped.number}/request-return/",
        ]
    }
    for url, response in pages.items():
        words = _words(response.text)
        assert not re.search(r"\border", words, re.I), (url, re.findall(r".{30}order.{30}", words))
        assert "estelling" in words, url
    request_page = pages["/account/orders/ORD-1/request-return/"].text
    assert "1 van 1 kan nog worden geretourneerd." in request_page
    assert f"line_{single.pk}" in request_page
    assert "2 van 3 kunnen nog worden geretourneerd." in request_page


def test_the_customers_language_is_named_in_the_readers_language(staff_client, customer, line):
    customer.language = "nl"
    customer.save()
    page = staff_client.get("/backoffice/orders/ORD-1/").text
    assert "<dd>Dutch</dd>" in page
    staff_client.cookies["django_language"] = "nl"
    assert "<dd>Nederlands</dd>" in staff_client.get("/backoffice/orders/ORD-1/").text


def test_settings_name_each_language_in_the_readers_language(admin_client):
    page = admin_client.get("/backoffice/settings/account-service/").text
    assert "Return instructions (Dutch)" in page and "Return instructions (English)" in page
    # The switch still offers each language in its own words.
    assert 'lang="nl"' in page and ">Nederlands</button>" in page
