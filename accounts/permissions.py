"""Who may open which backoffice page. Views declare it; nothing is checked in templates."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def backoffice_required(view=None, *, perm: str | None = None):
    """Anonymous visitors go to the backoffice login; customers and staff without `perm` get 403."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(
                    request.get_full_path(), reverse("accounts:backoffice-login")
                )
            if not user.is_backoffice_user or (perm and not user.has_perm(perm)):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


def settings_required(view):
    """Admins only (SPEC §1: staff never see Settings)."""
    return backoffice_required(view, perm="accounts.manage_settings")
