"""Audit (SPEC §6, issue #8): changes to settings and the catalog are recorded with who,
when and old → new, and admins read them on /backoffice/settings/audit/."""

import re
from datetime import timedelta

from django.utils import timezone

from accounts.models import AuditEntry

from .world import ADMIN

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
    assert "Ada Admin" in newest and "account &amp; service settings" in newest
    assert "Allow returns : on → off" in newest
    assert "Return window (days) : 30 → 14" in newest


def test_adding_moving_and_deleting_catalog_entries_is_recorded(world):
    client = world.clients[ADMIN]
    catalog = "/backoffice/returns/reasons-and-actions/"
    client.post(catalog, {"kind": "action", "action-name": "Repair it"})
    client.post(f"{catalog}{world.spare_reason.pk}/move/", {"direction": "up"})
    client.post(f"{catalog}{world.spare_reason.pk}/delete/")
    rows = _rows(client.get(AUDIT).text)
    assert "Name : — → Repair it" in rows[2]
    assert "Position : 2 → 1" in rows[1]
    assert "Changed my mind" in rows[0] and "Name : Changed my mind → —" in rows[0]
    assert all("Ada Admin" in row for row in rows[:3])


def test_saving_without_changes_records_nothing(world):
    client = world.clients[ADMIN]
    before = AuditEntry.objects.count()
    client.post(
        "/backoffice/settings/account-service/",
        {"allow_returns": "on", "return_window_days": "30"},
    )
    assert AuditEntry.objects.count() == before
