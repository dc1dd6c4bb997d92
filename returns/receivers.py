"""How returns hooks into the apps it builds on, which know nothing about it: panels on
the order pages, and e-mail delivery states in the return's history."""

from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import OutgoingEmail
from notifications.signals import email_state_changed
from orders.signals import account_order_actions, order_page_panels

from . import selectors
from .emails import return_pk_from_reference
from .services import history_record_email


@receiver(order_page_panels, dispatch_uid="returns.order_panel")
def order_returns_panel(sender, request, order, side, **kwargs):
    if side == "account":
        return _account_panel(request, order)
    if side != "backoffice" or not request.user.has_perm("returns.view_return"):
        return ""
    returns = list(selectors.order_returns(order))
    can_create = request.user.has_perm("returns.add_return")
    refusal = selectors.staff_returnability(order)[0] if can_create else ""
    return render_to_string(
        "returns/_order_panel.html",
        {"order": order, "returns": returns, "can_create": can_create, "refusal": refusal},
        request=request,
    )


@receiver(email_state_changed, sender=OutgoingEmail, dispatch_uid="returns.email_in_history")
def email_in_history(sender, email, state, error="", attempt=0, **kwargs):
    rma_id = return_pk_from_reference(email.reference)
    if rma_id is not None:
        history_record_email(
            rma_id=rma_id,
            state=state,
            to=email.to,
            subject=email.subject,
            attempt=attempt,
            error=error,
            email_id=email.pk,
        )


def _account_panel(request, order):
    """The customer's order page: the Request return button, or why there is none; and
    the returns of this order. The order view has already made sure it is theirs."""
    customer = getattr(request, "customer", None)
    if customer is None or order.customer_id != customer.pk:
        return ""
    return render_to_string(
        "returns/_account_order_panel.html",
        {
            "order": order,
            "eligibility": selectors.return_eligibility(order),
            "returns": list(selectors.customer_order_returns(customer=customer, order=order)),
        },
        request=request,
    )


@receiver(account_order_actions, dispatch_uid="returns.account_order_actions")
def request_return_buttons(sender, request, orders, **kwargs):
    """My orders: a Request return button next to each eligible order, decided for the
    whole page at once (a fixed number of queries, however many orders it shows)."""
    eligibility = selectors.return_eligibilities(orders)
    label = _("Request return")
    return {
        order.pk: [(label, reverse("returns:account-request", args=[order.number]))]
        for order in orders
        if eligibility[order.pk].eligible
    }
