"""The events an endpoint can ask for, with the words the pages show for them."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "return.created": _("A return was created (by staff or requested by a customer)"),
    "return.status_changed": _("A return's status changed"),
    "return.updated": _("A return's fields or quantities changed"),
    "return.note_added": _("A staff note was added to a return"),
    "return.received": _("What arrived of a return was recorded"),
    "order.upserted": _("An order was created or changed"),
    "refund.created": _("A credit invoice was paid back (a refund)"),
}
# Sent only by an admin's "Send test event"; no endpoint subscribes to it.
TEST_EVENT = "webhook.test"


def label(name: str) -> str:
    if name == TEST_EVENT:
        return str(_("Test event"))
    return str(EVENTS.get(name, name))


def choices() -> list[tuple[str, str]]:
    return [(name, f"{name} — {text}") for name, text in EVENTS.items()]
