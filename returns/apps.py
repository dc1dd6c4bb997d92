from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns")

    def ready(self):
        # The e-mails returns sends (registered with notifications), and its receivers of
        # the order pages' and the outbox's signals.
        from . import emails, receivers  # noqa: F401
