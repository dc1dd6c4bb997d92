"""Acting on many returns at once (the returns list's bulk actions): each return goes
through the same service as a single save, in a transaction of its own, so one refusal
never undoes the others and no transaction holds more than one return's lock."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..exceptions import ReturnChangedMeanwhile, ReturnError
from ..models import Return, format_number
from ..workflow import Status
from .assignment import return_assign
from .lifecycle import return_change

# The most returns one bulk action may touch (the list's "all matching" included).
BULK_LIMIT = 500


@dataclass
class BulkResult:
    """What a bulk action did: the returns it changed, and the ones it refused with why
    ([(return number, reason)])."""

    changed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def returns_bulk_change_status(
    *, ids, user, status: str, notify_customer: bool = False
) -> BulkResult:
    """Bring each of the returns `ids` to `status`, one after the other in key order, each
    through returns.services.return_change (the transition table, who may reopen, the
    quantity and stock rules, the history and, with `notify_customer`, the customer's
    e-mail, exactly as a single save) in its own transaction.

    A return already in `status` is refused (so two people who send the same action for
    overlapping returns change each return once, not twice), as is one that changed
    between being read and being locked (its version moved on), one that no longer
    exists, and one the rules refuse, each with its reason."""
    result = BulkResult()
    label = Status(status).label
    returns = _read(ids, result)
    for rma in returns:
        if rma.status == status:
            result.refused.append(
                (rma.number, _("It is already “%(status)s”.") % {"status": label})
            )
            continue
        try:
            return_change(
                rma=rma,
                user=user,
                version=rma.version,
                status=status,
                notify_customer=notify_customer,
            )
        except ReturnChangedMeanwhile:
            result.refused.append(
                (rma.number, _("Someone else changed it meanwhile; nothing was changed."))
            )
        except ReturnError as error:
            result.refused.append((rma.number, error.message))
        else:
            result.changed.append(rma.number)
    return result


def returns_bulk_assign(*, ids, user, assignee) -> BulkResult:
    """Assign each of the returns `ids` to `assignee` (None: nobody) through
    returns.services.return_assign, each in its own transaction; one already assigned so
    is refused with that reason."""
    result = BulkResult()
    for rma in _read(ids, result):
        try:
            changed = return_assign(rma=rma, user=user, assignee=assignee)
        except ReturnError as error:
            result.refused.append((rma.number, error.message))
            continue
        if changed:
            result.changed.append(rma.number)
        elif assignee is None:
            result.refused.append((rma.number, _("It is assigned to nobody already.")))
        else:
            result.refused.append(
                (
                    rma.number,
                    _("It is assigned to %(name)s already.") % {"name": assignee.get_full_name()},
                )
            )
    return result


def _read(ids, result: BulkResult) -> list[Return]:
    """The returns as they are now, in key order (the order every bulk action locks them
    in), at most BULK_LIMIT; a key that names no return is refused in `result`."""
    ids = sorted({int(pk) for pk in ids})[:BULK_LIMIT]
    returns = list(Return.objects.filter(pk__in=ids).only("pk", "status", "version").order_by("pk"))
    found = {rma.pk for rma in returns}
    for pk in ids:
        if pk not in found:
            result.refused.append((format_number(pk), _("There is no such return.")))
    return returns
