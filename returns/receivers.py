"""How returns adds itself to the order pages (orders knows nothing about returns)."""

from django.dispatch import receiver
from django.template.loader import render_to_string

from orders.signals import order_page_panels

from . import selectors


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
