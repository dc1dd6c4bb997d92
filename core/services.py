"""Small helpers every app's services share."""

from django.db import models


def model_update(
    instance: models.Model, values: dict, *, always: dict | None = None
) -> dict[str, tuple]:
    """Change these fields, say what changed, save: {field: (old, new)} for the fields of
    `values` whose value differs, set on `instance` and saved with `update_fields` (only
    those columns are written). `always` (bookkeeping such as a version or a timestamp)
    is set and saved too, but is not reported as a change. Nothing is written when there
    is nothing to write. The caller records the changes (history, audit log) and holds
    the row lock."""
    changes = {
        name: (getattr(instance, name), value)
        for name, value in values.items()
        if getattr(instance, name) != value
    }
    written = {name: new for name, (_old, new) in changes.items()} | (always or {})
    for name, value in written.items():
        setattr(instance, name, value)
    if written:
        instance.save(update_fields=list(written))
    return changes
