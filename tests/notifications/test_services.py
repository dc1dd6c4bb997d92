import smtplib

import pytest
from django.conf import settings
from django.core.mail import BadHeaderError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEntry
from notifications import delivery
from notifications.models import EmailTemplate, OutgoingEmail
from notifications.registry import default_texts
from notifications.services import (
    InvalidTemplate,
    NotResendable,
    email_queue,
    email_resend,
    email_template_reset,
    email_template_save,
)
from tests.factories import EmailTemplateFactory, FailedEmailFactory, OutgoingEmailFactory

pytestmark = pytest.mark.django_db

CONTEXT = {
    "customer_name": "Chris Customer",
    "return_number": "RET-000123",
    "order_number": "100042",
    "status": "Return approved",
    "shop_name": "Demo Shop",
    "return_url": "https://shop.example.com/r/123/",
}


def queue(**overrides):
    arguments = {
        "event": "return_status_changed",
        "to": "chris@example.org",
        "language": "en",
        "context": CONTEXT,
        "reference": "return:123",
        **overrides,
    }
    return email_queue(**arguments)


def test_queueing_records_one_rendered_email_and_enqueues_its_delivery_on_commit(
    django_capture_on_commit_callbacks, state_changes
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue()
    assert len(callbacks) == 1
    email = OutgoingEmail.objects.get(pk=email.pk)
    assert email.state == OutgoingEmail.State.QUEUED
    assert (email.event, email.language, email.to, email.reference) == (
        "return_status_changed",
        "en",
        "chris@example.org",
        "return:123",
    )
    assert email.subject == "Your return RET-000123: Return approved"
    assert email.body.startswith("Dear Chris Customer,")
    assert "https://shop.example.com/r/123/" in email.body
    assert email.attempts == 0 and email.next_attempt_at is not None
    assert DBTaskResult.objects.get().args_kwargs["args"] == [email.pk]
    assert state_changes == [("return:123", "queued", "", 0)]


def test_the_queued_signal_is_sent_inside_the_transaction_with_the_row_saved():
    from notifications.signals import email_state_changed

    seen = []

    def receiver(sender, email, state, **kwargs):
        seen.append((sender, state, connection.in_atomic_block, email.pk is not None))

    email_state_changed.connect(receiver, dispatch_uid="tests.inside")
    try:
        queue()
    finally:
        email_state_changed.disconnect(dispatch_uid="tests.inside")
    assert seen == [(OutgoingEmail, "queued", True, True)]


def test_a_receiver_error_while_queueing_undoes_the_callers_change():
    from notifications.signals import email_state_changed

    def broken(**kwargs):
        raise RuntimeError("history is broken")

    email_state_changed.connect(broken, dispatch_uid="tests.broken")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():  # the caller's transaction
            queue()
    finally:
        email_state_changed.disconnect(dispatch_uid="tests.broken")
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("asked", "used"),
    [
        ("nl", "nl"),
        ("NL", "nl"),
        ("nl-be", "nl"),
        ("en", "en"),
        ("de", "de"),
        ("fr-be", "fr"),
        ("es", "en"),
        ("", "en"),
    ],
)
def test_the_language_falls_back_to_english(asked, used):
    email = queue(language=asked, event="return_requested")
    assert email.language == used
    assert email.subject == default_texts("return_requested", used)[0].format(**CONTEXT)


def test_the_shop_email_is_worded_for_staff():
    email = queue(event="return_requested", to="shop@example.com")
    assert email.subject == "New return request RET-000123 (order 100042)"
    assert "Chris Customer has requested a return" in email.body


def test_an_admins_template_is_used_and_later_edits_do_not_change_queued_emails():
    EmailTemplateFactory(
        language="nl", subject="Retour {return_number}", body="Hoi {customer_name}"
    )
    email = queue(language="nl")
    assert (email.subject, email.body) == ("Retour RET-000123", "Hoi Chris Customer")
    EmailTemplate.objects.update(subject="Changed")
    email.refresh_from_db()
    assert email.subject == "Retour RET-000123"


def test_a_broken_template_row_falls_back_to_the_default_text():
    # Written around the service, as a raw database edit would.
    EmailTemplate.objects.create(
        event="return_status_changed",
        language="en",
        subject="{customer_name.__class__}",
        body="{0}",
    )
    email = queue()
    assert email.subject == "Your return RET-000123: Return approved"
    assert "<class" not in email.body


def test_hostile_values_stay_inert_text_and_are_escaped_in_html():
    email = queue(
        context={
            **CONTEXT,
            "customer_name": "<script>alert(1)</script> {x.__class__} {{settings.SECRET_KEY}}",
        }
    )
    assert "<script>alert(1)</script> {x.__class__} {{settings.SECRET_KEY}}" in email.body
    assert "<script>" not in email.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html_body
    for text in (email.subject, email.body, email.html_body):
        assert settings.SECRET_KEY not in text


def test_lazy_values_are_translated_into_the_emails_language():
    email = queue(language="nl", context={**CONTEXT, "status": gettext_lazy("Settings")})
    assert "Instellingen" in email.body


@pytest.mark.parametrize(
    "bad",
    [
        {"event": "password_reset"},
        {"to": ""},
        {"to": "not an address"},
        {"to": "a@example.org\nBcc: b@example.org"},
        {"to": "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"},
        {"reference": "r" * 201},
    ],
)
def test_programming_errors_are_refused(bad):
    with pytest.raises(ValueError):
        queue(**bad)
    assert not OutgoingEmail.objects.exists()


def test_resend_queues_a_failed_email_again_audited(
    shop_admin, django_capture_on_commit_callbacks, state_changes
):
    email = FailedEmailFactory(reference="return:9", retries=3)
    with django_capture_on_commit_callbacks(execute=True):
        email_resend(email=email, actor=shop_admin)
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.QUEUED
    assert email.retries == 0 and email.attempts == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [email.pk]
    entry = AuditEntry.objects.get()
    assert entry.actor == shop_admin and entry.changes == {"state": ["failed", "queued"]}
    assert state_changes == [("return:9", "queued", "", 1)]


@pytest.mark.parametrize("state", ["queued", "sending", "retrying", "sent"])
def test_only_a_failed_email_can_be_resent(shop_admin, state):
    email = OutgoingEmailFactory(state=state)
    with pytest.raises(NotResendable):
        email_resend(email=email, actor=shop_admin)
    email.refresh_from_db()
    assert email.state == state
    assert not AuditEntry.objects.exists()


def test_saving_a_template_stores_it_and_audits_the_change(shop_admin):
    template = email_template_save(
        actor=shop_admin,
        event="return_status_changed",
        language="nl",
        subject="Retour {return_number}",
        body="Beste {customer_name}",
    )
    assert template.updated_by == shop_admin
    entry = AuditEntry.objects.get()
    assert entry.area == "settings.notification_emails"
    assert entry.changes["subject"] == [
        default_texts("return_status_changed", "nl")[0],
        "Retour {return_number}",
    ]
    email_template_save(
        actor=shop_admin,
        event="return_status_changed",
        language="nl",
        subject="Retour {return_number}",
        body="Hallo {customer_name}",
    )
    assert EmailTemplate.objects.count() == 1
    assert AuditEntry.objects.count() == 2
    assert AuditEntry.objects.first().changes == {
        "body": ["Beste {customer_name}", "Hallo {customer_name}"]
    }


def test_saving_the_default_text_unchanged_stores_nothing(shop_admin):
    subject, body = default_texts("return_requested", "en")
    email_template_save(
        actor=shop_admin, event="return_requested", language="en", subject=subject, body=body
    )
    assert not EmailTemplate.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("{x.__class__}", "ok"),
        ("ok", "{0}"),
        ("ok", "{:>99999999}"),
        ("ok", "{% debug %}"),
        ("", "ok"),
        ("ok", " "),
        ("two\nlines", "ok"),
        ("ok", "x" * 1_000_000),
    ],
)
def test_the_service_refuses_what_the_formatter_would_not_accept(shop_admin, subject, body):
    with pytest.raises(InvalidTemplate):
        email_template_save(
            actor=shop_admin,
            event="return_status_changed",
            language="en",
            subject=subject,
            body=body,
        )
    assert not EmailTemplate.objects.exists()
    assert not AuditEntry.objects.exists()


def test_reset_goes_back_to_the_default_and_is_audited(shop_admin):
    EmailTemplateFactory(subject="Mine {status}")
    email_template_reset(actor=shop_admin, event="return_status_changed", language="en")
    assert not EmailTemplate.objects.exists()
    assert AuditEntry.objects.get().changes["subject"][0] == "Mine {status}"
    email_template_reset(actor=shop_admin, event="return_status_changed", language="en")
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("exc", "permanent", "code"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.org": (450, b"Mailbox busy")}), False, 450),
        (smtplib.SMTPRecipientsRefused({"a@x.org": (550, b"No such user")}), True, 550),
        (smtplib.SMTPSenderRefused(421, b"Too many connections", "shop@x.org"), False, 421),
        (smtplib.SMTPDataError(554, b"Message rejected as spam"), True, 554),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), True, 535),
        (smtplib.SMTPConnectError(421, b"Service not available"), False, 421),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False, None),
        (ConnectionRefusedError(111, "Connection refused"), False, None),
        (TimeoutError("timed out"), False, None),
        (BadHeaderError("Header values can't contain newlines"), True, None),
        (RuntimeError("something unexpected"), False, None),
    ],
)
def test_failures_are_classified_by_what_a_retry_could_change(exc, permanent, code):
    failure = delivery.classify(exc)
    assert failure.permanent is permanent
    assert failure.smtp_code == code
    assert failure.error
