"""The e-mails this app can send, their placeholders and the default texts shipped in code.

notifications knows nothing about returns: an event is a name, a fixed set of placeholders
and a default text per language. The caller (the returns app) supplies the values.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    RETURN_STATUS_CHANGED = "return_status_changed", _("Return status changed (to the customer)")
    RETURN_REQUESTED = "return_requested", _("New return request (to the shop)")


# The fixed placeholder set of SPEC §4. Nothing else can be reached from a template.
PLACEHOLDERS = {
    "customer_name": _("The customer's name."),
    "return_number": _("The return's number, e.g. RET-000123."),
    "order_number": _("The number of the order the return belongs to."),
    "status": _("The return's status, in the e-mail's language."),
    "shop_name": _("Your shop's name."),
    "return_url": _(
        "The address of the return: the customer's account page, or the backoffice in the "
        "e-mail to the shop."
    ),
}

# The language e-mails fall back to when a caller asks for one we have no text in.
FALLBACK_LANGUAGE = "en"

# Default subject and body per (event, language). Written per language rather than through
# gettext: the language is the recipient's, and admins edit each language separately.
DEFAULT_TEXTS = {
    (Event.RETURN_STATUS_CHANGED, "en"): (
        "Your return {return_number}: {status}",
        "Dear {customer_name},\n\n"
        "The status of your return {return_number} (order {order_number}) has changed to: "
        "{status}.\n\n"
        "You can follow your return here:\n{return_url}\n\n"
        "Kind regards,\n{shop_name}",
    ),
    (Event.RETURN_STATUS_CHANGED, "nl"): (
        "Uw retour {return_number}: {status}",
        "Beste {customer_name},\n\n"
        "De status van uw retour {return_number} (bestelling {order_number}) is gewijzigd in: "
        "{status}.\n\n"
        "U kunt uw retour hier volgen:\n{return_url}\n\n"
        "Met vriendelijke groet,\n{shop_name}",
    ),
    (Event.RETURN_REQUESTED, "en"): (
        "New return request {return_number} (order {order_number})",
        "{customer_name} has requested a return for order {order_number}.\n\n"
        "Return: {return_number}\n"
        "Status: {status}\n\n"
        "Process it in the backoffice:\n{return_url}\n\n"
        "{shop_name} returns backoffice",
    ),
    (Event.RETURN_REQUESTED, "nl"): (
        "Nieuwe retouraanvraag {return_number} (bestelling {order_number})",
        "{customer_name} heeft een retour aangevraagd voor bestelling {order_number}.\n\n"
        "Retour: {return_number}\n"
        "Status: {status}\n\n"
        "Verwerk de aanvraag in de backoffice:\n{return_url}\n\n"
        "{shop_name} retourbackoffice",
    ),
}

# Values for the preview on the template page; invented, never a real customer's.
SAMPLE_VALUES = {
    "en": {
        "customer_name": "Chris Example",
        "return_number": "RET-000123",
        "order_number": "100042",
        "status": "Return approved",
    },
    "nl": {
        "customer_name": "Chris Voorbeeld",
        "return_number": "RET-000123",
        "order_number": "100042",
        "status": "Retour goedgekeurd",
    },
}


def default_texts(event: str, language: str) -> tuple[str, str]:
    """(subject, body) shipped in code for an event in a language (English if we have none)."""
    return DEFAULT_TEXTS.get((event, language)) or DEFAULT_TEXTS[(event, FALLBACK_LANGUAGE)]
