from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from accounts.audit import AuditArea, register

        from . import emails, receivers  # noqa: F401  (its e-mail; the page panels)

        register(AuditArea("settings.billing", _("Returns & refunds")))
