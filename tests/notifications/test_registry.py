"""notifications knows no app's e-mails: apps register them (returns does, in
returns/emails.py), and the editor, the preview and the outbox read the registry."""

import pytest
from django.conf import settings
from django.urls import resolve
from django.urls.exceptions import Resolver404

from notifications import registry
from notifications.services import email_queue


def test_returns_registers_its_emails_with_recipients_placeholders_and_defaults():
    events = {
        event.name: event for event in registry.all_events() if event.name.startswith("return_")
    }
    recipients = {name: event.recipient for name, event in events.items()}
    assert recipients == {
        "return_status_changed": "customer",
        "return_request_received": "customer",
        "return_created": "customer",
        "return_message": "customer",
        "return_requested": "shop",
    }
    extra = {
        "return_request_received": {"return_address", "return_instructions", "slip_url"},
        "return_created": {"return_address", "return_instructions", "slip_url"},
        "return_message": {"message"},
    }
    for event in events.values():
        assert set(event.placeholders) == {
            "customer_name",
            "return_number",
            "order_number",
            "status",
            "shop_name",
            "return_url",
            *extra.get(event.name, ()),
        }
        for language in ("en", "nl", "de", "fr"):
            subject, body = event.default_texts(language)
            assert subject and body


def test_billing_registers_the_credit_invoice_email():
    event = registry.get("credit_invoice_issued")
    assert event.recipient == "customer"
    assert set(event.placeholders) == {
        "customer_name",
        "invoice_number",
        "order_number",
        "total",
        "shop_name",
        "order_url",
    }
    for language in ("en", "nl", "de", "fr"):
        subject, body = event.default_texts(language)
        assert "{invoice_number}" in subject and "{total}" in body


@pytest.mark.parametrize("name", [event.name for event in registry.all_events()])
def test_the_sample_links_of_the_preview_are_pages_that_exist(name):
    sample = registry.get(name).sample("en")
    # The link placeholders of the event: return_url, order_url, slip_url...
    urls = [value for key, value in sample.items() if key.endswith("_url")]
    assert urls
    for url in urls:
        assert url.startswith(settings.SITE_URL)
        try:
            resolve(url.removeprefix(settings.SITE_URL))
        except Resolver404:
            pytest.fail(f"{url} is not a page of this site")


def test_an_event_nobody_registered_is_refused(db):
    with pytest.raises(ValueError, match="Unknown e-mail event"):
        email_queue(event="nobody_sends_this", to="a@example.com", language="en", context={})


def test_registering_a_different_event_under_a_known_name_is_an_error():
    known = registry.get("return_requested")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(
            registry.EmailEvent(
                name=known.name,
                label="Other",
                recipient="shop",
                placeholders={},
                defaults={"en": ("s", "b")},
                sample=lambda language: {},
            )
        )
    assert registry.get("return_requested") is known
