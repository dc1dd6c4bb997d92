from django.apps import AppConfig
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _catalog_entry(target) -> str:
    """Return reason “Too small” / Retourreden “Te klein”: the entry's kind and its name in
    the reader's language."""
    from .models import CatalogEntry

    kind = target.get("kind", "")
    label = CatalogEntry.Kind(kind).label if kind in CatalogEntry.Kind.values else kind
    name = (target.get("names") or {}).get(translation.get_language()) or target.get("name", "")
    return gettext("%(kind)s “%(name)s”") % {"kind": label, "name": name}


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns")

    def ready(self):
        from accounts.audit import AuditArea, register
        from core.config import watch

        from .models import CatalogEntry, ReturnSettings

        # Cached per process under the configuration version (core.config).
        watch(CatalogEntry)
        watch(ReturnSettings)
        watch(ReturnSettings.photo_required_reasons.through)

        # The e-mails returns sends (registered with notifications), and its receivers of
        # the order pages' and the outbox's signals.
        from . import emails, receivers  # noqa: F401

        # How the audit log names what the catalog and settings services change.
        register(AuditArea("catalog", _("Return reasons and actions"), _catalog_entry))
        register(AuditArea("settings.returns", _("Account & service")))
