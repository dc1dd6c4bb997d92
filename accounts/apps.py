from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import signals  # noqa: F401  (connects the permission version's receivers)
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")

        # Who can be assigned a return (returns.selectors.assignable_staff) is cached per
        # process under the configuration version (core.config): active users in a role,
        # and superusers. A login (last_login) does not change it.
        from django.contrib.auth.models import Group

        from core.config import watch

        from .audit import AuditArea, register
        from .models import User

        watch(
            User,
            columns=("is_active", "is_staff", "is_superuser", "full_name", "email"),
            insert_when="NEW.is_superuser",
        )
        watch(User.groups.through)
        watch(Group, columns=("name",))

        register(AuditArea("settings.api_keys", _("API keys"), _api_key))


def _api_key(target) -> str:
    return _("API key “%(name)s” (%(prefix)s)") % {
        "name": target.get("name", ""),
        "prefix": target.get("prefix", ""),
    }
