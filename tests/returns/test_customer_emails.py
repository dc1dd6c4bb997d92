"""The e-mails customers expect (issue 14, item 9): a confirmation of their request with
where to send the parcel, "a return was created for you" when staff create one with
Notify customer, a word to staff when Notify customer sends nothing, and messages staff
write from the return page."""

import uuid

import pytest
from django.test import Client

from notifications import registry
from notifications.models import OutgoingEmail
from returns import services
from returns.models import HistoryEntry, Return
from tests.mail import run_worker


@pytest.fixture
def return_address(shop_admin):
    return services.return_settings_update(
        actor=shop_admin,
        return_address="Demo Shop Returns\nDock 4\n1234 AB Amsterdam",
        return_instructions={
            "en": "Put the packing slip in the box.",
            "nl": "Doe de pakbon in de doos.",
        },
    )


def _request(customer, order_line, reason):
    rma, _created = services.return_request(
        customer=customer,
        order=order_line.order,
        quantities={order_line.pk: 1},
        reason=services.Choice(entry=reason),
        token=uuid.uuid4(),
    )
    return rma


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["We received your return request", "packing slip", "order ORD-1"]),
        ("nl", ["We hebben uw retouraanvraag", "Doe de pakbon in de doos.", "bestelling ORD-1"]),
    ],
)
def test_a_request_is_confirmed_to_the_customer_with_where_the_parcel_goes(
    customer, line, reason, return_address, language, words
):
    customer.language = language
    customer.save()
    rma = _request(customer, line, reason)
    email = OutgoingEmail.objects.get(event="return_request_received")
    assert (email.to, email.language) == (customer.user.email, language)
    text = email.subject + email.body
    assert rma.number in text
    assert "Demo Shop Returns\nDock 4\n1234 AB Amsterdam" in email.body
    for word in words:
        assert word in text
    assert f"/account/returns/{rma.pk}/" in email.body


def test_instructions_fall_back_to_the_shops_language_and_a_missing_address_is_said(
    customer, line, reason, shop_admin
):
    services.return_settings_update(actor=shop_admin, return_instructions={"en": "Tape it."})
    customer.language = "nl"
    customer.save()
    _request(customer, line, reason)
    body = OutgoingEmail.objects.get(event="return_request_received").body
    assert "Tape it." in body
    assert "We laten u weten waar u het pakket naartoe kunt sturen." in body


def test_a_return_staff_create_with_notify_sends_return_created_not_status_new(
    staff_client, line, reason, return_address
):
    response = staff_client.post(
        "/backoffice/orders/ORD-1/create-return/",
        {f"line_{line.pk}": "1", "reason": reason.pk, "notify_customer": "on"},
    )
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert email.event == "return_created"
    assert "We created return" in email.subject
    assert "has changed to" not in email.body and "New" not in email.body
    assert "Dock 4" in email.body and "packing slip" in email.body


def test_notify_customer_on_a_save_without_a_status_change_says_no_email_was_sent(
    staff_client, line, make_return
):
    rma = make_return(line, status="in_progress")
    data = {
        f"line_{rma.lines.get().pk}": "1",
        "status": "in_progress",
        "reason": rma.reason_id,
        "update_stock": "on",
        "notify_customer": "on",
        "staff_note": "Called the customer.",
        "version": rma.version,
    }
    page = staff_client.post(f"/backoffice/returns/{rma.pk}/", data, follow=True)
    assert "No e-mail was sent" in page.text
    assert not OutgoingEmail.objects.exists()

    # With a status change, the e-mail goes and nothing is said about it.
    rma.refresh_from_db()
    data.update(status="approved", version=rma.version)
    page = staff_client.post(f"/backoffice/returns/{rma.pk}/", data, follow=True)
    assert "No e-mail was sent" not in page.text
    assert OutgoingEmail.objects.get().event == "return_status_changed"


@pytest.mark.django_db(transaction=True)
def test_staff_send_the_customer_a_message_from_the_return_page(
    smtp_server, staff_client, customer, line, make_return
):
    rma = make_return(line)
    url = f"/backoffice/returns/{rma.pk}/"
    page = staff_client.get(url).text
    assert f'action="/backoffice/returns/{rma.pk}/message/"' in page

    sent = staff_client.post(
        f"{url}message/", {"text": "  Your parcel arrived today.\r\nWe check it this week.  "}
    )
    assert sent.status_code == 302 and sent.url == url
    run_worker()

    [message] = smtp_server.messages
    assert message["To"] == customer.user.email
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Your parcel arrived today.\nWe check it this week." in text
    entry = HistoryEntry.objects.get(rma=rma, kind="message_sent")
    assert entry.data["text"] == "Your parcel arrived today.\nWe check it this week."
    assert "Message to the customer" in staff_client.get(url).text
    customer_client = Client()
    customer_client.force_login(customer.user)
    mine = customer_client.get(f"/account/returns/{rma.pk}/").text
    assert "Message from the shop" in mine and "Your parcel arrived today." in mine


def test_an_empty_message_is_refused_and_sends_nothing(staff_client, line, make_return):
    rma = make_return(line)
    page = staff_client.post(f"/backoffice/returns/{rma.pk}/message/", {"text": "   "})
    assert page.status_code == 200
    assert "This field is required." in page.text
    assert not OutgoingEmail.objects.exists()
    assert not HistoryEntry.objects.filter(kind="message_sent").exists()


def test_customers_cannot_send_messages(customer_client, line, make_return):
    rma = make_return(line)
    url = f"/backoffice/returns/{rma.pk}/message/"
    assert customer_client.post(url, {"text": "Hi"}).status_code == 403
    assert not Return.objects.get(pk=rma.pk).history.filter(kind="message_sent").exists()


@pytest.mark.parametrize("name", ["return_request_received", "return_created", "return_message"])
def test_the_new_emails_have_their_own_text_in_every_language(name):
    event = registry.get(name)
    subjects = {language: event.default_texts(language)[0] for language in ("en", "nl", "de", "fr")}
    assert len(set(subjects.values())) == 4, subjects
