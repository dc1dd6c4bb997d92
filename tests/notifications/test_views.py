import html
import re

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEntry
from notifications.models import EmailTemplate, OutgoingEmail
from notifications.registry import default_texts
from tests.factories import (
    DeliveryAttemptFactory,
    EmailTemplateFactory,
    FailedEmailFactory,
    OutgoingEmailFactory,
)

OUTBOX = "/backoffice/outbox/"
TEMPLATES = "/backoffice/settings/notification-emails/"
EDIT = TEMPLATES + "return_status_changed/nl/"


# --- Who may see what -------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client):
    email = FailedEmailFactory()
    for url in [OUTBOX, f"{OUTBOX}{email.pk}/", TEMPLATES, EDIT]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/backoffice/login/")
    assert client.post(f"{OUTBOX}{email.pk}/resend/").status_code == 302
    assert OutgoingEmail.objects.get().state == "failed"


def test_customers_are_refused_everywhere(customer_client):
    email = FailedEmailFactory()
    for url in [OUTBOX, f"{OUTBOX}{email.pk}/", TEMPLATES, EDIT]:
        assert customer_client.get(url).status_code == 403
    assert customer_client.post(f"{OUTBOX}{email.pk}/resend/").status_code == 403
    assert customer_client.post(EDIT, {"subject": "x", "body": "y"}).status_code == 403


def test_staff_see_the_outbox_but_cannot_resend_or_edit_templates(staff_client):
    email = FailedEmailFactory()
    menu = staff_client.get("/backoffice/").text
    assert f'href="{OUTBOX}"' in menu
    assert staff_client.get(OUTBOX).status_code == 200
    detail = staff_client.get(f"{OUTBOX}{email.pk}/")
    assert detail.status_code == 200 and "Resend" not in detail.text
    assert staff_client.post(f"{OUTBOX}{email.pk}/resend/").status_code == 403
    assert OutgoingEmail.objects.get().state == "failed"
    assert staff_client.get(TEMPLATES).status_code == 403
    assert staff_client.get(EDIT).status_code == 403
    assert staff_client.post(EDIT, {"subject": "x {status}", "body": "y"}).status_code == 403
    assert staff_client.post(EDIT + "reset/").status_code == 403
    assert not EmailTemplate.objects.exists()


# --- Outbox -------------------------------------------------------------------------------


def test_outbox_lists_emails_with_state_attempts_and_last_error(staff_client):
    OutgoingEmailFactory(subject="Your return RET-000001: New", to="ann@example.org")
    FailedEmailFactory(subject="Your return RET-000002: Approved", attempts=6)
    page = staff_client.get(OUTBOX)
    assert "RET-000001" in page.text and "ann@example.org" in page.text
    assert "Queued" in page.text and "Failed" in page.text
    assert "550 5.1.1" in page.text
    assert page.context["page"].paginator.count == 2
    failed = staff_client.get(OUTBOX + "?state=failed")
    assert [e.subject for e in failed.context["page"]] == ["Your return RET-000002: Approved"]
    assert staff_client.get(OUTBOX + "?state=bogus").context["page"].paginator.count == 2
    assert staff_client.get(OUTBOX + "?page=abc").status_code == 200
    assert staff_client.get(OUTBOX + "?page=9999").status_code == 200


def link(page, rel_or_text):
    """The href of the link with rel=... or with that text, as a browser would follow it."""
    match = re.search(rf'<a href="([^"]*)"[^>]*(?:rel="{rel_or_text}"|>{rel_or_text}\b)', page.text)
    assert match, rel_or_text
    return OUTBOX + html.unescape(match.group(1))


def test_outbox_paginates_and_the_links_keep_the_filter(staff_client):
    FailedEmailFactory.create_batch(51)
    OutgoingEmailFactory()
    first = staff_client.get(OUTBOX + "?state=failed")
    assert len(first.context["page"]) == 50
    second = staff_client.get(link(first, "next"))
    assert second.context["state"] == "failed"
    assert len(second.context["page"]) == 1
    queued = staff_client.get(link(second, "Queued"))
    assert queued.context["state"] == "queued" and queued.context["page"].number == 1
    everything = staff_client.get(link(queued, "All"))
    assert everything.context["state"] == "" and everything.context["page"].paginator.count == 52


def test_outbox_runs_the_same_number_of_queries_for_1_or_50_rows(staff_client, query_count):
    FailedEmailFactory()
    one = query_count(lambda: staff_client.get(OUTBOX))
    FailedEmailFactory.create_batch(24)
    OutgoingEmailFactory.create_batch(25)
    fifty = query_count(lambda: staff_client.get(OUTBOX))
    assert one == fifty
    assert fifty <= 10
    filtered = query_count(lambda: staff_client.get(OUTBOX + "?state=failed"))
    assert filtered == one


def test_detail_shows_the_text_escaped_and_every_attempt(staff_client):
    email = FailedEmailFactory(
        body="Dear <script>alert(1)</script>,\n\nyour return", subject="<b>Hi</b>"
    )
    DeliveryAttemptFactory(
        email=email, number=1, outcome="temporary", smtp_code=451, error="451 busy"
    )
    DeliveryAttemptFactory(email=email, number=2)
    page = staff_client.get(f"{OUTBOX}{email.pk}/")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<b>Hi</b>" not in page.text
    assert "Temporary failure" in page.text and "451 busy" in page.text
    assert "Permanent failure" in page.text
    assert staff_client.get(f"{OUTBOX}999999/").status_code == 404


def test_admin_resends_a_failed_email(admin_client, shop_admin, django_capture_on_commit_callbacks):
    email = FailedEmailFactory()
    detail = admin_client.get(f"{OUTBOX}{email.pk}/")
    assert "Resend" in detail.text
    assert admin_client.get(f"{OUTBOX}{email.pk}/resend/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{OUTBOX}{email.pk}/resend/", follow=True)
    assert "The e-mail is queued to be sent again." in response.text
    email.refresh_from_db()
    assert email.state == "queued"
    assert DBTaskResult.objects.count() == 1
    assert AuditEntry.objects.get().actor == shop_admin

    again = admin_client.post(f"{OUTBOX}{email.pk}/resend/", follow=True)
    assert "Only a failed e-mail can be sent again." in again.text
    assert DBTaskResult.objects.count() == 1


# --- Settings > Notification e-mails --------------------------------------------------------


def test_settings_links_to_the_notification_emails(admin_client):
    page = admin_client.get("/backoffice/settings/")
    assert f'href="{TEMPLATES}"' in page.text and "Notification e-mails" in page.text


def test_admin_sees_every_event_and_language(admin_client):
    EmailTemplateFactory(language="nl", subject="Aangepast {status}")
    page = admin_client.get(TEMPLATES)
    assert page.status_code == 200
    for event in ["return_status_changed", "return_requested"]:
        for language, _name in settings.LANGUAGES:
            assert f'href="{TEMPLATES}{event}/{language}/"' in page.text
    assert "Aangepast {status}" in page.text


def test_edit_page_shows_the_text_and_explains_the_placeholders(admin_client):
    page = admin_client.get(EDIT)
    assert page.status_code == 200
    subject, _body = default_texts("return_status_changed", "nl")
    assert page.context["form"]["subject"].value() == subject
    for name in ["customer_name", "return_number", "order_number", "status", "shop_name"]:
        assert f"<code>{{{name}}}</code>" in page.text
    assert "The customer&#x27;s name." in page.text
    assert "Reset to default" not in page.text  # nothing to reset yet
    assert admin_client.get(TEMPLATES + "password_reset/nl/").status_code == 404
    assert admin_client.get(TEMPLATES + "return_status_changed/de/").status_code == 200
    assert admin_client.get(TEMPLATES + "return_status_changed/es/").status_code == 404


def test_admin_saves_a_template_and_the_change_is_audited(admin_client, shop_admin):
    response = admin_client.post(
        EDIT,
        {
            "subject": "Retour {return_number}: {status}",
            "body": "Hoi {customer_name},\r\n\r\nGroet",
        },
        follow=True,
    )
    assert "The e-mail template is saved." in response.text
    template = EmailTemplate.objects.get()
    assert (template.event, template.language) == ("return_status_changed", "nl")
    assert template.body == "Hoi {customer_name},\n\nGroet"
    entry = AuditEntry.objects.get()
    assert entry.actor == shop_admin and set(entry.changes) == {"subject", "body"}
    assert "Reset to default" in response.text


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("", "Hoi", "This field is required."),
        ("Retour", "x" * 1_000_000, "at most 10000 characters"),
        ("Retour {naam}", "Hoi", "is not a placeholder"),
        ("Retour", "Hoi {customer_name", "A single “{”"),
        ("Retour", "Hoi }", "A single “}”"),
        ("Retour", "{x.__class__}", "placeholders are plain names"),
        ("Retour", "{0}", "is not a placeholder"),
        ("Retour", "{:>99999999}", "placeholders are plain names"),
        ("Retour", "{customer_name!r}", "placeholders are plain names"),
        ("Retour", "{% debug %}", "is not a placeholder"),
        ("{settings.SECRET_KEY}", "Hoi", "placeholders are plain names"),
    ],
)
def test_bad_template_input_is_a_form_error_and_nothing_is_saved(
    admin_client, subject, body, message
):
    for action in ["save", "preview"]:
        response = admin_client.post(EDIT, {"subject": subject, "body": body, "action": action})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert message in response.text
        assert response.context["preview"] is None
    assert not EmailTemplate.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_existing_template_is_kept_when_the_new_text_is_refused(admin_client):
    EmailTemplateFactory(language="nl", subject="Goed {status}", body="Goed")
    admin_client.post(EDIT, {"subject": "Fout {status.x}", "body": "Fout"})
    template = EmailTemplate.objects.get()
    assert (template.subject, template.body) == ("Goed {status}", "Goed")


def test_preview_renders_sample_values_escaped_and_saves_nothing(admin_client):
    response = admin_client.post(
        EDIT,
        {
            "subject": "Retour {return_number}",
            "body": "<script>alert(1)</script> {customer_name}: {status} {{settings.SECRET_KEY}}",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "Retour RET-000123"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Chris Voorbeeld: Retour goedgekeurd" in (
        response.text
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "{settings.SECRET_KEY}" in response.text
    assert settings.SECRET_KEY not in response.text
    assert not EmailTemplate.objects.exists()


def test_reset_to_default(admin_client):
    EmailTemplateFactory(language="nl", subject="Mijn {status}")
    assert admin_client.get(EDIT + "reset/").status_code == 405
    response = admin_client.post(EDIT + "reset/", follow=True)
    assert "The e-mail template is back to its default text." in response.text
    assert not EmailTemplate.objects.exists()
    subject, _body = default_texts("return_status_changed", "nl")
    assert response.context["form"]["subject"].value() == subject
    assert AuditEntry.objects.count() == 1


def test_the_outbox_and_template_pages_speak_dutch(admin_client):
    admin_client.cookies["django_language"] = "nl"
    outbox = admin_client.get("/backoffice/outbox/").text
    assert "Postvak uit" in outbox
    templates = admin_client.get("/backoffice/settings/notification-emails/").text
    assert "Notificatie e-mails" in templates
