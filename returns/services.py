"""Every write to a return goes through here.

Each service runs in one transaction and takes its row locks in one order: the return
first, then its order, then the per-status counts, then (inside
inventory.services.stock_apply) the variants in key order. Nobody ever locks them the
other way round, so concurrent saves wait for each other and never deadlock. Checks run
after the locks, on rows nobody else can change meanwhile.
"""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import audit_record, diff_fields
from inventory.models import StockMovement
from inventory.selectors import stock_linked_to_pos
from inventory.services import StockChange, stock_apply
from orders.models import Customer, Order, OrderLine

from . import selectors
from .models import (
    FINAL_STATUSES,
    RELEASED_STATUSES,
    REOPEN_STATUS,
    RESTOCK_STATUSES,
    TRANSITIONS,
    CatalogEntry,
    Return,
    ReturnCount,
    ReturnEvent,
    ReturnLine,
    ReturnNote,
    ReturnSettings,
    Status,
)
from .notifications import queue_request_email, queue_status_email

# --- Domain errors (their messages are shown on the form) ------------------------------


class ReturnError(Exception):
    """A request the rules refuse. `field` names the form field the message belongs to."""

    default_message = gettext_lazy("This change is not possible.")

    def __init__(self, message=None, *, field: str | None = None):
        self.message = str(message or self.default_message)
        self.field = field
        super().__init__(self.message)


class InvalidTransition(ReturnError):
    pass


class QuantityNotReturnable(ReturnError):
    pass


class ReturnChangedMeanwhile(ReturnError):
    default_message = gettext_lazy(
        "Someone else changed this return while you were editing it. The page now shows "
        "their changes; your input is kept. Check it and save again."
    )


class ReturnsNotAllowed(ReturnError):
    pass


class InvalidReturnInput(ReturnError):
    pass


class CatalogEntryInUse(ReturnError):
    default_message = gettext_lazy(
        "This entry is used by returns, so it cannot be deleted. Deactivate it instead."
    )


# "Leave as it is" for optional arguments whose None is a real value (no catalog entry).
KEEP = object()


@dataclass(frozen=True)
class Choice:
    """A return reason or action: a catalog entry, or text the user typed."""

    entry: CatalogEntry | None = None
    text: str = ""


# --- Create -------------------------------------------------------------------------


def return_create(
    *,
    order: Order,
    quantities: dict[int, int],
    user,
    origin: str,
    reason: Choice,
    action: Choice = Choice(),
    update_stock: bool = True,
    customer_comment: str = "",
    staff_note: str = "",
    notify_customer: bool = False,
    request_token: uuid.UUID | None = None,
) -> Return:
    """Create a return in status New with one line per order line in `quantities`
    ({order line id: quantity}).

    Locks the order row first, so two creations for the same order run one after the
    other and can never hold more of a line than was bought (the check constraint on
    OrderLine.returned_quantity backs this up in the database). `request_token` is the
    customer's one-time form token (see return_request).
    """
    quantities = {int(pk): int(qty) for pk, qty in quantities.items() if qty}
    if not quantities:
        raise InvalidReturnInput(_("Choose at least one item to return."))
    _check_choice(reason, CatalogEntry.Kind.REASON, "reason", required=True)
    _check_choice(action, CatalogEntry.Kind.ACTION, "action")
    with transaction.atomic():
        _lock_order(order.pk)
        lines = {line.pk: line for line in OrderLine.objects.filter(order=order, pk__in=quantities)}
        if set(lines) != set(quantities):
            raise InvalidReturnInput(_("A chosen line is not part of this order."))
        for pk, quantity in quantities.items():
            _check_quantity(lines[pk], quantity, held_before=0)
        if stock_linked_to_pos():
            update_stock = False  # not available for POS-linked stock; the form hides it
        now = timezone.now()
        rma = Return.objects.create(
            order=order,
            customer_id=order.customer_id,
            status=Status.NEW,
            origin=origin,
            reason=reason.entry,
            reason_text="" if reason.entry else reason.text,
            action=action.entry,
            action_text="" if action.entry else action.text,
            update_stock=update_stock,
            customer_comment=customer_comment,
            created_by=user if getattr(user, "pk", None) else None,
            created_at=now,
            updated_at=now,
            request_token=request_token,
        )
        ReturnLine.objects.bulk_create(
            [ReturnLine(rma=rma, order_line_id=pk, quantity=qty) for pk, qty in quantities.items()]
        )
        for pk, quantity in quantities.items():
            OrderLine.objects.filter(pk=pk).update(
                returned_quantity=F("returned_quantity") + quantity
            )
        _adjust_counts({(Status.NEW, rma.reason_id or 0): 1})
        _record(
            rma,
            ReturnEvent.Kind.CREATED,
            user,
            to_status=Status.NEW,
            data={
                "origin": origin,
                "lines": [
                    {"sku": lines[pk].sku, "quantity": qty} for pk, qty in quantities.items()
                ],
                "notify": notify_customer,
            },
        )
        if staff_note.strip():
            _add_note(rma, user, staff_note)
        if notify_customer:
            _notify_customer(rma, user)
        return rma


# --- A customer's request -------------------------------------------------------------


def return_request(
    *,
    customer: Customer,
    order: Order,
    quantities: dict[int, int],
    reason: Choice,
    action: Choice = Choice(),
    comment: str = "",
    token: uuid.UUID,
) -> tuple[Return, bool]:
    """A customer requests a return from their account: (the return, created?).

    Guarantees, in one transaction under the order's row lock:
    - idempotency: `token` is the one-time token issued with the request form. If this
      customer already sent it (double click, back and resubmit, two tabs), the return it
      created is given back with created=False and nothing is written. A unique constraint
      on (customer, request_token) backs this up in the database;
    - eligibility (SPEC §5) is checked again on the locked rows, with the same selector the
      pages use: ReturnsNotAllowed, with its plain-words reason, when the order is not
      eligible (returns switched off, not shipped, period over, nothing left);
    - only catalog entries that are active and visible to customers are accepted (or the
      customer's own text); the quantity rule holds as for every return.
    Another customer's order is a 404, as everywhere on the customer's side.

    The return is created in New, origin customer, `comment` as its customer comment. The
    shop's "new return request" e-mail is recorded in the same transaction.
    """
    try:
        with transaction.atomic():
            locked = (
                Order.objects.select_for_update(of=("self",))
                .filter(pk=order.pk, customer=customer)
                .first()
            )
            if locked is None:
                raise Http404
            # Read after the lock: a twin request that got the lock first is committed now.
            existing = selectors.requested_return(customer=customer, token=token)
            if existing is not None:
                return existing, False
            lines = list(OrderLine.objects.filter(order=locked))
            eligibility = selectors.return_eligibility(locked, lines=lines)
            if not eligibility.eligible:
                raise ReturnsNotAllowed(eligibility.reason)
            # return_create checks kind and active; customers also only get what they see.
            for choice, field in ((reason, "reason"), (action, "action")):
                if choice.entry is not None and not choice.entry.visible_to_customers:
                    raise InvalidReturnInput(_("Choose an entry from the list."), field=field)
            rma = return_create(
                order=locked,
                quantities=quantities,
                user=customer.user,
                origin=Return.Origin.CUSTOMER,
                reason=reason,
                action=action,
                customer_comment=comment.strip(),
                request_token=token,
            )
            _notify_shop(rma)
            return rma, True
    except IntegrityError:
        # One token sent for two different orders (only a forged form does that) does not
        # share an order lock; the unique constraint decides and the first return wins.
        existing = selectors.requested_return(customer=customer, token=token)
        if existing is None:
            raise
        return existing, False


def _notify_shop(rma: Return) -> None:
    """The shop's "a customer requested a return" e-mail, recorded in the caller's
    transaction."""
    queue_request_email(rma)


# --- Change -------------------------------------------------------------------------


def return_change(
    *,
    rma: Return,
    user,
    version: int,
    status: str | None = None,
    quantities: dict[int, int] | None = None,
    reason=KEEP,
    action=KEEP,
    update_stock: bool | None = None,
    customer_comment: str | None = None,
    staff_note: str = "",
    notify_customer: bool = False,
) -> Return:
    """Save a return: status and fields in one go, as the return page's Save does.

    `version` is the version the user's form was based on; if the return changed since,
    ReturnChangedMeanwhile is raised and nothing is written. `quantities` maps return
    line ids to new quantities; `reason`/`action` take a Choice; arguments left out (None
    or KEEP) keep their value.

    Under the return's row lock it checks the transition table (InvalidTransition), the
    returnable quantities (QuantityNotReturnable), writes the return, its history and
    notes, and reconciles the stock ledger with the stock rule. The customer's e-mail is
    recorded in the same transaction when `notify_customer` is on and the status changed.
    """
    with transaction.atomic():
        # One query: the lock, and what the history and the e-mail will need from it.
        rma = (
            Return.objects.select_for_update(of=("self",))
            .select_related("reason", "action", "customer__user", "order")
            .get(pk=rma.pk)
        )
        if rma.version != version:
            raise ReturnChangedMeanwhile
        # A deactivated entry stays acceptable on the returns that already use it.
        _check_choice(
            reason, CatalogEntry.Kind.REASON, "reason", required=True, current=rma.reason_id
        )
        _check_choice(action, CatalogEntry.Kind.ACTION, "action", current=rma.action_id)
        old_status = rma.status
        new_status = status or old_status
        reopening = _check_transition(old_status, new_status, user)

        _lock_order(rma.order_id)
        lines = list(rma.lines.select_related("order_line").order_by("pk"))
        new_quantities = _new_quantities(lines, quantities, editable=not rma.is_final or reopening)
        _hold_quantities(lines, new_quantities, old_status=old_status, new_status=new_status)

        pos_linked = stock_linked_to_pos()
        changes = diff_fields(rma, _field_values(rma, reason, action, customer_comment))
        if update_stock is not None and not pos_linked and update_stock != rma.update_stock:
            changes["update_stock"] = (rma.update_stock, update_stock)
        counted_before = (old_status, rma.reason_id or 0)
        for field, (_old, new) in changes.items():
            setattr(rma, field, new)
        rma.status = new_status
        rma.version += 1
        rma.updated_at = timezone.now()
        rma.save()
        if (new_status, rma.reason_id or 0) != counted_before:
            _adjust_counts({counted_before: -1, (new_status, rma.reason_id or 0): 1})

        if new_status != old_status:
            _record(
                rma,
                ReturnEvent.Kind.REOPENED if reopening else ReturnEvent.Kind.STATUS_CHANGED,
                user,
                from_status=old_status,
                to_status=new_status,
                data={"notify": notify_customer},
            )
        if changes:
            _record(
                rma, ReturnEvent.Kind.UPDATED, user, data={"fields": _describe_changes(changes)}
            )
        quantity_changes = [
            {"sku": line.order_line.sku, "from": line.quantity, "to": new_quantities[line.pk]}
            for line in lines
            if new_quantities[line.pk] != line.quantity
        ]
        if quantity_changes:
            _record(rma, ReturnEvent.Kind.QUANTITY_CHANGED, user, data={"lines": quantity_changes})
        _reconcile_stock(rma, lines, new_quantities, user=user, pos_linked=pos_linked)
        if staff_note.strip():
            _add_note(rma, user, staff_note)
        if notify_customer and new_status != old_status:
            _notify_customer(rma, user)
        return rma


def return_reopen(*, rma: Return, user, version: int) -> Return:
    """Reopen a final return (admins only): back to In progress, recorded like any change."""
    return return_change(rma=rma, user=user, version=version, status=REOPEN_STATUS)


def return_add_note(*, rma: Return, user, text: str) -> ReturnNote:
    """Add a staff note. Notes accumulate; this bumps the version so open forms learn of it."""
    if not text.strip():
        raise InvalidReturnInput(_("Write a note first."), field="staff_note")
    with transaction.atomic():
        rma = Return.objects.select_for_update().get(pk=rma.pk)
        Return.objects.filter(pk=rma.pk).update(version=F("version") + 1, updated_at=timezone.now())
        return _add_note(rma, user, text)


# --- The rules ------------------------------------------------------------------------


def restock_target(*, status: str, update_stock: bool, pos_linked: bool, quantity: int) -> int:
    """SPEC §3: how many items of a line the ledger must hold as restocked."""
    if status in RESTOCK_STATUSES and update_stock and not pos_linked:
        return quantity
    return 0


def _lock_order(order_id: int) -> None:
    # Every writer of OrderLine.returned_quantity holds this lock first.
    list(
        Order.objects.select_for_update(of=("self",))
        .filter(pk=order_id)
        .order_by()
        .values_list("pk")
    )


def _check_transition(old: str, new: str, user) -> bool:
    """Refuse what the transition table does not allow; True when this is a reopen."""
    if new == old:
        return False
    if new not in Status.values:
        raise InvalidTransition(_("Unknown status."), field="status")
    if old in FINAL_STATUSES and new == REOPEN_STATUS:
        if user is not None and user.has_perm("returns.reopen_return"):
            return True
        raise InvalidTransition(
            _("Only an admin can reopen a return that is %(status)s.")
            % {"status": Status(old).label},
            field="status",
        )
    if new not in TRANSITIONS[old]:
        raise InvalidTransition(
            _("A return that is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label, "new": Status(new).label},
            field="status",
        )
    return False


def _check_choice(choice, kind: str, field: str, *, required=False, current=None) -> None:
    if choice is KEEP:
        return
    if choice.entry is not None:
        usable = choice.entry.active or choice.entry.pk == current
        if choice.entry.kind != kind or not usable:
            raise InvalidReturnInput(_("Choose an entry from the list."), field=field)
    elif required and not choice.text.strip():
        raise InvalidReturnInput(_("Choose a return reason or type one."), field=field)


def _check_quantity(order_line: OrderLine, quantity: int, *, held_before: int) -> None:
    """The quantity rule: live returns never hold more of a line than was bought."""
    if quantity < 1:
        raise InvalidReturnInput(_("A quantity must be at least 1."))
    available = order_line.quantity - order_line.returned_quantity + held_before
    if quantity > available:
        raise QuantityNotReturnable(
            _("Only %(available)s of “%(title)s” can be returned.")
            % {"available": available, "title": order_line.title}
        )


def _new_quantities(lines, quantities, *, editable: bool) -> dict[int, int]:
    current = {line.pk: line.quantity for line in lines}
    if not quantities:
        return current
    quantities = {int(pk): int(qty) for pk, qty in quantities.items()}
    if not set(quantities) <= set(current):
        raise InvalidReturnInput(_("A line is not part of this return."))
    if not editable and any(current[pk] != qty for pk, qty in quantities.items()):
        raise InvalidReturnInput(_("The quantities of a finished return cannot change."))
    return {**current, **quantities}


def _hold_quantities(lines, new_quantities, *, old_status: str, new_status: str) -> None:
    """Keep OrderLine.returned_quantity equal to what live returns hold. Runs under the
    order's row lock (taken by the caller) and re-reads the order lines under it."""
    held_before = {
        line.pk: 0 if old_status in RELEASED_STATUSES else line.quantity for line in lines
    }
    held_after = {
        line.pk: 0 if new_status in RELEASED_STATUSES else new_quantities[line.pk] for line in lines
    }
    fresh = OrderLine.objects.in_bulk([line.order_line_id for line in lines])
    for line in lines:
        delta = held_after[line.pk] - held_before[line.pk]
        if not delta:
            continue
        if held_after[line.pk]:
            _check_quantity(
                fresh[line.order_line_id], held_after[line.pk], held_before=held_before[line.pk]
            )
        OrderLine.objects.filter(pk=line.order_line_id).update(
            returned_quantity=F("returned_quantity") + delta
        )


def _reconcile_stock(rma, lines, new_quantities, *, user, pos_linked: bool) -> None:
    """Post the difference between what the stock rule wants restocked and what the ledger
    holds, line by line; then store quantities and restocked amounts in one UPDATE so the
    database's check (restocked <= quantity) holds at every statement."""
    changes, moved, dirty = [], [], []
    for line in lines:
        quantity = new_quantities[line.pk]
        target = restock_target(
            status=rma.status,
            update_stock=rma.update_stock,
            pos_linked=pos_linked,
            quantity=quantity,
        )
        delta = target - line.restocked_quantity
        if delta:
            kind = (
                StockMovement.Kind.RETURN_RESTOCK
                if delta > 0
                else StockMovement.Kind.RETURN_REVERSAL
            )
            changes.append(StockChange(line.order_line.variant_id, delta, kind, reference=line))
            moved.append({"sku": line.order_line.sku, "delta": delta})
        if delta or quantity != line.quantity:
            line.quantity, line.restocked_quantity = quantity, target
            dirty.append(line)
    stock_apply(changes=changes, user=user)
    if dirty:
        ReturnLine.objects.bulk_update(dirty, ["quantity", "restocked_quantity"])
    if moved:
        _record(rma, ReturnEvent.Kind.STOCK_MOVED, user, data={"movements": moved})


def _field_values(rma, reason, action, customer_comment) -> dict:
    values = {}
    if reason is not KEEP:
        values["reason"] = reason.entry
        values["reason_text"] = "" if reason.entry else reason.text
    if action is not KEEP:
        values["action"] = action.entry
        values["action_text"] = "" if action.entry else action.text
    if customer_comment is not None:
        values["customer_comment"] = customer_comment
    return values


def _describe_changes(changes: dict) -> dict:
    def plain(value):
        return value.name if isinstance(value, CatalogEntry) else value

    return {field: [plain(old), plain(new)] for field, (old, new) in changes.items()}


def _adjust_counts(deltas: dict[tuple[str, int], int]) -> None:
    """Move the per-status counts (ReturnCount) by `deltas`, in key order: every writer
    takes these rows' locks in the same order, after the return's, so no deadlock."""
    rows = [(status, reason, delta) for (status, reason), delta in sorted(deltas.items()) if delta]
    if not rows:
        return
    table = ReturnCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" AS c ("status", "reason_key", "count") VALUES '  # noqa: S608
            + ", ".join(["(%s, %s, %s)"] * len(rows))
            + " ON CONFLICT (status, reason_key)"
            + ' DO UPDATE SET "count" = c."count" + excluded."count"',
            [value for row in rows for value in row],
        )


def return_counts_rebuild() -> None:
    """Recount ReturnCount from the returns themselves (after a bulk load, or to repair).
    Locks the counts table while it counts, so no save moves a count meanwhile."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{ReturnCount._meta.db_table}" IN EXCLUSIVE MODE')
        ReturnCount.objects.all().delete()
        counts: dict[tuple[str, int], int] = {}
        for row in Return.objects.order_by().values("status", "reason_id").annotate(n=Count("pk")):
            key = (row["status"], row["reason_id"] or 0)
            counts[key] = counts.get(key, 0) + row["n"]
        ReturnCount.objects.bulk_create(
            [ReturnCount(status=s, reason_key=r, count=n) for (s, r), n in sorted(counts.items())]
        )


def _record(rma, kind, user, **fields) -> ReturnEvent:
    return ReturnEvent.objects.create(
        rma=rma, kind=kind, actor=user if getattr(user, "pk", None) else None, **fields
    )


def _add_note(rma, user, text) -> ReturnNote:
    note = ReturnNote.objects.create(rma=rma, author=user, text=text.strip())
    _record(rma, ReturnEvent.Kind.NOTE_ADDED, user, note=note)
    return note


def _notify_customer(rma, user) -> None:
    """Record the customer's status e-mail in this transaction (see notifications)."""
    queue_status_email(rma)


EMAIL_EVENTS = {
    "queued": ReturnEvent.Kind.EMAIL_QUEUED,
    "sent": ReturnEvent.Kind.EMAIL_SENT,
    "retrying": ReturnEvent.Kind.EMAIL_RETRY,
    "failed": ReturnEvent.Kind.EMAIL_FAILED,
}


def return_record_email(
    *, rma_id: int, state: str, to: str, subject: str, attempt: int, error: str = ""
):
    """Append an e-mail's delivery state to the return's history (queued, sent, retrying,
    failed with the error), so the timeline shows every attempt. Runs in the transaction
    of whoever changed the e-mail's state; unknown states are ignored."""
    kind = EMAIL_EVENTS.get(state)
    # A reference is only text: one that names no return (anymore) records nothing.
    if kind is None or not Return.objects.filter(pk=rma_id).exists():
        return None
    return ReturnEvent.objects.create(
        rma_id=rma_id,
        kind=kind,
        data={"to": to, "subject": subject, "attempt": attempt, "error": error[:1000]},
    )


# --- Catalog and settings ---------------------------------------------------------------


def catalog_entry_create(
    *, actor, kind: str, name: str, visible_to_customers: bool = True
) -> CatalogEntry:
    with transaction.atomic():
        last = CatalogEntry.objects.filter(kind=kind).order_by("-position").first()
        entry = CatalogEntry.objects.create(
            kind=kind,
            name=name.strip(),
            position=(last.position + 1) if last else 1,
            visible_to_customers=visible_to_customers,
        )
        audit_record(
            actor=actor,
            area="catalog",
            instance=entry,
            changes={"name": (None, entry.name), "active": (None, True)},
        )
        return entry


def catalog_entry_update(*, actor, entry: CatalogEntry, **values) -> CatalogEntry:
    """Rename, (de)activate, reposition or change visibility; audited."""
    with transaction.atomic():
        entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
        changes = diff_fields(entry, values)
        for field, (_old, new) in changes.items():
            setattr(entry, field, new)
        if changes:
            entry.save()
            audit_record(actor=actor, area="catalog", instance=entry, changes=changes)
        return entry


def catalog_entry_move(*, actor, entry: CatalogEntry, up: bool) -> None:
    """Swap an entry with its neighbour in the list."""
    with transaction.atomic():
        siblings = list(
            CatalogEntry.objects.select_for_update()
            .filter(kind=entry.kind)
            .order_by("position", "name", "pk")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == entry.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        audit_record(
            actor=actor,
            area="catalog",
            instance=entry,
            changes={"position": (index + 1, other + 1)},
        )


def catalog_entry_delete(*, actor, entry: CatalogEntry) -> None:
    """Delete an entry no return uses; an entry in use is refused (CatalogEntryInUse)."""
    with transaction.atomic():
        entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
        if (
            Return.objects.filter(reason=entry).exists()
            or Return.objects.filter(action=entry).exists()
        ):
            raise CatalogEntryInUse
        audit_record(
            actor=actor, area="catalog", instance=entry, changes={"name": (entry.name, None)}
        )
        entry.delete()


def return_settings_update(*, actor, **values) -> ReturnSettings:
    """Save Settings > Account & service under a row lock; audited."""
    with transaction.atomic():
        ReturnSettings.objects.get_or_create(pk=1)
        current = ReturnSettings.objects.select_for_update().get(pk=1)
        changes = diff_fields(current, values)
        if changes:
            for field, (_old, new) in changes.items():
                setattr(current, field, new)
            current.save()
            audit_record(actor=actor, area="settings.returns", instance=current, changes=changes)
        return current
