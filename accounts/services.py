import hashlib
import re
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import ApiKey, AuditEntry, User

# The audit log's area of API keys (its words: accounts.apps).
API_KEYS_AREA = "settings.api_keys"


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


# --- API keys -------------------------------------------------------------------------

API_KEY_PREFIX = "rbk"
# rbk_<8 hex digits>_<43 URL-safe base64 characters> (secrets.token_urlsafe(32)).
_KEY_FORMAT = re.compile(r"^rbk_[0-9a-f]{8}_[A-Za-z0-9_-]{20,64}$")


def api_key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_parse(text: str) -> tuple[str, str] | None:
    """(prefix, the whole key) of a key as given to a client, or None for anything else
    (checked before the prefix reaches a query: a header may hold any byte)."""
    if not _KEY_FORMAT.match(text):
        return None
    return text.split("_", 2)[1], text


def api_key_create(
    *, actor, name: str, scope: str, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Make an API key: (the key, its secret). The secret exists only in this return value
    (the caller shows it once); the database keeps its hash. The key gets its own login
    (no password, no permission), which the returns' history and the audit log name as
    whoever acted through the key. Audited in the same transaction."""
    name = name.strip()
    if scope not in ApiKey.Scope.values:
        raise ValueError(f"unknown scope {scope!r}")
    with transaction.atomic():
        prefix = secrets.token_hex(4)
        while ApiKey.objects.filter(prefix=prefix).exists():
            prefix = secrets.token_hex(4)
        secret = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        user = User.objects.create_user(
            email=f"api-key-{prefix}@api-keys.invalid", password=None, full_name=f"API · {name}"
        )
        key = ApiKey.objects.create(
            name=name,
            scope=scope,
            prefix=prefix,
            secret_hash=api_key_hash(secret),
            user=user,
            created_by=actor if getattr(actor, "pk", None) else None,
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            area=API_KEYS_AREA,
            instance=key,
            action=AuditEntry.Action.CREATE,
            changes={
                "name": (None, key.name),
                "scope": (None, key.scope),
                "expires_at": (None, expires_at.isoformat() if expires_at else None),
            },
            target={"name": key.name, "prefix": key.prefix},
        )
    return key, secret


def api_key_revoke(*, actor, key: ApiKey) -> ApiKey:
    """Revoke a key: from the next request on it is refused (401), and its login is
    deactivated. Revoking a revoked key changes nothing. Audited in the same transaction."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            return key
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        User.objects.filter(pk=key.user_id).update(is_active=False)
        audit_record(
            actor=actor,
            area=API_KEYS_AREA,
            instance=key,
            action=AuditEntry.Action.REVOKE,
            changes={"revoked_at": (None, key.revoked_at.isoformat())},
            target={"name": key.name, "prefix": key.prefix},
        )
    return key
