from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from accounts.audit import AuditArea, register
        from core.config import watch

        from .models import InventorySettings

        # The stock rule, cached per process under the configuration version (core.config).
        watch(InventorySettings)

        # How the audit log names what inventory_settings_update changes.
        register(AuditArea("settings.inventory", _("Settings > Inventory")))
