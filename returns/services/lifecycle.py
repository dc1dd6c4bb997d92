"""A return's life: created by staff, requested by a customer, changed (status, fields,
quantities, notes) until it is done.

Each service runs in one transaction and takes its row locks in one order: the return
first, then its order, then the per-status counts, then (inside
inventory.services.stock_apply) the variants in key order. Nobody ever locks them the
other way round, so concurrent saves wait for each other and never deadlock. The rules
(returns.workflow) are checked after the locks, on rows nobody else can change meanwhile;
e-mails are recorded in the same transaction and leave after commit.
"""

import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from core.compiled import CompiledQuery
from core.services import model_update
from inventory.models import StockMovement
from inventory.selectors import stock_linked_to_pos
from inventory.services import StockChange, stock_apply
from orders.exceptions import OrderNotFound
from orders.models import Customer, Order, OrderLine

from .. import selectors, workflow
from ..emails import (
    queue_created_email,
    queue_message_email,
    queue_request_confirmation,
    queue_request_email,
    queue_status_email,
)
from ..exceptions import InvalidReturnInput, ReturnChangedMeanwhile, ReturnsNotAllowed
from ..models import CatalogEntry, HistoryEntry, Return, ReturnLine, ReturnPhoto, ReturnRequest
from ..photos import ProcessedPhoto
from ..workflow import Choice, Status
from .counts import count_key, counts_change, counts_move
from .history import (
    history_add_message,
    history_add_note,
    history_batch,
    history_record,
)
from .photos import check_customer_photos, photos_attach, photos_discard, photos_store
from .tallies import held_add, tallies_move, tallies_of, tallies_write

Kind = HistoryEntry.Kind
REASON, ACTION = CatalogEntry.Kind.REASON, CatalogEntry.Kind.ACTION
NO_CHOICE = Choice()  # no entry, no text: no return action

# --- Create -------------------------------------------------------------------------


def return_create(
    *,
    order: Order,
    quantities: dict[int, int],
    user,
    origin: str,
    reason: Choice,
    action: Choice = NO_CHOICE,
    update_stock: bool = True,
    customer_comment: str = "",
    staff_note: str = "",
    notify_customer: bool = False,
    request_token: uuid.UUID | None = None,
) -> Return:
    """Create a return in status New with one line per order line in `quantities`
    ({order line id: quantity}). A return of origin customer also records what the customer
    asked for (lines, reason, wished action, comment) as their request, written once.

    Locks the order row first, so two creations for the same order run one after the
    other and can never hold more of a line than was shipped (the check constraints on
    OrderLine.returned_quantity back this up in the database). An order that was
    cancelled, awaits payment or has not shipped is refused (ReturnsNotAllowed, saying
    why; returns.workflow.order_refusal), whoever asks. `request_token` is the customer's
    one-time form token (see return_request). Update stock is off whatever was asked while
    stock is linked to a point of sale.
    """
    quantities = {int(pk): int(qty) for pk, qty in quantities.items() if qty}
    if not quantities:
        raise InvalidReturnInput(_("Choose at least one item to return."))
    workflow.check_choice(reason, kind=REASON, field="reason", required=True)
    workflow.check_choice(action, kind=ACTION, field="action")
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        refusal = workflow.order_refusal(order_status=order.status, has_shipped=order.has_shipped)
        if refusal:
            raise ReturnsNotAllowed(refusal)
        lines = {line.pk: line for line in OrderLine.objects.filter(order=order, pk__in=quantities)}
        if set(lines) != set(quantities):
            raise InvalidReturnInput(_("A chosen line is not part of this order."))
        for pk, quantity in quantities.items():
            line = lines[pk]
            workflow.check_quantity(
                quantity,
                shipped=line.shipped_quantity,
                held=line.returned_quantity,
                held_before=0,
                title=line.title,
            )
        pos_linked = stock_linked_to_pos()
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
            update_stock=update_stock and workflow.update_stock_applies(pos_linked=pos_linked),
            customer_comment=customer_comment,
            created_by=user if getattr(user, "pk", None) else None,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
            request_token=request_token,
        )
        ReturnLine.objects.bulk_create(
            [ReturnLine(rma=rma, order_line_id=pk, quantity=qty) for pk, qty in quantities.items()]
        )
        if origin == Return.Origin.CUSTOMER:
            # What the customer asked for, kept as they sent it: staff change the return's
            # own fields from here on, never this (returns.models.ReturnRequest).
            ReturnRequest.objects.create(
                rma=rma,
                created_at=now,
                lines=[[pk, qty] for pk, qty in quantities.items()],
                reason=reason.entry,
                reason_text=rma.reason_text,
                action=action.entry,
                action_text=rma.action_text,
                comment=customer_comment,
            )
        for pk, quantity in quantities.items():
            OrderLine.objects.filter(pk=pk).update(
                returned_quantity=F("returned_quantity") + quantity
            )
        counts_move({count_key(Status.NEW, rma.reason_id): 1})
        held: dict = {}
        for pk, quantity in quantities.items():
            held_add(held, order.placed_at, lines[pk].variant_id, quantity)
        tallies_write(
            returns=tallies_of(
                rma, [(lines[pk].variant_id, qty) for pk, qty in quantities.items()]
            ),
            held=held,
        )
        history_record(
            rma,
            Kind.CREATED,
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
            history_add_note(rma, user, staff_note)
        if notify_customer:
            queue_created_email(rma)
        events.publish("return.created", rma)
        return rma


# --- A customer's request -------------------------------------------------------------


def return_request(
    *,
    customer: Customer,
    order: Order,
    quantities: dict[int, int],
    reason: Choice,
    action: Choice = NO_CHOICE,
    comment: str = "",
    token: uuid.UUID,
    photos: Sequence[ProcessedPhoto] = (),
) -> tuple[Return, bool]:
    """A customer requests a return from their account: (the return, created?).

    Guarantees, in one transaction under the order's row lock:
    - idempotency: `token` is the one-time token issued with the request form. If this
      customer already sent it (double click, back and resubmit, two tabs), the return it
      created is given back with created=False and nothing is written. A unique constraint
      on (customer, request_token) backs this up in the database;
    - eligibility (returns.workflow.decide_eligibility) is decided again on the locked
      rows: ReturnsNotAllowed, with its plain-words reason, when the order is not eligible;
    - only catalog entries that are active and visible to customers are accepted (or the
      customer's own text); the quantity rule holds as for every return.
    Another customer's order is OrderNotFound (a 404 from outside, as everywhere on the
    customer's side).

    - photos: at most returns.photos.MAX_PHOTOS (InvalidPhoto), and at least one when the
      chosen reason requires one (Settings > Account & service; PhotoRequired). Their
      files are stored before the transaction and removed again when nothing is created.

    The return is created in New, origin customer, `comment` as its customer comment, and
    what the customer sent is kept as their request, with their photos. The customer's
    confirmation (what happens next, where the parcel goes) and the shop's "new return
    request" e-mail are recorded in the same transaction.
    """
    check_customer_photos(photos)
    workflow.check_photo_required(
        reason, photos=len(photos), required=selectors.photo_required_reasons()
    )
    stored = photos_store(photos)
    try:
        rma, created = _request(
            customer=customer,
            order=order,
            quantities=quantities,
            reason=reason,
            action=action,
            comment=comment,
            token=token,
            stored=stored,
        )
    except BaseException:
        photos_discard(stored)
        raise
    if not created:
        photos_discard(stored)
    return rma, created


def _request(*, customer, order, quantities, reason, action, comment, token, stored):
    try:
        with transaction.atomic():
            locked = (
                Order.objects.select_for_update(of=("self",))
                .filter(pk=order.pk, customer=customer)
                .first()
            )
            if locked is None:
                raise OrderNotFound
            # Read after the lock: a twin request that got the lock first is committed now.
            existing = selectors.requested_return(customer=customer, token=token)
            if existing is not None:
                return existing, False
            lines = list(OrderLine.objects.filter(order=locked))
            eligibility = selectors.return_eligibility(locked, lines=lines)
            if not eligibility.eligible:
                raise ReturnsNotAllowed(eligibility.reason)
            workflow.check_customer_choice(reason, field="reason")
            workflow.check_customer_choice(action, field="action")
            # Again under the lock: the settings may have changed since the check above.
            workflow.check_photo_required(
                reason, photos=len(stored), required=selectors.photo_required_reasons()
            )
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
            photos_attach(rma, stored, kind=ReturnPhoto.Kind.CUSTOMER, user=customer.user)
            queue_request_confirmation(rma)
            queue_request_email(rma)
            return rma, True
    except IntegrityError:
        # One token sent for two different orders (only a forged form does that) does not
        # share an order lock; the unique constraint decides and the first return wins.
        existing = selectors.requested_return(customer=customer, token=token)
        if existing is None:
            raise
        return existing, False


# --- Change -------------------------------------------------------------------------


# A save's reads under the lock, built to SQL once per process (core.compiled): the
# return, with what the history and the e-mail will need from it, and its lines.
_LOCKED_FOR_CHANGE = CompiledQuery(
    lambda pk: (
        Return.objects.select_for_update(of=("self",))
        .select_related("reason", "action", "customer__user", "order")
        .filter(pk=pk)
    )
)
_LINES = CompiledQuery(
    lambda rma_id: (
        ReturnLine.objects.filter(rma_id=rma_id).select_related("order_line").order_by("pk")
    )
)


def return_change(
    *,
    rma: Return,
    user,
    version: int,
    status: str | None = None,
    quantities: dict[int, int] | None = None,
    reason: Choice | None = None,
    action: Choice | None = None,
    update_stock: bool | None = None,
    customer_comment: str | None = None,
    staff_note: str = "",
    notify_customer: bool = False,
) -> Return:
    """Save a return: status and fields in one go, as the return page's Save does.
    Every argument left at None keeps its value (`Choice()` clears an action).

    `version` is the version the user's form was based on; if the return changed since,
    ReturnChangedMeanwhile is raised and nothing is written. `quantities` maps return
    line ids to new quantities.

    Under the return's row lock it checks the transition table (InvalidTransition), the
    returnable quantities (QuantityNotReturnable), writes the return, its history and
    notes, and reconciles the stock ledger with the stock rule. The customer's e-mail is
    recorded in the same transaction when `notify_customer` is on and the status changed.
    """
    with transaction.atomic():
        # One query: the lock, and what the history and the e-mail will need from it.
        locked = _LOCKED_FOR_CHANGE.run(pk=rma.pk)
        if not locked:
            raise Return.DoesNotExist
        rma = locked[0]
        if rma.version != version:
            raise ReturnChangedMeanwhile
        # A deactivated entry stays acceptable on the returns that already use it.
        if reason is not None:
            workflow.check_choice(
                reason, kind=REASON, field="reason", required=True, current=rma.reason_id
            )
        if action is not None:
            workflow.check_choice(action, kind=ACTION, field="action", current=rma.action_id)
        old_status = rma.status
        new_status = status or old_status
        reopening = workflow.check_transition(old_status, new_status, can_reopen=_can_reopen(user))

        lines = _LINES.run(rma_id=rma.pk)
        for line in lines:
            line.rma = rma
        tallied_before = tallies_of(
            rma, [(line.order_line.variant_id, line.quantity) for line in lines]
        )
        new_quantities = _new_quantities(
            lines,
            quantities,
            editable=workflow.quantities_editable(old_status, reopening=reopening),
        )
        held = _hold_quantities(
            rma.order_id, lines, new_quantities, old_status=old_status, new_status=new_status
        )

        pos_linked = stock_linked_to_pos()
        counted_before = count_key(old_status, rma.reason_id)
        now = timezone.now()
        always = {"status": new_status, "version": rma.version + 1, "updated_at": now}
        if new_status != old_status:
            always["status_changed_at"] = now  # "waiting since" starts again
        changes = model_update(
            rma,
            _field_values(reason, action, customer_comment, update_stock, pos_linked=pos_linked),
            always=always,
        )
        counts_change(counted_before, count_key(new_status, rma.reason_id))

        # This save's entries, its e-mail's "queued" among them, in one INSERT at the end.
        with history_batch(rma) as history:
            if new_status != old_status:
                history_record(
                    rma,
                    Kind.REOPENED if reopening else Kind.STATUS_CHANGED,
                    user,
                    from_status=old_status,
                    to_status=new_status,
                    data={"notify": notify_customer},
                    batch=history,
                )
            if changes:
                history_record(
                    rma, Kind.UPDATED, user, data={"fields": _describe(rma, changes)}, batch=history
                )
            quantity_changes = [
                {"sku": line.order_line.sku, "from": line.quantity, "to": new_quantities[line.pk]}
                for line in lines
                if new_quantities[line.pk] != line.quantity
            ]
            if quantity_changes:
                history_record(
                    rma,
                    Kind.QUANTITY_CHANGED,
                    user,
                    data={"lines": quantity_changes},
                    batch=history,
                )
            if workflow.stock_save_relevant(
                status_changed=new_status != old_status,
                quantities_changed=bool(quantity_changes),
                update_stock_changed="update_stock" in changes,
            ):
                _reconcile_stock(
                    rma,
                    lines,
                    new_quantities,
                    user=user,
                    pos_linked=pos_linked,
                    update_stock_changed="update_stock" in changes,
                    history=history,
                )
            if staff_note.strip():
                history_add_note(rma, user, staff_note, batch=history)
            if new_status != old_status:
                events.publish("return.status_changed", rma, from_status=old_status)
            if changes or quantity_changes:
                events.publish("return.updated", rma)
            if staff_note.strip():
                events.publish("return.note_added", rma)
            # The last write: the tallies' locks come after the variants' (core.tallies).
            tallies_move(
                tallied_before,
                tallies_of(
                    rma, [(line.order_line.variant_id, new_quantities[line.pk]) for line in lines]
                ),
                held=held,
            )
            if workflow.status_email_due(
                notify=notify_customer, old_status=old_status, new_status=new_status
            ):
                queue_status_email(rma)
        return rma


# --- A staff note -------------------------------------------------------------------------

NOTE_LIMIT = 5000


def return_note_add(*, rma: Return, user, text: str):
    """Add a staff note to a return (and its entry in the history), as the return page's
    Staff note does, without changing the return: its version stays, so a colleague's open
    form stays valid. Under the return's row lock, so it lands in the history between the
    saves around it. An empty or overlong note is refused (InvalidReturnInput)."""
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise InvalidReturnInput(_("Write a note first."), field="text")
    if len(text) > NOTE_LIMIT:
        raise InvalidReturnInput(
            _("A note is at most %(limit)s characters.") % {"limit": NOTE_LIMIT}, field="text"
        )
    with transaction.atomic():
        rma = Return.objects.select_for_update(of=("self",)).get(pk=rma.pk)
        note = history_add_note(rma, user, text)
        events.publish("return.note_added", rma)
        return note


# --- A message to the customer --------------------------------------------------------------

MESSAGE_LIMIT = 5000


def return_message_send(*, rma: Return, user, text: str) -> HistoryEntry:
    """Staff write to the customer about their return: an e-mail in the customer's
    language through the outbox, and the message in the return's history, which the
    customer's page shows too.

    Under the return's row lock (so it lands in the history between the saves around it);
    the return itself does not change, so a colleague's open form stays valid. An empty or
    overlong message is refused (InvalidReturnInput). The e-mail is recorded in the same
    transaction and delivered after commit."""
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise InvalidReturnInput(_("Write a message first."), field="text")
    if len(text) > MESSAGE_LIMIT:
        raise InvalidReturnInput(
            _("A message is at most %(limit)s characters.") % {"limit": MESSAGE_LIMIT},
            field="text",
        )
    with transaction.atomic():
        rma = (
            Return.objects.select_for_update(of=("self",))
            .select_related("customer__user", "order")
            .get(pk=rma.pk)
        )
        entry = history_add_message(rma, user, text=text, to=rma.customer.user.email)
        queue_message_email(rma, text)
        return entry


# --- Steps of the services above ------------------------------------------------------------


def _can_reopen(user) -> bool:
    return user is not None and user.has_perm("returns.reopen_return")


def _lock_order(order_id: int):
    """Every writer of OrderLine.returned_quantity holds this lock first. The order's
    placed moment (the day its held items are tallied on)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .filter(pk=order_id)
        .order_by()
        .values_list("placed_at", flat=True)
        .get()
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
    received = {
        line.pk: line
        for line in lines
        if line.received_quantity > quantities.get(line.pk, line.quantity)
    }
    if received:
        line = next(iter(received.values()))
        raise InvalidReturnInput(
            _("%(received)s of “%(title)s” were received: the quantity cannot be less.")
            % {"received": line.received_quantity, "title": line.order_line.title}
        )
    return {**current, **quantities}


def _hold_quantities(
    order_id: int, lines, new_quantities, *, old_status: str, new_status: str
) -> dict:
    """Keep OrderLine.returned_quantity equal to what live returns hold. When a hold
    changes it takes the order's row lock (after the return's) and re-reads the order lines
    under it; a save that changes no hold (most status changes) takes no lock at all.
    What the holds moved, for the tallies ({(placed day, variant id): delta})."""
    held_before = {
        line.pk: line.quantity if workflow.holds_quantity(old_status) else 0 for line in lines
    }
    held_after = {
        line.pk: new_quantities[line.pk] if workflow.holds_quantity(new_status) else 0
        for line in lines
    }
    held: dict = {}
    if held_after == held_before:
        return held
    placed_at = _lock_order(order_id)
    fresh = OrderLine.objects.in_bulk([line.order_line_id for line in lines])
    for line in lines:
        delta = held_after[line.pk] - held_before[line.pk]
        if not delta:
            continue
        if held_after[line.pk]:
            order_line = fresh[line.order_line_id]
            workflow.check_quantity(
                held_after[line.pk],
                shipped=order_line.shipped_quantity,
                held=order_line.returned_quantity,
                held_before=held_before[line.pk],
                title=order_line.title,
            )
        OrderLine.objects.filter(pk=line.order_line_id).update(
            returned_quantity=F("returned_quantity") + delta
        )
        held_add(held, placed_at, fresh[line.order_line_id].variant_id, delta)
    return held


def _reconcile_stock(
    rma, lines, new_quantities, *, user, pos_linked: bool, update_stock_changed: bool, history
) -> None:
    """Post the difference between what the stock rule wants restocked and what the ledger
    holds, line by line; then store quantities and restocked amounts in one UPDATE so the
    database's check (restocked <= quantity) holds at every statement. Records on the
    return whether it was approved without restock because stock was POS-linked."""
    skipped = workflow.restock_skipped(
        status=rma.status,
        update_stock=rma.update_stock,
        pos_linked=pos_linked,
        skipped=rma.restock_skipped_at is not None,
        update_stock_changed=update_stock_changed,
    )
    if skipped != (rma.restock_skipped_at is not None):
        rma.restock_skipped_at = timezone.now() if skipped else None
        Return.objects.filter(pk=rma.pk).update(restock_skipped_at=rma.restock_skipped_at)
    changes, moved, dirty = [], [], []
    for line in lines:
        quantity = new_quantities[line.pk]
        target = workflow.restock_target(
            status=rma.status,
            update_stock=rma.update_stock,
            pos_linked=pos_linked,
            quantity=quantity,
            skipped=skipped,
            received=line.received_quantity if line.inspected else None,
            disposition=line.disposition,
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
        history_record(rma, Kind.STOCK_MOVED, user, data={"movements": moved}, batch=history)


def _field_values(reason, action, customer_comment, update_stock, *, pos_linked) -> dict:
    """The return's columns a change asks for; None leaves a field as it is. Update stock
    is ignored (kept) while stock is linked to a point of sale."""
    values = {}
    if reason is not None:
        values["reason"] = reason.entry
        values["reason_text"] = "" if reason.entry else reason.text
    if action is not None:
        values["action"] = action.entry
        values["action_text"] = "" if action.entry else action.text
    if customer_comment is not None:
        values["customer_comment"] = customer_comment
    if update_stock is not None and workflow.update_stock_applies(pos_linked=pos_linked):
        values["update_stock"] = update_stock
    return values


def _describe(rma: Return, changes: dict) -> dict:
    """{field: [old, new]} as the history keeps it. A reason or an action is one field,
    whether chosen or typed ("Return action: Refund → Send size L"); a catalog entry is
    kept with its names, so the history reads in every reader's language."""

    def plain(value):
        if isinstance(value, CatalogEntry):
            return {"entry": value.pk, "name": value.name, "names": dict(value.names or {})}
        return value

    described = {}
    for name, (old, new) in changes.items():
        if name in ("reason", "action", "reason_text", "action_text"):
            # An entry and a text are never both set; a field left as it was is as it is.
            choice, text = name.removesuffix("_text"), name.removesuffix("_text") + "_text"
            entry_old = changes[choice][0] if choice in changes else getattr(rma, choice)
            text_old = changes[text][0] if text in changes else getattr(rma, text)
            entry_new, text_new = getattr(rma, choice), getattr(rma, text)
            described[choice] = [plain(entry_old) or text_old, plain(entry_new) or text_new]
        else:
            described[name] = [plain(old), plain(new)]
    return described
