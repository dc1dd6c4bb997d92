"""Who handles a return: assigning it to a member of the staff, or to nobody."""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import selectors
from ..exceptions import InvalidReturnInput
from ..models import HistoryEntry, Return
from .history import history_record


def return_assign(*, rma: Return, user, assignee) -> bool:
    """Assign `rma` to `assignee` (a backoffice user who may change returns; None: nobody).
    True when the assignment changed, False when it already was so (nothing written).

    Under the return's row lock, with the change in its history (from whom to whom, by
    whom). The return's version stays as it is: assigning is no edit of the return's
    fields, so a colleague's open form stays valid. Anybody else as the assignee is
    refused (InvalidReturnInput)."""
    if assignee is not None and not selectors.can_be_assigned(assignee):
        raise InvalidReturnInput(
            _("%(name)s cannot handle returns.") % {"name": assignee}, field="assignee"
        )
    with transaction.atomic():
        locked = (
            Return.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=rma.pk)
        )
        before = locked.assigned_to
        if (before and before.pk) == (assignee and assignee.pk):
            return False
        Return.objects.filter(pk=locked.pk).update(assigned_to=assignee)
        history_record(
            locked,
            HistoryEntry.Kind.ASSIGNED,
            user,
            data={"from": _person(before), "to": _person(assignee)},
        )
        rma.assigned_to = assignee
        return True


def _person(user) -> dict | None:
    # The name at the time, so the history reads the same after a rename or a removal.
    return {"id": user.pk, "name": user.get_full_name()} if user is not None else None
