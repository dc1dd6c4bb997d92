"""The e-mails about returns: registered with notifications (which renders and delivers
them and knows nothing about returns) and built here from a return.

Each e-mail is an EmailEvent: who gets it, the placeholders staff may use in its text,
the default text per language and invented sample values for the template editor's
preview. `queue_*` record one e-mail in the outbox inside the caller's transaction.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.registry import EmailEvent, register
from notifications.services import email_queue

from .models import Return
from .workflow import Status

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

_SAMPLE_NAMES = {
    "en": "Chris Example",
    "nl": "Chris Voorbeeld",
    "de": "Chris Beispiel",
    "fr": "Chris Exemple",
}


def _sample(language: str, *, path: str) -> dict[str, str]:
    """Invented values, never a real customer's; the link is a page that exists."""
    with translation.override(language):
        status = str(Status.APPROVED.label)
    return {
        "customer_name": _SAMPLE_NAMES.get(language, _SAMPLE_NAMES["en"]),
        "return_number": "RET-000123",
        "order_number": "100042",
        "status": status,
        "shop_name": settings.SHOP_NAME,
        "return_url": settings.SITE_URL + path,
    }


STATUS_CHANGED = register(
    EmailEvent(
        name="return_status_changed",
        label=_("Return status changed (to the customer)"),
        recipient="customer",
        placeholders=PLACEHOLDERS,
        defaults={
            "en": (
                "Your return {return_number}: {status}",
                "Dear {customer_name},\n\n"
                "The status of your return {return_number} (order {order_number}) has changed "
                "to: {status}.\n\n"
                "You can follow your return here:\n{return_url}\n\n"
                "Kind regards,\n{shop_name}",
            ),
            "nl": (
                "Uw retour {return_number}: {status}",
                "Beste {customer_name},\n\n"
                "De status van uw retour {return_number} (bestelling {order_number}) is "
                "gewijzigd in: {status}.\n\n"
                "U kunt uw retour hier volgen:\n{return_url}\n\n"
                "Met vriendelijke groet,\n{shop_name}",
            ),
            "de": (
                "Ihre Retoure {return_number}: {status}",
                "Hallo {customer_name},\n\n"
                "der Status Ihrer Retoure {return_number} (Bestellung {order_number}) hat sich "
                "geändert: {status}.\n\n"
                "Hier können Sie Ihre Retoure verfolgen:\n{return_url}\n\n"
                "Viele Grüße\n{shop_name}",
            ),
            "fr": (
                "Votre retour {return_number} : {status}",
                "Bonjour {customer_name},\n\n"
                "Le statut de votre retour {return_number} (commande {order_number}) est "
                "désormais : {status}.\n\n"
                "Vous pouvez suivre votre retour ici :\n{return_url}\n\n"
                "Cordialement,\n{shop_name}",
            ),
        },
        sample=lambda language: _sample(language, path=reverse("returns:account-list")),
    )
)

REQUESTED = register(
    EmailEvent(
        name="return_requested",
        label=_("New return request (to the shop)"),
        recipient="shop",
        placeholders=PLACEHOLDERS,
        defaults={
            "en": (
                "New return request {return_number} (order {order_number})",
                "{customer_name} has requested a return for order {order_number}.\n\n"
                "Return: {return_number}\n"
                "Status: {status}\n\n"
                "Process it in the backoffice:\n{return_url}\n\n"
                "{shop_name} returns backoffice",
            ),
            "nl": (
                "Nieuwe retouraanvraag {return_number} (bestelling {order_number})",
                "{customer_name} heeft een retour aangevraagd voor bestelling {order_number}.\n\n"
                "Retour: {return_number}\n"
                "Status: {status}\n\n"
                "Verwerk de aanvraag in de backoffice:\n{return_url}\n\n"
                "{shop_name} retourbackoffice",
            ),
            "de": (
                "Neue Retourenanfrage {return_number} (Bestellung {order_number})",
                "{customer_name} hat eine Retoure für die Bestellung {order_number} "
                "angefragt.\n\n"
                "Retoure: {return_number}\n"
                "Status: {status}\n\n"
                "Bearbeiten Sie die Anfrage im Backoffice:\n{return_url}\n\n"
                "{shop_name} Retouren-Backoffice",
            ),
            "fr": (
                "Nouvelle demande de retour {return_number} (commande {order_number})",
                "{customer_name} a demandé un retour pour la commande {order_number}.\n\n"
                "Retour : {return_number}\n"
                "Statut : {status}\n\n"
                "Traitez la demande dans le back-office :\n{return_url}\n\n"
                "Back-office des retours de {shop_name}",
            ),
        },
        sample=lambda language: _sample(language, path=reverse("returns:list")),
    )
)


# --- Building them from a return -------------------------------------------------------


def reference_for(rma: Return) -> str:
    """How the outbox knows which return an e-mail is about (opaque to notifications)."""
    return f"return:{rma.pk}"


def return_pk_from_reference(reference: str) -> int | None:
    prefix, _sep, pk = reference.partition(":")
    return int(pk) if prefix == "return" and pk.isdigit() else None


def queue_status_email(rma: Return) -> None:
    """The customer's "your return's status changed" e-mail, in their language.

    Called inside the service's transaction: the e-mail is recorded exactly when the
    change is, and delivered after commit."""
    customer = rma.customer
    email_queue(
        event=STATUS_CHANGED.name,
        to=customer.user.email,
        language=customer.language,
        context=_context(rma, reverse("returns:account-detail", args=[rma.pk])),
        reference=reference_for(rma),
    )


def queue_request_email(rma: Return) -> None:
    """The shop's "a customer requested a return" e-mail, to SHOP_EMAIL."""
    email_queue(
        event=REQUESTED.name,
        to=settings.SHOP_EMAIL,
        language=settings.LANGUAGE_CODE,
        context=_context(rma, rma.get_absolute_url()),
        reference=reference_for(rma),
    )


def _context(rma: Return, path: str) -> dict[str, object]:
    # The status is a lazy label: email_queue renders it in the e-mail's language.
    return {
        "customer_name": rma.customer.name,
        "return_number": rma.number,
        "order_number": rma.order.number,
        "status": Status(rma.status).label,
        "shop_name": settings.SHOP_NAME,
        "return_url": settings.SITE_URL + path,
    }
