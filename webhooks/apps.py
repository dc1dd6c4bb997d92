from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Events out: signed HTTP requests to the endpoints admins set up. Built on top of
    returns, orders and the API's representations; nothing imports it. It learns of
    changes through core.events and sweeps with `outbox_sweep` through core.sweeps."""

    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from accounts.audit import AuditArea, register
        from core.config import watch
        from core.events import subscribe
        from core.metrics import register_scrape_time
        from core.sweeps import register_sweeper

        from . import receivers  # noqa: F401  (the return page's panel)
        from .metrics import webhook_metrics
        from .models import WebhookEndpoint
        from .services import AREA, event_record, webhooks_sweep

        # Which endpoints want an event is cached per process under the configuration
        # version (core.config): a pause, a resume, a new or deleted endpoint or a change of
        # its events raises it; a failed delivery (failing_since) does not.
        watch(WebhookEndpoint, columns=("active", "events"))

        subscribe("webhooks", event_record)
        register_sweeper("Webhooks", webhooks_sweep)
        register_scrape_time("webhooks", webhook_metrics)
        register(AuditArea(AREA, _("Webhooks")))
