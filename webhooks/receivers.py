"""How webhooks shows on the pages of the apps it builds on: the return page lists the
webhook deliveries about the return (for admins, who manage the endpoints)."""

from django.dispatch import receiver
from django.template.loader import render_to_string

from returns.signals import return_page_panels

from . import selectors


@receiver(return_page_panels, dispatch_uid="webhooks.return_panel")
def return_webhooks_panel(sender, request, rma, **kwargs):
    if not request.user.has_perm("accounts.manage_settings"):
        return ""
    deliveries = selectors.return_deliveries(rma.pk)
    if not deliveries:
        return ""
    return render_to_string(
        "webhooks/_return_panel.html", {"deliveries": deliveries}, request=request
    )
