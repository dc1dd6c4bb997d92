"""The e-mail about a credit invoice, registered with notifications (which renders and
delivers it and knows nothing about money): "your credit invoice", with its PDF attached."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from notifications.delivery import Attachment
from notifications.registry import EmailEvent, register
from notifications.services import email_queue

from .models import CreditInvoice

PLACEHOLDERS = {
    "customer_name": _("The customer's name."),
    "invoice_number": _("The credit invoice's number, e.g. CR-2026-00001."),
    "order_number": _("The number of the order it credits."),
    "total": _("The amount credited, as the e-mail's language writes it."),
    "shop_name": _("Your shop's name."),
    "order_url": _("The address of the order in the customer's account."),
}

_SAMPLE_NAMES = {"en": "Chris Example", "nl": "Chris Voorbeeld"}


def _sample(language: str) -> dict[str, str]:
    return {
        "customer_name": _SAMPLE_NAMES.get(language, _SAMPLE_NAMES["en"]),
        "invoice_number": "CR-2026-00001",
        "order_number": "ORD-0000042",
        "total": format_money("24.95", "EUR", language=language),
        "shop_name": settings.SHOP_NAME,
        "order_url": settings.SITE_URL + reverse("orders:account"),
    }


CREDIT_INVOICE_ISSUED = register(
    EmailEvent(
        name="credit_invoice_issued",
        label=_("Credit invoice issued (to the customer)"),
        recipient="customer",
        placeholders=PLACEHOLDERS,
        defaults={
            "en": (
                "Your credit invoice {invoice_number}",
                "Dear {customer_name},\n\n"
                "We have credited {total} on your order {order_number}. The credit invoice "
                "{invoice_number} is attached; you can also download it from your order:\n"
                "{order_url}\n\n"
                "Kind regards,\n{shop_name}",
            ),
            "nl": (
                "Uw creditfactuur {invoice_number}",
                "Beste {customer_name},\n\n"
                "We hebben {total} gecrediteerd op uw bestelling {order_number}. De "
                "creditfactuur {invoice_number} zit in de bijlage; u kunt hem ook downloaden "
                "bij uw bestelling:\n{order_url}\n\n"
                "Met vriendelijke groet,\n{shop_name}",
            ),
            "de": (
                "Ihre Gutschrift {invoice_number}",
                "Hallo {customer_name},\n\n"
                "wir haben Ihnen {total} für Ihre Bestellung {order_number} gutgeschrieben. "
                "Die Gutschrift {invoice_number} finden Sie im Anhang und bei Ihrer "
                "Bestellung:\n{order_url}\n\n"
                "Viele Grüße\n{shop_name}",
            ),
            "fr": (
                "Votre avoir {invoice_number}",
                "Bonjour {customer_name},\n\n"
                "Nous vous avons remboursé {total} sur votre commande {order_number}. "
                "L'avoir {invoice_number} est joint\u00a0; vous le trouverez aussi avec votre "
                "commande\u00a0:\n{order_url}\n\n"
                "Cordialement,\n{shop_name}",
            ),
        },
        sample=_sample,
    )
)


def queue_credit_invoice_email(invoice: CreditInvoice, *, pdf: bytes) -> None:
    """The customer's "your credit invoice" e-mail, in their language, with the PDF.
    Called inside the issuing transaction: recorded exactly when the issue is."""
    from .pdf import credit_invoice_filename

    order = invoice.order
    customer = order.customer
    email_queue(
        event=CREDIT_INVOICE_ISSUED.name,
        to=customer.user.email,
        language=customer.language,
        context={
            "customer_name": customer.name,
            "invoice_number": invoice.number,
            "order_number": order.number,
            "total": format_money(invoice.total, invoice.currency, language=customer.language),
            "shop_name": settings.SHOP_NAME,
            "order_url": settings.SITE_URL + reverse("orders:account-order", args=[order.number]),
        },
        reference=f"credit_invoice:{invoice.pk}",
        attachments=[Attachment(credit_invoice_filename(invoice), pdf, "application/pdf")],
    )
