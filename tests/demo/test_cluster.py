"""The stand-ins of the multi-process proof (demo/cluster.py): the webhook receiver and the
customer's browser filling in the return request form. The proof itself runs in
test_bench.py."""

import random

import pytest

from demo.cluster import RETURN_PAGE, WebhookReceiver, fill_request_form, multipart
from inventory.services import stock_receive_initial
from returns.models import Return, ReturnSettings
from tests.factories import CatalogEntryFactory, OrderLineFactory
from webhooks import delivery
from webhooks.services import new_secret


@pytest.fixture
def receiver():
    r = WebhookReceiver(0)
    r.secret = new_secret()
    r.start()
    yield r
    r.stop()


def send(receiver, message_id, secret=None):
    body = b'{"type":"return.created"}'
    headers = delivery.headers_for(
        secrets=[secret or receiver.secret], message_id=message_id, body=body
    )
    return delivery.post(receiver.url, body=body, headers=headers)


def test_the_receiver_takes_https_with_its_certificate_checked(receiver, settings, monkeypatch):
    """As in production (DEBUG off: https only), with 127.0.0.1 allowed: the workers trust
    the receiver's certificate because it is their CA bundle, not because checks are off."""
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE = True
    untrusted = send(receiver, "msg_untrusted")
    assert not untrusted.delivered and "CERTIFICATE_VERIFY_FAILED" in untrusted.error
    monkeypatch.setenv("SSL_CERT_FILE", str(receiver.cert))
    assert send(receiver, "msg_trusted").delivered
    assert receiver.delivered == {"msg_trusted": 1}


def test_the_receiver_fails_every_seventh_first_attempt_and_counts_each_id_once(
    receiver, settings, monkeypatch
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    monkeypatch.setenv("SSL_CERT_FILE", str(receiver.cert))
    results = [send(receiver, f"msg_{i}") for i in range(8)]
    assert [r.status for r in results] == [200] * 6 + [500, 200]
    assert not results[6].delivered and not results[6].permanent  # retried later
    assert send(receiver, "msg_6").delivered  # the retry is accepted
    assert receiver.failed_on_purpose == 1
    assert receiver.attempts["msg_6"] == 2
    assert set(receiver.delivered.values()) == {1} and len(receiver.delivered) == 8
    # A request signed with another secret is refused and counted, never delivered.
    forged = send(receiver, "msg_forged", secret=new_secret())
    assert forged.status == 400 and forged.permanent
    assert receiver.bad_signatures == 1 and "msg_forged" not in receiver.delivered


def test_the_browser_fills_in_the_request_form_and_the_account_makes_the_return(
    customer_client, customer
):
    line = OrderLineFactory(order__customer=customer, order__number="ORD-7", quantity=3)
    stock_receive_initial(quantities={line.variant_id: 10})
    needs_photo = CatalogEntryFactory(kind="reason", name="Damaged")
    ReturnSettings.objects.get_or_create(pk=1)[0].photo_required_reasons.add(needs_photo)
    reason = CatalogEntryFactory(kind="reason", name="Too small")
    path = f"/account/orders/{line.order.number}/request-return/"

    page = customer_client.get(path)
    fields = fill_request_form(page.text, random.Random(3), avoid_reasons={str(needs_photo.pk)})
    body, content_type = multipart(fields)
    answer = customer_client.post(path, body, content_type=content_type)

    assert answer.status_code == 302
    rma = Return.objects.get()
    assert RETURN_PAGE.search(answer.url).group(1) == str(rma.pk)
    assert str(rma.request_token) == dict(fields)["token"]
    assert rma.reason == reason and rma.lines.get().quantity in (1, 2)


def test_a_form_with_nothing_left_to_return_is_not_filled_in():
    html = (
        '<form method="post"><input type="number" name="line_1" max="0" disabled>'
        '<input type="hidden" name="token" value="x"></form>'
    )
    assert fill_request_form(html, random.Random(1), avoid_reasons=set()) is None
    assert fill_request_form("<p>No form</p>", random.Random(1), avoid_reasons=set()) is None
