"""Audit (SPEC §6, issue #8): changes to settings, the catalog and the notification e-mail
templates, and resent e-mails, are recorded with who, when and old → new, and admins read
them on /backoffice/settings/audit/."""

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import AuditEntry
from notifications.registry import default_texts

from .world import ADMIN, STAFF

AUDIT = "/backoffice/settings/audit/"


def _rows(html: str) -> list[str]:
    """The audit table's rows as plain text, newest first."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows[1:]]


def test_a_catalog_rename_shows_who_and_old_to_new(world):
    client = world.clients[ADMIN]
    url = f"/backoffice/returns/reasons-and-actions/{world.reason.pk}/"
    response = client.post(url, {"name": "Too tight", "active": "on"})
    assert response.status_code == 302
    entry = AuditEntry.objects.first()
    assert entry.actor == world.admin
    assert timezone.now() - entry.created_at < timedelta(minutes=1)
    newest = _rows(client.get(AUDIT).text)[0]
    assert "Ada Admin" in newest
    assert "Name : Too small → Too tight" in newest
    # Switching "visible to customers" off in the same save is recorded too.
    assert "Visible to customers : on → off" in newest


def test_a_settings_change_shows_who_and_old_to_new(world):
    client = world.clients[ADMIN]
    response = client.post(
        "/backoffice/settings/account-service/",
        {"return_window_days": "14"},  # Allow returns unticked
    )
    assert response.status_code == 302
    newest = _rows(client.get(AUDIT).text)[0]
    assert "Ada Admin" in newest and "Account &amp; service" in newest
    assert "Allow returns : on → off" in newest
    assert "Return window (days) : 30 → 14" in newest


def test_adding_moving_and_deleting_catalog_entries_is_recorded(world):
    client = world.clients[ADMIN]
    catalog = "/backoffice/returns/reasons-and-actions/"
    client.post(catalog, {"kind": "action", "action-name": "Repair it"})
    client.post(f"{catalog}{world.spare_reason.pk}/move/", {"direction": "up"})
    client.post(f"{catalog}{world.spare_reason.pk}/delete/")
    rows = _rows(client.get(AUDIT).text)
    assert "Return action “Repair it”" in rows[2] and "Created" in rows[2]
    assert "Name : — → Repair it" in rows[2]
    assert "Return reason “Changed my mind”" in rows[1] and "Position : 2 → 1" in rows[1]
    # A deletion reads as one, of a reason.
    assert "Return reason “Changed my mind” Deleted" in rows[0]
    assert "Name : Changed my mind → —" in rows[0]
    assert all("Ada Admin" in row for row in rows[:3])


def test_saving_without_changes_records_nothing(world):
    client = world.clients[ADMIN]
    before = AuditEntry.objects.count()
    client.post(
        "/backoffice/settings/account-service/",
        {"allow_returns": "on", "return_window_days": "30"},
    )
    assert AuditEntry.objects.count() == before


# --- Notification e-mails: template edits, resets and Resend (SPEC §4, §6) ----------------

TEMPLATE = "/backoffice/settings/notification-emails/return_status_changed/en/"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_template_edit_and_its_reset_show_who_when_and_old_to_new(world):
    client = world.clients[ADMIN]
    subject, body = world.texts["status subject"], _one_line(world.texts["status text"])
    response = client.post(
        TEMPLATE,
        {"subject": "Your return {return_number}", "body": "Hi {customer_name}", "action": "save"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.first()
    assert entry.actor == world.admin
    assert timezone.now() - entry.created_at < timedelta(minutes=1)
    newest = _rows(client.get(AUDIT).text)[0]
    when = date_format(timezone.localtime(entry.created_at), "SHORT_DATETIME_FORMAT")
    assert newest.startswith(
        f"{when} Ada Admin Notification e-mails Return status changed (to the customer) · English"
    )
    assert f"Subject : {subject} → Your return {{return_number}}" in newest
    assert f"Body : {body} → Hi {{customer_name}}" in newest

    # Reset to default: the admin's text goes, the shipped one comes back.
    default_subject, default_body = default_texts("return_status_changed", "en")
    assert client.post(TEMPLATE + "reset/").status_code == 302
    newest = _rows(client.get(AUDIT).text)[0]
    assert "Ada Admin" in newest
    assert f"Subject : Your return {{return_number}} → {default_subject}" in newest
    assert f"Body : Hi {{customer_name}} → {_one_line(default_body)}" in newest


def test_a_resend_shows_who_which_email_and_its_state_old_to_new(world):
    client = world.clients[ADMIN]
    assert client.post(f"/backoffice/outbox/{world.email.pk}/resend/").status_code == 302
    entry = AuditEntry.objects.first()
    assert (entry.actor, entry.model) == (world.admin, "notifications.outgoingemail")
    newest = _rows(client.get(AUDIT).text)[0]
    assert "Ada Admin" in newest
    assert f"Outbox E-mail “{world.email.subject}” to {world.email.to} Resent" in newest
    assert "State : Failed → Queued" in newest


def test_refusals_previews_and_resets_of_nothing_record_nothing(world):
    client = world.clients[ADMIN]
    before = AuditEntry.objects.count()
    client.post(TEMPLATE, {"subject": "{0}", "body": "Hi", "action": "save"})
    client.post(TEMPLATE, {"subject": "New {status}", "body": "Hi", "action": "preview"})
    # Dutch has no admin's text in the world: nothing to reset.
    client.post(TEMPLATE.replace("/en/", "/nl/") + "reset/")
    world.clients[STAFF].post(f"/backoffice/outbox/{world.email.pk}/resend/")  # 403
    assert AuditEntry.objects.count() == before
