"""Django's AuthenticationMiddleware, taking the user row from the session's own query
(accounts.sessions) instead of a second one.

`get_user` is django.contrib.auth.get_user (Django 5.2) line for line, except where the
user comes from: the row read with the session when the backend reads users as Django's
ModelBackend does (same row, by primary key), else the backend's own get_user. Every check
is kept: the backend must be in AUTHENTICATION_BACKENDS, the user must be allowed to
authenticate (is_active), and the session's hash must match the password's, also through
SECRET_KEY_FALLBACKS (then the session moves to the current key); a mismatch flushes it."""

from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend, middleware
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject


def _read_user(request, backend, user_id):
    """backend.get_user(user_id), from the session's row when that is the same thing."""
    preloaded = getattr(request.session, "preloaded", None)
    user = preloaded(user_id) if preloaded else None
    if user is None or getattr(type(backend), "get_user", None) is not ModelBackend.get_user:
        return backend.get_user(user_id)
    return user if backend.user_can_authenticate(user) else None


def get_user(request):
    """django.contrib.auth.get_user, reading the user through `_read_user`."""
    from django.contrib.auth.models import AnonymousUser

    user = None
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = load_backend(backend_path)
            user = _read_user(request, backend, user_id)
            # Verify the session
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    # If the current secret does not verify the session, try with the
                    # fallback secrets and stop when a matching one is found.
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback_auth_hash)
                        for fallback_auth_hash in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None

    return user or AnonymousUser()


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    """django.contrib.auth.middleware.AuthenticationMiddleware with `get_user` above:
    `request.user` stays lazy, `request.auser` is Django's own."""

    def process_request(self, request):
        if not hasattr(request, "session"):
            raise ImproperlyConfigured(
                "The authentication middleware requires the session middleware before it."
            )
        request.user = SimpleLazyObject(lambda: _cached_user(request))
        request.auser = partial(middleware.auser, request)
