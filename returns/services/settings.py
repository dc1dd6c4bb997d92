"""Settings > Account & service (admins): whether customers may request returns, and the
return window. Audited."""

from collections.abc import Iterable

from django.conf import settings as django_settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import audit_record
from core.services import model_update

from ..exceptions import InvalidSettings
from ..models import CatalogEntry, ReturnSettings
from ..workflow import LATE_FIELDS, MAX_LATE_DAYS, MAX_RETURN_WINDOW_DAYS, WINDOW_TOO_LONG


def return_settings_update(
    *,
    actor,
    allow_returns: bool | None = None,
    return_window_days: int | None = None,
    return_address: str | None = None,
    return_instructions: dict[str, str] | None = None,
    late_days: dict[str, int] | None = None,
    photo_required_reasons: Iterable[CatalogEntry] | None = None,
) -> ReturnSettings:
    """Save the settings under a row lock; audited. The window is 0 (no limit) to
    MAX_RETURN_WINDOW_DAYS days (InvalidSettings otherwise; a database constraint backs
    it). `return_instructions` maps a language to its text (languages the site does not
    speak are refused). `late_days` ({"new", "in_progress", "approved": days}) are the
    dashboard's ageing thresholds, 0 to 365 days. `photo_required_reasons`: the catalog
    reasons for which a customer's request needs a photo (entries of another kind are
    refused). Arguments left at None keep their value."""
    values = {}
    for status, days in (late_days or {}).items():
        if status not in LATE_FIELDS or not 0 <= int(days) <= MAX_LATE_DAYS:
            raise InvalidSettings(
                _("Choose a number of days from 0 to %(limit)s.") % {"limit": MAX_LATE_DAYS},
                field=LATE_FIELDS.get(status),
            )
        values[LATE_FIELDS[status]] = int(days)
    if return_address is not None:
        values["return_address"] = return_address.strip().replace("\r\n", "\n")
    if return_instructions is not None:
        unknown = set(return_instructions) - {code for code, _name in django_settings.LANGUAGES}
        if unknown:
            raise InvalidSettings(
                _("The shop does not offer that language."), field="return_instructions"
            )
        values["return_instructions"] = {
            language: text.strip().replace("\r\n", "\n")
            for language, text in sorted(return_instructions.items())
            if text.strip()
        }
    if allow_returns is not None:
        values["allow_returns"] = bool(allow_returns)
    if return_window_days is not None:
        if not 0 <= return_window_days <= MAX_RETURN_WINDOW_DAYS:
            raise InvalidSettings(
                WINDOW_TOO_LONG % {"limit_value": MAX_RETURN_WINDOW_DAYS},
                field="return_window_days",
            )
        values["return_window_days"] = return_window_days
    reasons = None
    if photo_required_reasons is not None:
        reasons = {entry.pk: entry for entry in photo_required_reasons}
        if any(entry.kind != CatalogEntry.Kind.REASON for entry in reasons.values()):
            raise InvalidSettings(_("Choose return reasons only."), field="photo_required_reasons")
    with transaction.atomic():
        ReturnSettings.objects.get_or_create(pk=1)
        current = ReturnSettings.objects.select_for_update().get(pk=1)
        changes = model_update(current, values)
        if reasons is not None:
            before = sorted(current.photo_required_reasons.values_list("pk", flat=True))
            if before != sorted(reasons):
                current.photo_required_reasons.set(list(reasons.values()))
                changes["photo_required_reasons"] = (before, sorted(reasons))
        audit_record(actor=actor, area="settings.returns", instance=current, changes=changes)
        return current
