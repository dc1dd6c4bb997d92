from contextlib import suppress

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.languages import language_name
from core.models import AppendOnlyModel

from . import audit


class UserManager(BaseUserManager):
    use_in_migrations = True

    def normalize_email(self, email):
        # E-mail addresses are the login name; one spelling per person.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email=self.normalize_email(username))

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A login: customers, staff and admins alike. Roles are groups (see roles.py)."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Django's own admin site only; the backoffice uses the roles in roles.py.
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Raised whenever this user's permissions may have changed (their groups, their own
    # permissions, a group's permissions: accounts.signals). Web processes cache a user's
    # permissions under it, so a change is seen by every process on the next request.
    permissions_version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("access_backoffice", _("Can use the backoffice")),
            ("manage_settings", _("Can change the shop's settings")),
        ]
        indexes = [
            # The few superusers among a shop's many customer logins, without a scan
            # (returns.selectors.assignable_staff).
            models.Index(
                fields=["id"], condition=models.Q(is_superuser=True), name="accounts_superuser_idx"
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_backoffice_user(self):
        return self.is_active and self.has_perm("accounts.access_backoffice")

    @property
    def can_manage_settings(self):
        return self.is_active and self.has_perm("accounts.manage_settings")


class AuditEntry(AppendOnlyModel):
    """Who changed which setting, catalog entry or template, when, from what to what.

    Append-only: rows are written by `accounts.services.audit_record` and never changed.
    They hold codes and values only, never words: the entry is worded when it is read, in
    the reader's language (accounts/audit.py), so an entry written by a Dutch admin reads
    in English for an English one.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        RESET = "reset", _("Reset to the default")
        RESEND = "resend", _("Resent")
        REVOKE = "revoke", _("Revoked")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # A code ("settings.inventory", "catalog"); its words are registered in accounts.audit.
    area = models.CharField(_("area"), max_length=64)
    action = models.CharField(
        _("action"), max_length=16, choices=Action.choices, default=Action.UPDATE
    )
    # The changed object: its model (for field labels), the values that identify it
    # ({"kind": "reason", "name": "Too small"}) and, for entries written before those
    # values were kept, how it read at the time.
    model = models.CharField(_("model"), max_length=100, blank=True)
    target = models.CharField(_("what"), max_length=200, blank=True)
    target_data = models.JSONField(_("what"), default=dict, blank=True)
    # {field: [old, new]} with the raw values; a per-language value as "field:language".
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.area}: {self.target}"

    @property
    def area_label(self) -> str:
        area = audit.get(self.area)
        return str(area.label) if area is not None else self.area

    @property
    def what(self) -> str:
        """The changed object, in the reader's language."""
        area = audit.get(self.area)
        if area is not None and area.describe is not None and self.target_data:
            return area.describe(self.target_data)
        return self.target or self.area_label

    @property
    def action_label(self) -> str:
        return str(self.Action(self.action).label) if self.action in self.Action.values else ""

    @property
    def change_rows(self):
        """(field label, old, new) for display, with the model's own translated labels."""
        try:
            model = apps.get_model(self.model) if self.model else None
        except (LookupError, ValueError):
            model = None
        for key, (old, new) in self.changes.items():
            field, _sep, language = key.partition(":")
            label, choices = field, {}
            if model is not None:
                with suppress(FieldDoesNotExist):
                    model_field = model._meta.get_field(field)
                    label = model_field.verbose_name
                    # Stored as the code ("failed"), shown as the reader's word ("Mislukt").
                    choices = dict(model_field.flatchoices)
            if language:
                label = f"{label} ({language_name(language)})"
            yield (
                label,
                _display_value(choices.get(old, old)),
                _display_value(choices.get(new, new)),
            )


def _display_value(value):
    if value is True:
        return _("on")
    if value is False:
        return _("off")
    if value is None or value == "":
        return "—"
    return value


class ApiKey(models.Model):
    """A key a shop's tools call the API with (SPEC §11). The secret is shown once, when
    the key is made, and only its SHA-256 is kept: it is 32 random bytes, so a slow hash
    would add nothing but time to every request. `prefix` is the public part of the key,
    to find the row without comparing hashes; the comparison itself is constant-time.

    Each key acts through its own login (`user`, no password, no permission, no group): the
    returns' history and the audit log name the key wherever they name who did something,
    and the services need no second kind of actor. Revoking deactivates that login too.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.PROTECT,
        related_name="api_key",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # The rate limit's fixed window, kept on the row so that every web process counts
    # against the same number (one atomic UPDATE per request: api.throttling).
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "write"]), name="accounts_apikey_scope"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class Session(AbstractBaseSession):
    """Django's database session, with the logged-in user as a column: the session and its
    user are read in one query per request (accounts.sessions, accounts.middleware), and a
    deleted user's sessions go with them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=True,
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
