"""Receiving a parcel: per line, how many items arrived, their condition and what happens
to them (restock, repair, write off), with who and when.

Same locks in the same order as every other save of a return (the return, its order, then
inside inventory.services.stock_apply the variants in key order), and the same version
check: a receipt based on an older page is refused (ReturnChangedMeanwhile).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from inventory.selectors import stock_linked_to_pos

from .. import workflow
from ..exceptions import InvalidReturnInput, ReturnChangedMeanwhile
from ..models import HistoryEntry, Return, ReturnLine
from ..workflow import Receipt
from .history import history_record, history_write
from .lifecycle import _lock_order, _reconcile_stock


def return_receive(*, rma: Return, user, version: int, receipts: dict[int, Receipt]) -> Return:
    """Record what arrived of some lines of a return ({return line id: Receipt}).

    Guarantees, in one transaction under the return's row lock:
    - a finished return (credited, rejected, cancelled) is refused (InvalidReturnInput);
    - each receipt is a possible one (returns.workflow.check_receipt: 0 to the line's
      quantity, Missing exactly when none arrived, a disposition for what arrived);
      InvalidReturnInput otherwise, with the line, and nothing is written;
    - a receipt equal to what is recorded changes nothing: no version, no history, no
      stock movement;
    - otherwise the changed lines record who and when, the history says what changed, the
      return's version goes up, and the stock ledger is reconciled with the per-line stock
      rule (returns.workflow.restock_target): with Update stock on, in the approved-type
      statuses, a line holds restocked exactly its received items to restock. Repaired and
      written-off items never restock; the database refuses restocked > received.
    """
    with transaction.atomic():
        rma = (
            Return.objects.select_for_update(of=("self",))
            .select_related("customer__user", "order")
            .get(pk=rma.pk)
        )
        if rma.version != version:
            raise ReturnChangedMeanwhile
        if workflow.is_final(rma.status):
            raise InvalidReturnInput(
                _("A return that is %(status)s is finished: what was received cannot change.")
                % {"status": workflow.Status(rma.status).label}
            )
        _lock_order(rma.order_id)
        lines = list(rma.lines.select_related("order_line").order_by("pk"))
        by_pk = {line.pk: line for line in lines}
        if not set(receipts) <= set(by_pk):
            raise InvalidReturnInput(_("A line is not part of this return."))
        now = timezone.now()
        changed = []
        for pk, receipt in sorted(receipts.items()):
            line = by_pk[pk]
            try:
                workflow.check_receipt(
                    received=receipt.received,
                    quantity=line.quantity,
                    condition=receipt.condition,
                    disposition=receipt.disposition,
                )
            except InvalidReturnInput as error:
                raise InvalidReturnInput(
                    f"{line.order_line.sku}: {error.message}", field=f"line_{pk}"
                ) from None
            before = (line.received_quantity, line.condition, line.disposition)
            after = (receipt.received, receipt.condition, receipt.disposition)
            if line.inspected and before == after:
                continue
            changed.append(
                {
                    "sku": line.order_line.sku,
                    "quantity": line.quantity,
                    "from": list(before) if line.inspected else None,
                    "to": list(after),
                }
            )
            line.received_quantity, line.condition, line.disposition = after
            line.received_by, line.received_at = user if getattr(user, "pk", None) else None, now
        if not changed:
            return rma
        dirty = [line for line in lines if line.received_at == now]
        # restocked <= received must hold after every statement: a receipt that keeps what
        # the line holds restocked is written before the reconciliation; one below it after,
        # once the reconciliation has taken the difference out of stock.
        first = [line for line in dirty if line.restocked_quantity <= line.received_quantity]
        _store_receipts(first)
        rma.version += 1
        rma.updated_at = now
        Return.objects.filter(pk=rma.pk).update(version=rma.version, updated_at=now)
        history = []
        history_record(
            rma, HistoryEntry.Kind.RECEIVED, user, data={"lines": changed}, batch=history
        )
        _reconcile_stock(
            rma,
            lines,
            {line.pk: line.quantity for line in lines},
            user=user,
            pos_linked=stock_linked_to_pos(),
            update_stock_changed=False,
            history=history,
        )
        history_write(history)
        _store_receipts([line for line in dirty if line not in first])
        events.publish("return.received", rma)
        return rma


def _store_receipts(lines: list[ReturnLine]) -> None:
    if lines:
        ReturnLine.objects.bulk_update(
            lines, ["received_quantity", "condition", "disposition", "received_by", "received_at"]
        )
