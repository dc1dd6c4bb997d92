"""Appending to a return's history. Rows are never changed (returns.models.HistoryEntry);
how each kind reads on the page is returns/history.py."""

from ..models import HistoryEntry, Return, ReturnNote

Kind = HistoryEntry.Kind

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
    not exist, record nothing."""
    kind = EMAIL_STATES.get(state)
    if kind is None or not Return.objects.filter(pk=rma_id).exists():
        return None
    return HistoryEntry.objects.create(
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
