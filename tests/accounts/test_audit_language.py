"""The audit log keeps codes and values and words them when read (issue 14, item 12): an
entry written by a Dutch admin reads in English for an English one, and the other way
round; catalog rows say whether a reason or an action changed; a deletion reads as one."""

import re

import pytest
from django.utils import translation

from accounts.models import AuditEntry
from inventory.services import inventory_settings_update
from returns import services

AUDIT = "/backoffice/settings/audit/"


def _rows(html: str) -> list[str]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows[1:]]


def _write_some(shop_admin):
    inventory_settings_update(actor=shop_admin, stock_linked_to_pos=True)
    entry = services.catalog_entry_create(
        actor=shop_admin, kind="action", name="Refund", names={"nl": "Geld terug"}
    )
    services.catalog_entry_delete(actor=shop_admin, entry=entry)


ENGLISH = [
    "Settings > Inventory",
    "Stock linked to a point of sale : off → on",
    "Return action “Refund” Deleted",
    "Return action “Refund” Created",
    "Name (Dutch) : — → Geld terug",
]
DUTCH = [
    "Instellingen &gt; Voorraad",
    "Voorraad verbonden met een fysiek verkooppunt : uit → aan",
    "Retouractie “Geld terug” Verwijderd",
    "Retouractie “Geld terug” Aangemaakt",
    "Naam (Nederlands) : — → Geld terug",
]


@pytest.mark.parametrize(
    ("written_in", "read_in", "expected"),
    [("nl", "en", ENGLISH), ("en", "nl", DUTCH)],
)
def test_an_entry_reads_in_the_readers_language(
    admin_client, shop_admin, written_in, read_in, expected
):
    with translation.override(written_in):
        _write_some(shop_admin)
    admin_client.cookies["django_language"] = read_in
    text = " | ".join(_rows(admin_client.get(AUDIT).text))
    for words in expected:
        assert words.replace(">", "&gt;") in text or words in text, (words, text)


def test_entries_hold_codes_and_values_not_words(shop_admin):
    with translation.override("nl"):
        _write_some(shop_admin)
    for entry in AuditEntry.objects.all():
        stored = f"{entry.area} {entry.action} {entry.target} {entry.target_data} {entry.changes}"
        for dutch in ("Voorraad", "Retouractie", "Verwijderd", "aan", "uit", "instellingen"):
            assert not re.search(rf"\b{dutch}\b", stored), (dutch, stored)
    deleted = AuditEntry.objects.get(action="delete")
    assert deleted.target_data["kind"] == "action"
