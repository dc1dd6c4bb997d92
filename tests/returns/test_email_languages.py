"""The e-mails about returns in every language the shop offers: each default text uses the
same placeholders as the English one, and the status e-mail a customer gets, through the
real service, is in their language with every placeholder filled."""

import pytest
from django.conf import settings
from django.utils import translation

from notifications import registry
from notifications.models import OutgoingEmail
from notifications.rendering import placeholders_in, render_email
from returns import services
from returns.workflow import Status

LANGUAGES = [code for code, _name in settings.LANGUAGES]
GREETINGS = {"en": "Dear", "nl": "Beste", "de": "Hallo", "fr": "Bonjour"}


def used_placeholders(text: str, event) -> set[str]:
    return placeholders_in(text, event.placeholders)


def test_the_shop_offers_english_dutch_german_and_french():
    assert LANGUAGES == ["en", "nl", "de", "fr"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", [event.name for event in registry.all_events()])
def test_every_default_text_uses_the_placeholders_of_the_english_one(name, language):
    event = registry.get(name)
    english_subject, english_body = event.defaults["en"]
    subject, body = event.defaults[language]
    assert used_placeholders(subject, event) == used_placeholders(english_subject, event)
    assert used_placeholders(body, event) == used_placeholders(english_body, event)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", [event.name for event in registry.all_events()])
def test_every_default_renders_with_its_sample_values_filled_in(name, language):
    event = registry.get(name)
    subject, body = event.defaults[language]
    values = event.sample(language)
    email = render_email(subject=subject, body=body, values=values)
    for text in (email.subject, email.body):
        assert "{" not in text and "}" not in text
    for placeholder in used_placeholders(subject + body, event):
        assert values[placeholder] in email.subject + email.body, placeholder


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", ["in_progress", "approved", "rejected", "cancelled"])
def test_the_status_email_reaches_the_customer_in_their_language_with_every_value(
    line, make_return, staff, language, status, django_capture_on_commit_callbacks
):
    customer = line.order.customer
    customer.name = "Kim Kunde"
    customer.language = language
    customer.save()
    rma = make_return(line)
    with django_capture_on_commit_callbacks():
        services.return_change(
            rma=rma, user=staff, version=rma.version, status=status, notify_customer=True
        )
    email = OutgoingEmail.objects.get()
    with translation.override(language):
        label = str(Status(status).label)
    assert email.language == language
    assert "{" not in email.subject + email.body and "}" not in email.subject + email.body
    assert email.subject == registry.get("return_status_changed").defaults[language][0].format(
        return_number=rma.number, status=label
    )
    for value in (
        "Kim Kunde",
        rma.number,
        "ORD-1",
        label,
        settings.SHOP_NAME,
        f"{settings.SITE_URL}/account/returns/{rma.pk}/",
    ):
        assert value in email.body, value
    assert email.body.startswith(GREETINGS[language] + " Kim Kunde,")
    assert email.html_body.startswith(f'<!doctype html>\n<html lang="{language}">')


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "New return request {number} (order ORD-1)"),
        ("de", "Neue Retourenanfrage {number} (Bestellung ORD-1)"),
        ("fr", "Nouvelle demande de retour {number} (commande ORD-1)"),
    ],
)
def test_the_shop_reads_new_requests_in_its_own_language(
    line, reason, customer, settings, language, subject
):
    import uuid

    settings.SHOP_EMAIL = "returns@shop.example"
    settings.SHOP_EMAIL_LANGUAGE = language
    customer.language = "nl"  # the customer's language is theirs, not the shop's
    customer.save()
    rma, _created = services.return_request(
        customer=customer,
        order=line.order,
        quantities={line.pk: 1},
        reason=services.Choice(entry=reason),
        comment="",
        token=uuid.uuid4(),
    )
    to_shop = OutgoingEmail.objects.get(to="returns@shop.example")
    assert (to_shop.language, to_shop.subject) == (language, subject.format(number=rma.number))
    assert OutgoingEmail.objects.get(to=customer.user.email).language == "nl"
