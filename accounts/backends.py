from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request: every login page
    passes one (Django's AuthenticationForm does), and those are what can be attacked.

    authenticate() without a request (Client.login in tests, a management shell) has no
    client address to count against; instead of refusing it, as django-axes does, it goes
    on to the password check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# A user's permissions, per process, under their permission version: every backoffice
# request checks permissions, and they change seldom. The key also holds what makes the
# row another user (date_joined: SQLite may reuse a deleted user's key).
_PERMISSIONS: dict[tuple, frozenset[str]] = {}
_PERMISSIONS_MAX = 10_000


class EmailBackend(ModelBackend):
    """Django's ModelBackend (e-mail is the username), reading a user's own and group
    permissions in one query instead of two, and only when their permission version
    (User.permissions_version, raised by accounts.signals) is new to this process."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = (
                user_obj.pk,
                user_obj.permissions_version,
                user_obj.is_superuser,
                user_obj.date_joined,
            )
            permissions = _PERMISSIONS.get(key)
            if permissions is None:
                permissions = _PERMISSIONS[key] = self._load(user_obj)
                if len(_PERMISSIONS) > _PERMISSIONS_MAX:
                    _PERMISSIONS.clear()
            user_obj._perm_cache = permissions
        return user_obj._perm_cache

    def _load(self, user_obj) -> frozenset[str]:
        permissions = Permission.objects.all()
        if not user_obj.is_superuser:
            permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
        return frozenset(
            f"{app_label}.{codename}"
            for app_label, codename in permissions.values_list(
                "content_type__app_label", "codename"
            ).distinct()
        )
