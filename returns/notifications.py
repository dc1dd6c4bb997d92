"""What the returns app tells customers and the shop. The notifications app renders and
delivers; it knows nothing about returns, so the context is built here."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from notifications.services import email_queue

from .models import Return, Status


def reference_for(rma: Return) -> str:
    return f"return:{rma.pk}"


def return_pk_from_reference(reference: str) -> int | None:
    prefix, _, pk = reference.partition(":")
    return int(pk) if prefix == "return" and pk.isdigit() else None


def queue_status_email(rma: Return) -> None:
    """The customer's "your return's status changed" e-mail, in their language.

    Called inside the service's transaction: the e-mail is recorded exactly when the
    change is, and delivered after commit."""
    customer = rma.customer
    with translation.override(customer.language):
        status = str(Status(rma.status).label)
    email_queue(
        event="return_status_changed",
        to=customer.user.email,
        language=customer.language,
        context=_context(rma, status, reverse("returns:account-detail", args=[rma.pk])),
        reference=reference_for(rma),
    )


def queue_request_email(rma: Return) -> None:
    """The shop's "a customer requested a return" e-mail, to SHOP_EMAIL."""
    with translation.override(settings.LANGUAGE_CODE):
        status = str(Status(rma.status).label)
    email_queue(
        event="return_requested",
        to=settings.SHOP_EMAIL,
        language=settings.LANGUAGE_CODE,
        context=_context(rma, status, rma.get_absolute_url()),
        reference=reference_for(rma),
    )


def _context(rma: Return, status: str, path: str) -> dict[str, str]:
    return {
        "customer_name": rma.customer.name,
        "return_number": rma.number,
        "order_number": rma.order.number,
        "status": status,
        "shop_name": settings.SHOP_NAME,
        "return_url": settings.SITE_URL + path,
    }
