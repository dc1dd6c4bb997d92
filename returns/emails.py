"""The e-mails about returns: registered with notifications (which renders and delivers
them and knows nothing about returns) and built here from a return.

Each e-mail is an EmailEvent: who gets it, the placeholders staff may use in its text,
the default text per language and invented sample values for the template editor's
preview. `queue_*` record one e-mail in the outbox inside the caller's transaction.

To the customer: the confirmation of their request, "a return was created for you"
(staff-created, with Notify customer), a status change (with Notify customer) and staff's
messages. To the shop: a new request. What the customer reads never holds text staff typed
about the return, except a message staff wrote to them (SPEC §11).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.registry import EmailEvent, register
from notifications.services import email_queue

from .models import Return
from .selectors import return_settings
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

# Where the parcel goes, in the e-mails that tell the customer to send one.
PARCEL_PLACEHOLDERS = {
    **PLACEHOLDERS,
    "return_address": _(
        "Where customers send their parcels (Settings > Account & service > Return address)."
    ),
    "return_instructions": _(
        "What to put in the parcel and how to send it, in the e-mail's language "
        "(Settings > Account & service)."
    ),
}
MESSAGE_PLACEHOLDERS = {
    **PLACEHOLDERS,
    "message": _("The message staff wrote to the customer on the return's page."),
}

_SAMPLE_ADDRESS = "Demo Shop Returns\nExample Street 1\n1234 AB Example City"
_SAMPLE_INSTRUCTIONS = {
    "en": "Put the packing slip in the parcel and keep your proof of postage.",
    "nl": "Doe de pakbon in het pakket en bewaar uw verzendbewijs.",
    "de": "Legen Sie den Lieferschein in das Paket und bewahren Sie den Einlieferungsbeleg auf.",
    "fr": "Glissez le bon de livraison dans le colis et conservez votre preuve de dépôt.",
}
_SAMPLE_MESSAGES = {
    "en": "We received your parcel today and will check the items this week.",
    "nl": "We hebben uw pakket vandaag ontvangen en controleren de artikelen deze week.",
    "de": "Wir haben Ihr Paket heute erhalten und prüfen die Artikel in dieser Woche.",
    "fr": "Nous avons reçu votre colis aujourd'hui et vérifierons les articles cette semaine.",
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
        "return_address": _SAMPLE_ADDRESS,
        "return_instructions": _SAMPLE_INSTRUCTIONS.get(language, _SAMPLE_INSTRUCTIONS["en"]),
        "message": _SAMPLE_MESSAGES.get(language, _SAMPLE_MESSAGES["en"]),
    }


def _account_sample(language: str) -> dict[str, str]:
    return _sample(language, path=reverse("returns:account-list"))


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
        sample=_account_sample,
    )
)

REQUEST_RECEIVED = register(
    EmailEvent(
        name="return_request_received",
        label=_("Return request received (to the customer)"),
        recipient="customer",
        placeholders=PARCEL_PLACEHOLDERS,
        defaults={
            "en": (
                "We received your return request {return_number}",
                "Dear {customer_name},\n\n"
                "Thank you for your return request {return_number} for order "
                "{order_number}. We have received it.\n\n"
                "What happens next:\n"
                "1. Pack the items you are returning, with everything that came with them.\n"
                "2. Send the parcel to:\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "3. Once the parcel has arrived, we check the items and let you know by "
                "e-mail.\n\n"
                "You can follow your return here:\n{return_url}\n\n"
                "Kind regards,\n{shop_name}",
            ),
            "nl": (
                "We hebben uw retouraanvraag {return_number} ontvangen",
                "Beste {customer_name},\n\n"
                "Bedankt voor uw retouraanvraag {return_number} voor bestelling "
                "{order_number}. We hebben deze ontvangen.\n\n"
                "Zo gaat het verder:\n"
                "1. Verpak de artikelen die u retourneert, met alles wat erbij hoorde.\n"
                "2. Stuur het pakket naar:\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "3. Zodra het pakket binnen is, controleren we de artikelen en laten we het u "
                "per e-mail weten.\n\n"
                "U kunt uw retour hier volgen:\n{return_url}\n\n"
                "Met vriendelijke groet,\n{shop_name}",
            ),
            "de": (
                "Wir haben Ihre Retourenanfrage {return_number} erhalten",
                "Hallo {customer_name},\n\n"
                "vielen Dank für Ihre Retourenanfrage {return_number} zur Bestellung "
                "{order_number}. Wir haben sie erhalten.\n\n"
                "So geht es weiter:\n"
                "1. Verpacken Sie die Artikel, die Sie zurücksenden, mit allem, was dazugehört.\n"
                "2. Senden Sie das Paket an:\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "3. Sobald das Paket bei uns eingetroffen ist, prüfen wir die Artikel und "
                "informieren Sie per E-Mail.\n\n"
                "Hier können Sie Ihre Retoure verfolgen:\n{return_url}\n\n"
                "Viele Grüße\n{shop_name}",
            ),
            "fr": (
                "Nous avons bien reçu votre demande de retour {return_number}",
                "Bonjour {customer_name},\n\n"
                "Merci pour votre demande de retour {return_number} concernant la commande "
                "{order_number}. Nous l'avons bien reçue.\n\n"
                "Voici la suite :\n"
                "1. Emballez les articles que vous retournez, avec tout ce qui les "
                "accompagnait.\n"
                "2. Envoyez le colis à l'adresse suivante :\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "3. Dès réception du colis, nous vérifions les articles et vous informons "
                "par e-mail.\n\n"
                "Vous pouvez suivre votre retour ici :\n{return_url}\n\n"
                "Cordialement,\n{shop_name}",
            ),
        },
        sample=_account_sample,
    )
)

CREATED = register(
    EmailEvent(
        name="return_created",
        label=_("Return created by the shop (to the customer)"),
        recipient="customer",
        placeholders=PARCEL_PLACEHOLDERS,
        defaults={
            "en": (
                "We created return {return_number} for you",
                "Dear {customer_name},\n\n"
                "We have created return {return_number} for your order {order_number}.\n\n"
                "Please send the items to:\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "Once the parcel has arrived, we check the items and let you know by "
                "e-mail.\n\n"
                "You can follow your return here:\n{return_url}\n\n"
                "Kind regards,\n{shop_name}",
            ),
            "nl": (
                "We hebben retour {return_number} voor u aangemaakt",
                "Beste {customer_name},\n\n"
                "We hebben retour {return_number} aangemaakt voor uw bestelling "
                "{order_number}.\n\n"
                "Stuur de artikelen naar:\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "Zodra het pakket binnen is, controleren we de artikelen en laten we het u "
                "per e-mail weten.\n\n"
                "U kunt uw retour hier volgen:\n{return_url}\n\n"
                "Met vriendelijke groet,\n{shop_name}",
            ),
            "de": (
                "Wir haben die Retoure {return_number} für Sie angelegt",
                "Hallo {customer_name},\n\n"
                "wir haben die Retoure {return_number} zu Ihrer Bestellung {order_number} "
                "angelegt.\n\n"
                "Bitte senden Sie die Artikel an:\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "Sobald das Paket bei uns eingetroffen ist, prüfen wir die Artikel und "
                "informieren Sie per E-Mail.\n\n"
                "Hier können Sie Ihre Retoure verfolgen:\n{return_url}\n\n"
                "Viele Grüße\n{shop_name}",
            ),
            "fr": (
                "Nous avons créé le retour {return_number} pour vous",
                "Bonjour {customer_name},\n\n"
                "Nous avons créé le retour {return_number} pour votre commande "
                "{order_number}.\n\n"
                "Veuillez envoyer les articles à l'adresse suivante :\n{return_address}\n\n"
                "{return_instructions}\n\n"
                "Dès réception du colis, nous vérifions les articles et vous informons par "
                "e-mail.\n\n"
                "Vous pouvez suivre votre retour ici :\n{return_url}\n\n"
                "Cordialement,\n{shop_name}",
            ),
        },
        sample=_account_sample,
    )
)

MESSAGE = register(
    EmailEvent(
        name="return_message",
        label=_("Message about a return (to the customer)"),
        recipient="customer",
        placeholders=MESSAGE_PLACEHOLDERS,
        defaults={
            "en": (
                "A message about your return {return_number}",
                "Dear {customer_name},\n\n{message}\n\n"
                "Return {return_number} (order {order_number}):\n{return_url}\n\n"
                "Kind regards,\n{shop_name}",
            ),
            "nl": (
                "Een bericht over uw retour {return_number}",
                "Beste {customer_name},\n\n{message}\n\n"
                "Retour {return_number} (bestelling {order_number}):\n{return_url}\n\n"
                "Met vriendelijke groet,\n{shop_name}",
            ),
            "de": (
                "Eine Nachricht zu Ihrer Retoure {return_number}",
                "Hallo {customer_name},\n\n{message}\n\n"
                "Retoure {return_number} (Bestellung {order_number}):\n{return_url}\n\n"
                "Viele Grüße\n{shop_name}",
            ),
            "fr": (
                "Un message concernant votre retour {return_number}",
                "Bonjour {customer_name},\n\n{message}\n\n"
                "Retour {return_number} (commande {order_number}) :\n{return_url}\n\n"
                "Cordialement,\n{shop_name}",
            ),
        },
        sample=_account_sample,
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


def _to_customer(rma: Return, event: EmailEvent, **extra) -> None:
    customer = rma.customer
    email_queue(
        event=event.name,
        to=customer.user.email,
        language=customer.language,
        context={
            **_context(rma, reverse("returns:account-detail", args=[rma.pk])),
            **extra,
        },
        reference=reference_for(rma),
    )


def queue_status_email(rma: Return) -> None:
    """The customer's "your return's status changed" e-mail, in their language.

    Called inside the service's transaction: the e-mail is recorded exactly when the
    change is, and delivered after commit. Like every e-mail to the customer it holds
    nothing staff typed about the return (SPEC §11)."""
    _to_customer(rma, STATUS_CHANGED)


def queue_request_confirmation(rma: Return) -> None:
    """The customer's "we received your request" e-mail: what happens next and where the
    parcel goes (Settings > Account & service: the return address, and the instructions in
    the customer's language, else the shop's)."""
    _to_customer(rma, REQUEST_RECEIVED, **_parcel(rma))


def queue_created_email(rma: Return) -> None:
    """The customer's "the shop created a return for you" e-mail (a staff-created return
    with Notify customer), with where to send the parcel."""
    _to_customer(rma, CREATED, **_parcel(rma))


def queue_message_email(rma: Return, text: str) -> None:
    """Staff's message to the customer about their return."""
    _to_customer(rma, MESSAGE, message=text)


def queue_request_email(rma: Return) -> None:
    """The shop's "a customer requested a return" e-mail, to SHOP_EMAIL, in the language
    of the people who read that mailbox (SHOP_EMAIL_LANGUAGE)."""
    email_queue(
        event=REQUESTED.name,
        to=settings.SHOP_EMAIL,
        language=settings.SHOP_EMAIL_LANGUAGE,
        context=_context(rma, rma.get_absolute_url()),
        reference=reference_for(rma),
    )


def _parcel(rma: Return) -> dict[str, object]:
    shop = return_settings()
    # Lazy: email_queue renders it in the e-mail's language.
    address = shop.return_address or _("We will let you know where to send it.")
    return {
        "return_address": address,
        "return_instructions": shop.instructions_in(rma.customer.language),
    }


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
