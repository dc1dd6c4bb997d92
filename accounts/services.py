from django.db import transaction

from .models import AuditEntry


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def audit_record(*, actor, area: str, instance, changes: dict) -> AuditEntry | None:
    """Append one audit entry for `changes` ({field: (old, new)}) to `instance`; nothing
    when nothing changed.

    Runs in the caller's transaction, so the entry exists exactly when the change does.
    """
    changes = {
        field: [_plain(old), _plain(new)] for field, (old, new) in changes.items() if old != new
    }
    if not changes:
        return None
    with transaction.atomic():
        return AuditEntry.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            area=area,
            model=instance._meta.label_lower,
            target=str(instance)[:200],
            changes=changes,
        )
