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

        from .audit import AuditArea, register

        register(AuditArea("settings.api_keys", _("API keys"), _api_key))


def _api_key(target) -> str:
    return _("API key “%(name)s” (%(prefix)s)") % {
        "name": target.get("name", ""),
        "prefix": target.get("prefix", ""),
    }
