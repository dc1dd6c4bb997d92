"""How returns hooks into the apps it builds on, which know nothing about it: panels on
the order pages, and e-mail delivery states on the return's timeline."""

from django.dispatch import receiver
from django.template.loader import render_to_string

from notifications.models import OutgoingEmail
from notifications.signals import email_state_changed
from orders.signals import order_page_panels

from . import selectors, services
from .notifications import return_pk_from_reference


@receiver(order_page_panels, dispatch_uid="returns.order_panel")
def order_returns_panel(sender, request, order, side, **kwargs):
    if side != "backoffice" or not request.user.has_perm("returns.view_return"):
        return ""
    returns = list(selectors.order_returns(order))
    return render_to_string(
        "returns/_order_panel.html",
        {
            "order": order,
            "returns": returns,
            "can_create": request.user.has_perm("returns.add_return"),
        },
        request=request,
    )


@receiver(email_state_changed, sender=OutgoingEmail, dispatch_uid="returns.email_on_timeline")
def email_on_timeline(sender, email, state, error="", attempt=0, **kwargs):
    rma_id = return_pk_from_reference(email.reference)
    if rma_id is not None:
        services.return_record_email(
            rma_id=rma_id,
            state=state,
            to=email.to,
            subject=email.subject,
            attempt=attempt,
            error=error,
        )
