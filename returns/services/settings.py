"""Settings > Account & service (admins): whether customers may request returns, and the
return window. Audited."""

from django.db import transaction

from accounts.services import audit_record
from core.services import model_update

from ..exceptions import InvalidSettings
from ..models import ReturnSettings
from ..workflow import MAX_RETURN_WINDOW_DAYS, WINDOW_TOO_LONG


def return_settings_update(
    *, actor, allow_returns: bool | None = None, return_window_days: int | None = None
) -> ReturnSettings:
    """Save the settings under a row lock; audited. The window is 0 (no limit) to
    MAX_RETURN_WINDOW_DAYS days (InvalidSettings otherwise; a database constraint backs
    it). Arguments left at None keep their value."""
    values = {}
    if allow_returns is not None:
        values["allow_returns"] = bool(allow_returns)
    if return_window_days is not None:
        if not 0 <= return_window_days <= MAX_RETURN_WINDOW_DAYS:
            raise InvalidSettings(
                WINDOW_TOO_LONG % {"limit_value": MAX_RETURN_WINDOW_DAYS},
                field="return_window_days",
            )
        values["return_window_days"] = return_window_days
    with transaction.atomic():
        ReturnSettings.objects.get_or_create(pk=1)
        current = ReturnSettings.objects.select_for_update().get(pk=1)
        changes = model_update(current, values)
        audit_record(actor=actor, area="settings.returns", instance=current, changes=changes)
        return current
