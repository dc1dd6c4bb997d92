from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from accounts.models import ApiKey


class ApiAccess(permissions.BasePermission):
    """A read key reads, a write key also writes; staff logged in to the backoffice read
    (their browser, with the session and CSRF); nobody else (customers, anonymous) gets
    anything. Anonymous callers get 401 (rest_framework asks for credentials), others 403."""

    message = _("This key may only read.")

    def has_permission(self, request, view):
        key = request.auth
        if isinstance(key, ApiKey):
            return request.method in permissions.SAFE_METHODS or key.can_write
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.is_backoffice_user:
            self.message = _("Only the shop's staff may use the API.")
            return False
        if request.method not in permissions.SAFE_METHODS:
            self.message = _("A browser session may only read; use an API key with write scope.")
            return False
        return True
