"""How django-axes identifies a login attempt and answers a locked-out one.

Failures are counted per (e-mail address, client IP) pair, so a guesser is stopped while
the real owner, from their own address, is not. Settings: AXES_* in settings.py.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_OUT_STATUS = 429


def login_username(request, credentials=None) -> str:
    """The e-mail address a login attempt is for, spelled the way accounts store it, so
    "Ann@Example.org " and "ann@example.org" count as the same address on every login page
    (ours lower-case it already; Django admin's does not)."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return (value or "").strip().lower()


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    X-Forwarded-For entry the outermost trusted proxy added.

    Entries further left are whatever the client sent and could be forged to dodge the
    lock or to lock someone else out, so they are never used.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # The same words whether or not the address belongs to an account: attempts are
    # counted for any address typed, so the lock itself reveals nothing either.
    return _("Too many failed attempts to log in. Wait %(minutes)s minutes and try again.") % {
        "minutes": minutes
    }


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE. Our login pages already show the lockout on their own form
    (accounts.forms, status 429); any other login (Django admin) gets a plain page."""
    if original_response is not None and original_response.status_code == LOCKED_OUT_STATUS:
        return original_response
    return render(
        request,
        "accounts/locked_out.html",
        {"message": lockout_message()},
        status=LOCKED_OUT_STATUS,
    )
