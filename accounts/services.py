from django.db import transaction

from .models import AuditEntry


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _flatten(changes: dict) -> dict[str, list]:
    """{field: [old, new]} of what differs; a dict value ({language: text}) becomes one
    change per key, "field:key", so the log says which language changed."""
    flat = {}
    for field, (old, new) in changes.items():
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old or {}, new or {}
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    flat[f"{field}:{key}"] = [_plain(old.get(key)), _plain(new.get(key))]
        elif old != new:
            flat[field] = [_plain(old), _plain(new)]
    return flat


def audit_record(
    *,
    actor,
    area: str,
    instance,
    changes: dict,
    action: str = AuditEntry.Action.UPDATE,
    target: dict | None = None,
) -> AuditEntry | None:
    """Append one audit entry for `changes` ({field: (old, new)}, raw values) to
    `instance`; nothing when nothing changed.

    Only codes and values are stored, never words in the writer's language: `area` is a
    code registered in accounts.audit, `action` one of AuditEntry.Action, `target` the
    values (JSON) that identify the object for the area's description (its "name", if
    any, also kept as plain text). Runs in the caller's transaction, so the entry exists
    exactly when the change does.
    """
    changes = _flatten(changes)
    if not changes:
        return None
    target = dict(target or {})
    with transaction.atomic():
        return AuditEntry.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            area=area,
            action=action,
            model=instance._meta.label_lower,
            target=str(target.get("name") or "")[:200],
            target_data=target,
            changes=changes,
        )
