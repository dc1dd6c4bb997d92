"""Appending to a return's history. Rows are never changed (returns.models.HistoryEntry);
how each kind reads on the page is returns/history.py."""

import contextvars
from contextlib import contextmanager

from ..models import HistoryEntry, Return, ReturnNote

Kind = HistoryEntry.Kind

# The batch a service is collecting for the return it holds locked: (return id, entries).
# The e-mail that service queues announces "queued" in the same transaction; its entry joins
# the batch instead of costing a lookup and an INSERT of its own.
_open_batch: contextvars.ContextVar[tuple[int, list] | None] = contextvars.ContextVar(
    "returns_history_batch", default=None
)

# An outbox e-mail's delivery state (notifications.signals.email_state_changed) → the
# history entry it becomes.
EMAIL_STATES = {
    "queued": Kind.EMAIL_QUEUED,
    "sent": Kind.EMAIL_SENT,
    "retrying": Kind.EMAIL_RETRY,
    "failed": Kind.EMAIL_FAILED,
}


def history_record(rma: Return, kind: str, user, *, batch=None, **fields) -> HistoryEntry:
    """One entry, in the caller's transaction (it holds the return's lock). With a `batch`
    (a list), the entry is added to it instead, for `history_write` to insert all of a
    save's entries in one statement, in the order they were recorded."""
    entry = HistoryEntry(
        rma=rma, kind=kind, actor=user if getattr(user, "pk", None) else None, **fields
    )
    if batch is not None:
        batch.append(entry)
        return entry
    entry.save(force_insert=True)
    return entry


def history_write(batch: list) -> None:
    if batch:
        HistoryEntry.objects.bulk_create(batch)


@contextmanager
def history_batch(rma: Return):
    """Collect a save's entries for `rma` (which the caller holds locked) and insert them in
    one statement when the block ends without an error, in the order they were recorded.
    The delivery state of an e-mail about `rma` queued inside the block ("queued") joins
    the batch, after the entries recorded before it. On an error nothing is written (the
    caller's transaction is rolled back anyway)."""
    batch: list = []
    token = _open_batch.set((rma.pk, batch))
    try:
        yield batch
    finally:
        _open_batch.reset(token)
    history_write(batch)


def history_add_message(rma: Return, user, *, text: str, to: str) -> HistoryEntry:
    """A message staff sent the customer: its words in the history, which the customer's
    page shows too (returns.workflow.CUSTOMER_HISTORY_KINDS)."""
    return history_record(rma, Kind.MESSAGE_SENT, user, data={"text": text, "to": to})


def history_add_note(rma: Return, user, text: str, *, batch=None) -> ReturnNote:
    """A staff note, and its entry in the history. Notes accumulate; never edited."""
    note = ReturnNote.objects.create(rma=rma, author=user, text=text.strip())
    history_record(rma, Kind.NOTE_ADDED, user, note=note, batch=batch)
    return note


def history_record_email(
    *,
    rma_id: int,
    state: str,
    to: str,
    subject: str,
    attempt: int,
    error: str = "",
    email_id: int | None = None,
) -> HistoryEntry | None:
    """Append an e-mail's delivery state to the return's history (queued, sent, retrying,
    failed with the error), so the page can show what became of each e-mail (`email_id`,
    its outbox id, tells the e-mails apart). Runs in the transaction of
    whoever changed the e-mail's state; unknown states, and references to returns that do
    not exist, record nothing. Inside `history_batch` for the same return the entry joins
    that batch."""
    kind = EMAIL_STATES.get(state)
    if kind is None:
        return None
    entry = HistoryEntry(
        rma_id=rma_id,
        kind=kind,
        data={
            "email": email_id,
            "to": to,
            "subject": subject,
            "attempt": attempt,
            "error": error[:1000],
        },
    )
    batch = _open_batch.get()
    if batch is not None and batch[0] == rma_id:
        # Queued by the service that holds this return locked: it exists, and its batch
        # is written before that service's transaction ends.
        batch[1].append(entry)
        return entry
    if not Return.objects.filter(pk=rma_id).exists():
        return None
    entry.save(force_insert=True)
    return entry
