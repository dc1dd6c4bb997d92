"""How billing hooks into the pages of the apps it builds on, which know nothing about
it: the credit invoices panel on the order page and on the return page."""

from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.html import format_html

from orders.signals import order_page_panels
from returns.signals import return_page_panels

from . import selectors
from .exchanges import exchangeable


@receiver(order_page_panels, dispatch_uid="billing.order_panel")
def order_credit_invoices_panel(sender, request, order, side, **kwargs):
    if side == "account":
        return _account_panel(request, order)
    if side != "backoffice" or not request.user.has_perm("billing.view_creditinvoice"):
        return ""
    return format_html(
        "{}{}",
        _replacement_panel(request, order, side="backoffice"),
        render_to_string(
            "billing/_order_panel.html",
            {
                "order": order,
                "invoices": list(selectors.order_credit_invoices(order)),
                "can_create": request.user.has_perm("billing.add_creditinvoice"),
            },
            request=request,
        ),
    )


@receiver(return_page_panels, dispatch_uid="billing.return_panel")
def return_credit_invoices_panel(sender, request, rma, **kwargs):
    if not request.user.has_perm("billing.view_creditinvoice"):
        return ""
    return render_to_string(
        "billing/_return_panel.html",
        {
            "rma": rma,
            "invoices": list(selectors.return_credit_invoices(rma)),
            "exchanges": list(selectors.return_exchanges(rma)),
            "exchangeable": exchangeable(rma),
            "can_create": request.user.has_perm("billing.add_creditinvoice"),
        },
        request=request,
    )


def _account_panel(request, order):
    """The customer's order page: their credit invoices, to download."""
    customer = getattr(request, "customer", None)
    if customer is None or order.customer_id != customer.pk:
        return ""
    invoices = list(selectors.customer_credit_invoices(customer=customer, order=order))
    panel = _replacement_panel(request, order, side="account")
    if not invoices:
        return panel
    return format_html(
        "{}{}",
        panel,
        render_to_string(
            "billing/_account_order_panel.html", {"invoices": invoices}, request=request
        ),
    )


def _replacement_panel(request, order, *, side):
    """On a replacement order: what it replaces, and what the customer still owes."""
    exchange = selectors.replacement_of(order)
    if exchange is None:
        return ""
    return render_to_string(
        "billing/_replacement_panel.html",
        {"exchange": exchange, "order": order, "side": side},
        request=request,
    )
