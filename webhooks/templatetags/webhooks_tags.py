from django import template
from django.template.loader import render_to_string

from webhooks import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def paused_webhooks_banner(context):
    """Tells admins that endpoints are paused (by an admin, or after failing too long)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("accounts.manage_settings"):
        return ""
    paused = selectors.paused_endpoints()
    if not paused:
        return ""
    return render_to_string("webhooks/_paused_banner.html", {"paused": paused}, request=request)
