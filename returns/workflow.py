"""Every rule of a return (SPEC §2–§5), in one place and by name.

Pure: plain values in, decisions out; no queries, no writes. The services enforce these
rules under their row locks; the forms, pages and the API read the same functions to
offer only what the services will accept. A rule that changes changes here.

- the statuses and the transition table (SPEC §2.3), with the admin's reopen: `allowed_next`,
  `check_transition`;
- what can be returned at all (§11, only what shipped): `order_refusal`, `returnable`;
- the quantity rule (§2.2): `holds_quantity`, `check_quantity`;
- the stock rule (§3): `update_stock_applies`, `restock_target`;
- the catalog rule (a reason or action from the list, or typed): `check_choice`;
- eligibility of a customer's request (§5): `decide_eligibility`;
- when the customer gets an e-mail about a save: `status_email_due`;
- what a customer may see of a return (§5, §11): `customer_choice`, `CUSTOMER_HISTORY_KINDS`;
- the bounds of the settings: `MAX_RETURN_WINDOW_DAYS`;
- a photo for the reasons that require one: `check_photo_required`.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import Order

from .exceptions import (
    InvalidReturnInput,
    InvalidTransition,
    PhotoRequired,
    QuantityNotReturnable,
)

# --- Statuses and the transition table (SPEC §2.3) ------------------------------------


class Status(models.TextChoices):
    """The seed's seven statuses (English / Dutch labels as in the original article)."""

    NEW = "new", gettext_lazy("New")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    APPROVED = "approved", gettext_lazy("Return approved")
    REPAIRED = "repaired", gettext_lazy("Item(s) repaired")
    CREDITED = "credited", gettext_lazy("Item(s) credited")
    REJECTED = "rejected", gettext_lazy("Request rejected")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.APPROVED, Status.REJECTED, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.APPROVED, Status.REJECTED, Status.CANCELLED}),
    Status.APPROVED: frozenset(
        {Status.REPAIRED, Status.CREDITED, Status.REJECTED, Status.CANCELLED}
    ),
    Status.REPAIRED: frozenset({Status.CREDITED}),
    Status.CREDITED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.CANCELLED: frozenset(),
}
FINAL_STATUSES = frozenset(status for status, following in TRANSITIONS.items() if not following)
# An admin may reopen a final return; it goes back to this status.
REOPEN_STATUS = Status.IN_PROGRESS
# While in these, the items are back in the shop (the stock rule, SPEC §3).
RESTOCK_STATUSES = frozenset({Status.APPROVED, Status.REPAIRED, Status.CREDITED})
# A return in these no longer holds its quantities: they may be returned again.
RELEASED_STATUSES = frozenset({Status.REJECTED, Status.CANCELLED})


def allowed_next(status: str, *, can_reopen: bool = False) -> list[str]:
    """The statuses a return in `status` may move to, in the seed's order. A final return
    has none, except back to In progress for someone who may reopen (admins)."""
    allowed = TRANSITIONS[status]
    if status in FINAL_STATUSES and can_reopen:
        allowed = frozenset({REOPEN_STATUS})
    return [code for code in Status.values if code in allowed]


def check_transition(old: str, new: str, *, can_reopen: bool) -> bool:
    """Refuse a move the table does not allow (InvalidTransition, on the status field).
    True when the move is an admin's reopen (recorded as such)."""
    if new == old:
        return False
    if new not in Status.values:
        raise InvalidTransition(_("Unknown status."), field="status")
    if new in allowed_next(old, can_reopen=can_reopen):
        return old in FINAL_STATUSES
    if old in FINAL_STATUSES and new == REOPEN_STATUS:
        raise InvalidTransition(
            _("Only an admin can reopen a return that is %(status)s.")
            % {"status": Status(old).label},
            field="status",
        )
    raise InvalidTransition(
        _("A return that is %(old)s cannot become %(new)s.")
        % {"old": Status(old).label, "new": Status(new).label},
        field="status",
    )


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


def quantities_editable(status: str, *, reopening: bool = False) -> bool:
    """A finished return's quantities are history; reopening it makes them editable."""
    return not is_final(status) or reopening


# --- What can be returned at all (SPEC §11) -------------------------------------------

# Only goods that left the warehouse can come back: an order awaiting payment, paid but not
# shipped, or cancelled has nothing to return, for staff as for customers.
RETURNABLE_ORDER_STATUSES = frozenset({Order.Status.SHIPPED, Order.Status.DELIVERED})


def order_refusal(
    *, order_status: str, has_shipped: bool, returnable: dict[int, int] | None = None
) -> str:
    """Why staff cannot create a return for an order, or "" when they can: a cancelled
    order, one awaiting payment, one not shipped, or (given `returnable`, {line id: how many
    can still be returned}) one whose shipped items live returns already hold. Staff are
    bound by neither Allow returns nor the return window."""
    if order_status == Order.Status.CANCELLED:
        return _("This order was cancelled: nothing of it can be returned.")
    if order_status == Order.Status.PENDING:
        return _("This order awaits payment and has not shipped: nothing of it can be returned.")
    if not has_shipped or order_status not in RETURNABLE_ORDER_STATUSES:
        return _("This order has not shipped yet: nothing of it can be returned.")
    if returnable is not None and not returnable:
        return _("Everything shipped on this order is already held by returns.")
    return ""


def returnable(*, shipped: int, held: int) -> int:
    """How many of a line can still be returned: shipped minus what live returns hold."""
    return max(shipped - held, 0)


# --- The quantity rule (SPEC §2.2) ----------------------------------------------------


def holds_quantity(status: str) -> bool:
    """Whether a return in `status` holds its items against the order line (live returns
    do; rejected and cancelled ones give them back)."""
    return status not in RELEASED_STATUSES


def check_quantity(quantity: int, *, shipped: int, held: int, held_before: int, title: str):
    """Live returns never hold more of an order line than was shipped. `held` is what all
    live returns hold now, `held_before` what this return held of it before the change."""
    if quantity < 1:
        raise InvalidReturnInput(_("A quantity must be at least 1."))
    available = returnable(shipped=shipped, held=held) + held_before
    if quantity > available:
        raise QuantityNotReturnable(
            _("Only %(available)s of “%(title)s” can be returned.")
            % {"available": available, "title": title}
        )


# --- The stock rule (SPEC §3) -----------------------------------------------------------


def update_stock_applies(*, pos_linked: bool) -> bool:
    """Update stock is offered, and obeyed, only when stock is not linked to a physical
    point of sale (then the point of sale manages stock and returns never move it)."""
    return not pos_linked


def restock_target(
    *,
    status: str,
    update_stock: bool,
    pos_linked: bool,
    quantity: int,
    skipped: bool = False,
    received: int | None = None,
    disposition: str = "",
) -> int:
    """How many items of a return line the stock ledger must hold as restocked, while the
    return is approved, repaired or credited with Update stock on and stock not linked to
    a point of sale (else none): for a line that was received and inspected (`received` is
    not None), the received items whose disposition is restock (repaired or written off
    items never restock); for a line nobody inspected, its quantity, as before receiving
    existed. A return approved while stock was linked to a point of sale (`skipped`) holds
    none: the point of sale took that stock in. A save that moves stock posts the
    difference (see stock_save_relevant)."""
    if skipped:
        return 0
    if status in RESTOCK_STATUSES and update_stock and update_stock_applies(pos_linked=pos_linked):
        if received is None:
            return quantity
        return received if disposition == Disposition.RESTOCK else 0
    return 0


# --- Receiving and inspection ---------------------------------------------------------------


class Condition(models.TextChoices):
    """What a received item looks like (Magento's item condition; Loop's grading)."""

    AS_NEW = "as_new", gettext_lazy("As new")
    OPENED = "opened", gettext_lazy("Opened")
    DAMAGED = "damaged", gettext_lazy("Damaged")
    MISSING = "missing", gettext_lazy("Missing")


class Disposition(models.TextChoices):
    """What happens to received items (Shopify's dispositions, per line)."""

    RESTOCK = "restock", gettext_lazy("Restock")
    REPAIR = "repair", gettext_lazy("Repair")
    WRITE_OFF = "write_off", gettext_lazy("Write off")


@dataclass(frozen=True)
class Receipt:
    """What staff found of one return line: `received` items in `condition`, to go to
    `disposition` ("" when none arrived)."""

    received: int
    condition: str
    disposition: str = ""


def check_receipt(*, received: int, quantity: int, condition: str, disposition: str) -> None:
    """A line's receipt: between 0 and the line's quantity; "missing" exactly when none
    arrived, and then nothing to do with them (no disposition); else a condition and a
    disposition. InvalidReturnInput on the field at fault."""
    if condition not in Condition.values:
        raise InvalidReturnInput(_("Choose the condition of the items."), field="condition")
    if disposition and disposition not in Disposition.values:
        raise InvalidReturnInput(_("Choose what happens to the items."), field="disposition")
    if not 0 <= received <= quantity:
        raise InvalidReturnInput(
            _("Between 0 and %(quantity)s of this line can be received.") % {"quantity": quantity},
            field="received",
        )
    if (received == 0) != (condition == Condition.MISSING):
        raise InvalidReturnInput(
            _("Choose Missing when nothing of a line arrived, and only then."),
            field="condition",
        )
    if received and not disposition:
        raise InvalidReturnInput(_("Choose what happens to the items."), field="disposition")
    if not received and disposition:
        raise InvalidReturnInput(
            _("Nothing arrived, so nothing can be restocked, repaired or written off."),
            field="disposition",
        )


def stock_save_relevant(
    *, status_changed: bool, quantities_changed: bool, update_stock_changed: bool
) -> bool:
    """Only a save that changes the status, a quantity or Update stock may move stock; a
    note, a reason or a message never does, whatever happened to the settings meanwhile."""
    return status_changed or quantities_changed or update_stock_changed


def restock_skipped(
    *, status: str, update_stock: bool, pos_linked: bool, skipped: bool, update_stock_changed: bool
) -> bool:
    """Whether a return is (still) one approved without restock because stock was linked
    to a point of sale. It becomes one when it is in an approved-type status with Update
    stock on while the link is on; it stops being one when it leaves those statuses, or
    when staff set Update stock again once the link is off (a deliberate restock)."""
    if status not in RESTOCK_STATUSES:
        return False
    if pos_linked:
        return skipped or update_stock
    return skipped and not update_stock_changed


# --- Reasons and actions ------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A return reason or action: a catalog entry, or text someone typed."""

    entry: object | None = None  # a returns.models.CatalogEntry
    text: str = ""


def check_choice(choice: Choice, *, kind: str, field: str, required=False, current=None) -> None:
    """A catalog entry must be of the right kind and active (a deactivated entry stays
    acceptable on a return that already uses it, `current`); a required one (the reason)
    must be chosen or typed."""
    entry = choice.entry
    if entry is not None:
        usable = entry.active or entry.pk == current
        if entry.kind != kind or not usable:
            raise InvalidReturnInput(_("Choose an entry from the list."), field=field)
    elif required and not choice.text.strip():
        raise InvalidReturnInput(_("Choose a return reason or type one."), field=field)


def check_customer_choice(choice: Choice, *, field: str) -> None:
    """Customers choose only among entries the shop shows them (or type their own)."""
    if choice.entry is not None and not choice.entry.visible_to_customers:
        raise InvalidReturnInput(_("Choose an entry from the list."), field=field)


# --- Photos --------------------------------------------------------------------------------

PHOTO_REQUIRED = gettext_lazy(
    "For this reason we need a photo: add at least one photo of the item to your request."
)


def check_photo_required(choice: Choice, *, photos: int, required: set[int]) -> None:
    """Settings > Account & service may require a photo for some reasons: a customer's
    request giving one of them (`required`, catalog entry ids) needs at least one photo.
    A typed reason is not in the catalog and needs none."""
    if choice.entry is not None and choice.entry.pk in required and photos < 1:
        raise PhotoRequired(PHOTO_REQUIRED, field="photos")


# --- May a customer request a return? (SPEC §5) -----------------------------------------

# Settings > Account & service: the return window is at most ten years (0 = no limit).
MAX_RETURN_WINDOW_DAYS = 3650
WINDOW_TOO_LONG = gettext_lazy("Enter at most %(limit_value)s days (ten years), or 0 for no limit.")


@dataclass(frozen=True)
class Eligibility:
    """Whether a customer may request a return for an order now; when not, `reason` says
    why in plain words. `returnable` maps the order's line ids to how many items of each
    can still be returned (lines with nothing left are absent)."""

    eligible: bool
    reason: str = ""
    returnable: dict[int, int] = field(default_factory=dict)
    deadline: date | None = None  # the last day of the return period; None = no limit


def decide_eligibility(
    *,
    allow_returns: bool,
    order_status: str,
    shipped_on: date | None,
    today: date,
    window_days: int,
    returnable: dict[int, int],
) -> Eligibility:
    """Returns allowed in Settings; the order was neither cancelled nor left unpaid and has
    shipped; today is inside the window (days after the shipping day, in the shop's time
    zone; 0 = no limit); something shipped is left to return. The first rule that fails
    gives the reason, in the customer's words."""
    if not allow_returns:
        return Eligibility(False, _("Returns are not possible right now."))
    if order_status == Order.Status.CANCELLED:
        return Eligibility(False, _("This order was cancelled, so there is nothing to return."))
    if shipped_on is None or order_status not in RETURNABLE_ORDER_STATUSES:
        return Eligibility(
            False, _("This order has not shipped yet. You can request a return once it has.")
        )
    deadline = shipped_on + timedelta(days=window_days) if window_days else None
    if deadline is not None and today > deadline:
        return Eligibility(
            False,
            _("The return period for this order ended on %(date)s.")
            % {"date": format_day(deadline)},
            deadline=deadline,
        )
    if not returnable:
        return Eligibility(
            False,
            _("Everything in this order has already been returned or is in a return."),
            deadline=deadline,
        )
    return Eligibility(True, returnable=dict(returnable), deadline=deadline)


def format_day(day: date) -> str:
    """12 October 2026 / 12 oktober 2026 / 12. Oktober 2026 / 12 octobre 2026: the day as
    people write it, month in words in the active language (unambiguous, unlike 10/12/2026)."""
    return formats.date_format(day, "DATE_FORMAT")


# --- What a customer sees of a return (SPEC §5, §11) ------------------------------------


def customer_choice(entry, text: str, *, theirs: bool) -> str:
    """A reason or action as the customer may read it: a catalog entry marked visible to
    customers (by its name in their language), or words they typed themselves (`theirs`:
    it comes from their own request). Never what staff typed, never a staff-only entry."""
    if entry is not None:
        return entry.label if entry.visible_to_customers else ""
    return text if theirs else ""


# The history kinds a customer reads on My returns: the status story and the shop's
# messages to them, never staff notes, stock movements, e-mail details or who in the shop
# did it.
CUSTOMER_HISTORY_KINDS = frozenset({"created", "status_changed", "reopened", "message_sent"})


# --- E-mails ------------------------------------------------------------------------------


def status_email_due(*, notify: bool, old_status: str, new_status: str) -> bool:
    """Notify customer e-mails the customer that their return's status changed: a save
    that changes no status sends nothing, whatever was ticked (the page says so)."""
    return notify and new_status != old_status


# --- Ageing (the dashboard's "late") ------------------------------------------------------

# A return waiting in one of these statuses for longer than its threshold (days, Settings >
# Account & service, ReturnSettings.<field>) is late; thresholds run from 0 to MAX_LATE_DAYS.
MAX_LATE_DAYS = 365
LATE_FIELDS = {
    "new": "late_new_days",
    "in_progress": "late_in_progress_days",
    "approved": "late_approved_days",
}
