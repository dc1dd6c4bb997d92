from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _template(target) -> str:
    from core.languages import language_name

    from . import registry

    event, language = target.get("event", ""), target.get("language", "")
    return f"{registry.label(event)} · {language_name(language)}"


def _email(target) -> str:
    return gettext("E-mail “%(subject)s” to %(to)s") % {
        "subject": target.get("name", ""),
        "to": target.get("to", ""),
    }


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from accounts.audit import AuditArea, register
        from core.config import watch

        from .models import EmailTemplate

        # The admins' texts, cached per process under the configuration version (core.config).
        watch(EmailTemplate)
        from core.metrics import register_scrape_time

        from . import checks  # noqa: F401 (registers the system checks)
        from .metrics import outbox_metrics

        register_scrape_time("outbox", outbox_metrics)

        # How the audit log names the templates admins edit and the e-mails they resend.
        register(AuditArea("settings.notification_emails", _("Notification e-mails"), _template))
        register(AuditArea("notifications.outbox", _("Outbox"), _email))
