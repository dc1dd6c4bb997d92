"""Every write of the notifications app: queueing, delivering, resending and sweeping e-mails,
and the admins' template edits."""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import audit_record
from core.config import cached
from core.db import patiently
from core.request_id import current_request_id
from core.services import model_update

from . import delivery, registry
from .delivery import Attachment
from .exceptions import InvalidTemplate, NotResendable
from .metrics import DELIVERIES
from .models import DeliveryAttempt, EmailAttachment, EmailTemplate, OutgoingEmail
from .rendering import render_email, template_errors
from .signals import email_state_changed
from .tasks import deliver_email

logger = logging.getLogger(__name__)

State = OutgoingEmail.State
Outcome = DeliveryAttempt.Outcome

# Defaults for the settings of the same names (see README, "Background work and e-mail").
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)  # 1 min, 5 min, 30 min, 2 h, 6 h
DEFAULT_STUCK_AFTER = 900
DEFAULT_LOST_AFTER = 300
# An admin's template is at most this long (a long letter; nothing like a megabyte).
MAX_BODY_LENGTH = 10_000


# --- Settings -------------------------------------------------------------------------


def retry_delays() -> list[float]:
    """Seconds to wait before each retry after a temporary failure; then the e-mail fails."""
    return [float(s) for s in getattr(settings, "EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)]


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def stuck_after() -> timedelta:
    """How long a row may stay "sending" before the sweep takes its worker for dead
    (OUTBOX_STUCK_AFTER; every outbox of the project: e-mails, webhooks)."""
    return _seconds("OUTBOX_STUCK_AFTER", DEFAULT_STUCK_AFTER)


def requeue_lost(waiting, *, schedule, now, limit: int) -> int:
    """Enqueue again the task of every row of `waiting` (an outbox's rows waiting for their
    task) overdue by more than OUTBOX_LOST_AFTER: the task was lost (say the process died
    between commit and enqueue). The row is not counted overdue again for another
    OUTBOX_LOST_AFTER, so a busy queue is not flooded; rows another sweep holds are
    skipped. How many were re-queued."""
    lost = 0
    with transaction.atomic():
        rows = (
            waiting.select_for_update(skip_locked=True)
            .filter(next_attempt_at__lt=now - _seconds("OUTBOX_LOST_AFTER", DEFAULT_LOST_AFTER))
            .order_by("pk")[:limit]
        )
        for row in rows:
            waiting.model.objects.filter(pk=row.pk).update(next_attempt_at=now)
            transaction.on_commit(partial(schedule, row.pk))
            lost += 1
    return lost


# --- Internals ------------------------------------------------------------------------


def normalize_language(language: str) -> str:
    """ "nl", "NL" and "nl-be" are Dutch; anything we have no texts for is English."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else registry.FALLBACK_LANGUAGE


def _schedule_delivery(email_id: int, run_after: datetime | None = None) -> None:
    """Enqueue the delivery task. Runs after commit; if the queue cannot take it, the row is
    still in the outbox and `outbox_sweep` enqueues it again."""
    task = deliver_email if run_after is None else deliver_email.using(run_after=run_after)
    try:
        # The request (or task) that queued it: its id follows into the worker's log lines.
        task.enqueue(email_id, request_id=current_request_id())
    except Exception:
        logger.exception("Could not enqueue e-mail %s; the outbox sweep will retry.", email_id)


def _announce(email: OutgoingEmail, state: str, *, error: str = "", guarded: bool) -> None:
    """Send email_state_changed (see signals.py for who may raise and what that does)."""
    kwargs = {"email": email, "state": state, "error": error, "attempt": email.attempts}
    if not guarded:
        email_state_changed.send(sender=OutgoingEmail, **kwargs)
        return
    try:
        with transaction.atomic():
            email_state_changed.send(sender=OutgoingEmail, **kwargs)
    except Exception:
        logger.exception("A receiver of email_state_changed failed for e-mail %s.", email.pk)


def template_texts(*, event: str, language: str) -> tuple[str, str, bool]:
    """(subject, body, customised) to render (event, language) from: the admin's version when
    there is a valid one, else the default shipped in code."""
    placeholders = registry.get(event).placeholders
    row = saved_template(event=event, language=language)
    if row is not None:
        subject, body = row
        if not template_errors(subject, placeholders) and not template_errors(body, placeholders):
            return subject, body, True
        # Only the service writes rows and it checks them; one that fails the check was
        # written some other way. The default is safer than a half-filled text.
        logger.warning("E-mail template %s/%s is not valid; using the default.", event, language)
    subject, body = registry.default_texts(event, language)
    return subject, body, False


def saved_template(*, event: str, language: str) -> tuple[str, str] | None:
    """(subject, body) of the admin's text for (event, language), or None: kept per process
    under the configuration version (core.config), as every save that e-mails asks."""

    def load():
        row = (
            EmailTemplate.objects.filter(event=event, language=language)
            .values_list("subject", "body")
            .first()
        )
        return tuple(row) if row is not None else None

    return cached(("notifications.template", event, language), load)


# --- Queueing -------------------------------------------------------------------------


def email_queue(
    *,
    event: str,
    to: str,
    language: str,
    context: Mapping[str, object],
    reference: str = "",
    attachments: Sequence[Attachment] = (),
) -> OutgoingEmail:
    """Record one e-mail in the outbox, to be delivered after the caller's transaction commits.

    Guarantees:
    - It runs in the caller's transaction: the outbox row exists exactly when the caller's
      change commits. A rollback leaves no row and no task.
    - Nothing leaves the machine before commit: the delivery task is enqueued with
      `transaction.on_commit`. If that enqueue is lost (queue down, process killed), the
      row stays queued and `outbox_sweep` enqueues it again: nothing committed is lost.
    - The text is rendered now, in `language` ("en" for a language we have no text in),
      from the admin's template for the event or the default, with the restricted
      formatter: context values are only ever inserted as strings, escaped in the HTML
      part, and a later template edit does not change an e-mail already queued.
    - `email_state_changed` is sent with state "queued" right after the insert, in the same
      transaction.

    `attachments` (files: a name, the bytes, a MIME type) are stored with the e-mail and go
    with every attempt and resend.

    Raises ValueError for an event nobody registered (notifications.registry), a recipient
    that is not one e-mail address or a reference longer than 200 characters (programming
    errors, not user input). Context values that are no placeholder of the event are never
    used.
    """
    if not registry.exists(event):
        raise ValueError(f"Unknown e-mail event {event!r}.")
    placeholders = registry.get(event).placeholders
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError as error:
        raise ValueError(f"Not an e-mail address: {to!r}") from error
    if len(to) > OutgoingEmail._meta.get_field("to").max_length:
        raise ValueError("The e-mail address is too long.")
    if len(reference) > 200:
        raise ValueError("reference is longer than 200 characters.")
    language = normalize_language(language)
    subject, body, _customised = template_texts(event=event, language=language)
    # Lazy translations among the values (a status label) come out in the e-mail's language.
    with translation.override(language):
        values = {
            name: "" if context.get(name) is None else str(context[name]) for name in placeholders
        }
    rendered = render_email(
        subject=subject, body=body, values=values, placeholders=placeholders, language=language
    )
    now = timezone.now()
    # No savepoint inside the caller's transaction: a failure here fails theirs anyway.
    with transaction.atomic(savepoint=False):
        email = OutgoingEmail.objects.create(
            event=event,
            language=language,
            to=to,
            subject=rendered.subject,
            body=rendered.body,
            html_body=rendered.html_body,
            reference=reference,
            state=State.QUEUED,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
        EmailAttachment.objects.bulk_create(
            [
                EmailAttachment(
                    email=email, filename=a.filename, mimetype=a.mimetype, content=a.content
                )
                for a in attachments
            ]
        )
        _announce(email, State.QUEUED, guarded=False)
        transaction.on_commit(partial(_schedule_delivery, email.pk))
    return email


def email_resend(*, email: OutgoingEmail, actor) -> OutgoingEmail:
    """Queue a failed e-mail again, with the whole retry schedule ahead of it.

    Locks the row first; only a failed e-mail can be resent (NotResendable otherwise), so two
    admins pressing Resend queue it once. Audited; sends email_state_changed "queued" in the
    same transaction; the task is enqueued on commit.
    """
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.state != State.FAILED:
            raise NotResendable(_("Only a failed e-mail can be sent again."))
        now = timezone.now()
        locked.state = State.QUEUED
        locked.retries = 0
        locked.next_attempt_at = now
        locked.updated_at = now
        locked.save(update_fields=["state", "retries", "next_attempt_at", "updated_at"])
        audit_record(
            actor=actor,
            area="notifications.outbox",
            instance=locked,
            action="resend",
            target={"name": locked.subject, "to": locked.to},
            changes={"state": (State.FAILED.value, State.QUEUED.value)},
        )
        _announce(locked, State.QUEUED, guarded=False)
        transaction.on_commit(partial(_schedule_delivery, locked.pk))
    return locked


# --- Delivery -------------------------------------------------------------------------


def _claim(email_id: int) -> tuple[OutgoingEmail, int, datetime] | str:
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return "missing"
        if email.state in (State.SENT, State.FAILED):
            return f"already {email.state}"
        if email.state == State.SENDING:
            # Another worker has it; if that worker died, the sweep hands it on.
            return "in flight elsewhere"
        now = timezone.now()
        if email.next_attempt_at and email.next_attempt_at > now + timedelta(seconds=1):
            return "not due yet"
        email.state = State.SENDING
        email.attempts += 1
        email.updated_at = now
        email.save(update_fields=["state", "attempts", "updated_at"])
        # Read now: no database access while the mail server is talked to.
        email.attachment_files = [
            Attachment(a.filename, bytes(a.content), a.mimetype) for a in email.attachments.all()
        ]
        return email, email.attempts, now


def _record(
    email_id: int, attempt: int, started_at: datetime, failure: delivery.Failure | None
) -> str:
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        now = timezone.now()
        DeliveryAttempt.objects.create(
            email=email,
            number=attempt,
            started_at=started_at,
            finished_at=now,
            outcome=(
                Outcome.SENT
                if failure is None
                else Outcome.PERMANENT
                if failure.permanent
                else Outcome.TEMPORARY
            ),
            smtp_code=failure.smtp_code if failure else None,
            error=failure.error if failure else "",
        )
        if failure is None:
            if email.state == State.SENT:
                return "sent"
            # Even when the sweep gave up on this attempt meanwhile: it did go out, and the
            # retry it scheduled will find the row sent and do nothing.
            email.state = State.SENT
            email.sent_at = now
            email.next_attempt_at = None
            email.last_error = ""
            email.updated_at = now
            email.save(
                update_fields=["state", "sent_at", "next_attempt_at", "last_error", "updated_at"]
            )
            _announce(email, State.SENT, guarded=True)
            return "sent"
        if email.state != State.SENDING or email.attempts != attempt:
            return "outcome of an attempt the sweep already gave up on"
        email.last_error = failure.error
        email.updated_at = now
        delays = retry_delays()
        if not failure.permanent and email.retries < len(delays):
            email.next_attempt_at = now + timedelta(seconds=delays[email.retries])
            email.retries += 1
            email.state = State.RETRYING
            transaction.on_commit(partial(_schedule_delivery, email.pk, email.next_attempt_at))
        else:
            email.state = State.FAILED
            email.next_attempt_at = None
        email.save(
            update_fields=["state", "retries", "next_attempt_at", "last_error", "updated_at"]
        )
        _announce(email, email.state, error=failure.error, guarded=True)
        return email.state


def email_deliver(*, email_id: int) -> str:
    """Deliver one outbox e-mail: the body of the `deliver_email` task. Returns what it did.

    Guarantees:
    - Idempotent: the row is locked (SELECT ... FOR UPDATE) and its state checked before
      anything is sent. An e-mail already sent or failed, in flight in another worker, or
      not due yet is left alone, so a task that runs twice sends once.
    - No database transaction is open while the SMTP server is talked to: the claim (state
      "sending", one more attempt) commits first, the outcome is recorded under a new lock.
    - Every attempt is logged (`DeliveryAttempt`). A temporary failure (4xx, connection
      refused, timeout, disconnect) schedules a retry after the next delay of
      EMAIL_RETRY_DELAYS, or ends "failed" when they are used up; a permanent failure (5xx)
      ends "failed" at once. Each outcome sends email_state_changed.
    - A database that is away for a while (restart, failover, killed connection) is waited
      for, with back-off, before the claim and before the outcome is recorded, for at most
      half of OUTBOX_STUCK_AFTER: an e-mail the server accepted is recorded as sent once
      the database is back, not sent again.
    - A worker that dies between claim and outcome (or a database away for longer than
      that) leaves the row "sending"; `outbox_sweep` hands it on after OUTBOX_STUCK_AFTER.
      That window is the only one in which an e-mail can go out twice (it then carries the
      same Message-ID).
    """
    # The database may go away while a delivery runs (a restart, a failover). Both writes
    # wait for it, for at most half the sweep's patience: the claim so that a queued e-mail
    # still goes out when the database is back, the outcome above all, because an e-mail
    # the server accepted but that is not recorded as sent would be sent again.
    within = stuck_after().total_seconds() / 2
    what = f"E-mail {email_id}"
    claimed = patiently(partial(_claim, email_id), within=within, what=what)
    if isinstance(claimed, str):
        return claimed
    email, attempt, started_at = claimed
    try:
        delivery.send(email)
    except Exception as exc:
        failure = delivery.classify(exc)
        log = logger.error if failure.permanent else logger.warning
        log("E-mail %s, attempt %s: %s", email_id, attempt, failure.error)
        DELIVERIES.labels("permanent" if failure.permanent else "temporary").inc()
    else:
        failure = None
        logger.info("E-mail %s, attempt %s: accepted by the server.", email_id, attempt)
        DELIVERIES.labels("sent").inc()
    return patiently(
        partial(_record, email_id, attempt, started_at, failure), within=within, what=what
    )


@dataclass(frozen=True)
class SweepResult:
    stuck: int
    lost: int


def outbox_sweep(*, limit: int = 500) -> SweepResult:
    """Hand on what a crash or a lost task left behind. Safe to run at any time, in any
    number of processes (rows are locked, skipping those another sweep holds).

    - An e-mail "sending" for longer than OUTBOX_STUCK_AFTER: its worker died mid-delivery.
      The attempt is logged as interrupted and the e-mail retried now ("retrying"), or
      "failed" when its retries are used up.
    - An e-mail "queued" or "retrying" and overdue by more than OUTBOX_LOST_AFTER: its task
      was lost (say the process died between commit and enqueue). Its task is enqueued
      again, and it is not counted overdue again for another OUTBOX_LOST_AFTER, so a busy
      queue is not flooded. A duplicate task is harmless: delivery is idempotent.
    """
    now = timezone.now()
    stuck = 0
    with transaction.atomic():
        rows = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(
                state=State.SENDING,
                updated_at__lt=now - stuck_after(),
            )
            .order_by("pk")[:limit]
        )
        delays = retry_delays()
        for email in rows:
            error = str(_("The delivery did not finish (the worker stopped?)."))
            DeliveryAttempt.objects.create(
                email=email,
                number=email.attempts,
                started_at=email.updated_at,
                finished_at=now,
                outcome=Outcome.INTERRUPTED,
                error=error,
            )
            email.last_error = error
            email.updated_at = now
            if email.retries < len(delays):
                email.retries += 1
                email.state = State.RETRYING
                email.next_attempt_at = now
                transaction.on_commit(partial(_schedule_delivery, email.pk))
            else:
                email.state = State.FAILED
                email.next_attempt_at = None
            email.save(
                update_fields=["state", "retries", "next_attempt_at", "last_error", "updated_at"]
            )
            _announce(email, email.state, error=error, guarded=True)
            stuck += 1
    lost = requeue_lost(
        OutgoingEmail.objects.filter(state__in=[State.QUEUED, State.RETRYING]),
        schedule=_schedule_delivery,
        now=now,
        limit=limit,
    )
    if stuck or lost:
        logger.info("Outbox sweep: %s stuck and %s lost deliveries re-queued.", stuck, lost)
    return SweepResult(stuck=stuck, lost=lost)


# --- Templates ------------------------------------------------------------------------


def _check_template(event: str, subject: str, body: str) -> None:
    placeholders = registry.get(event).placeholders
    errors = template_errors(subject, placeholders) + template_errors(body, placeholders)
    if not subject.strip() or not body.strip():
        errors.append(_("The subject and the text cannot be empty."))
    if "\n" in subject or "\r" in subject:
        errors.append(_("The subject is one line."))
    if len(subject) > 200 or len(body) > MAX_BODY_LENGTH:
        errors.append(_("The subject or the text is too long."))
    if errors:
        raise InvalidTemplate(" ".join(str(error) for error in errors))


def email_template_save(
    *, actor, event: str, language: str, subject: str, body: str
) -> EmailTemplate:
    """Save an admin's text for (event, language), audited.

    The text is checked again here (the form checks it first): a template the restricted
    formatter would not accept is never stored (InvalidTemplate). The row is locked while it
    changes, so two admins saving at once leave one complete version and two audit entries.
    """
    if not registry.exists(event) or language not in dict(settings.LANGUAGES):
        raise ValueError(f"No e-mail template {event!r}/{language!r}.")
    _check_template(event, subject, body)
    with transaction.atomic():
        row = EmailTemplate.objects.select_for_update().filter(event=event, language=language)
        template = row.first()
        if template is None:
            template = EmailTemplate(event=event, language=language)
            template.subject, template.body = registry.default_texts(event, language)
        # Saving the text unchanged writes nothing (the default stays "not customised").
        if (template.subject, template.body) == (subject, body):
            return template
        if template.pk is None:
            template.save()
        changes = model_update(
            template,
            {"subject": subject, "body": body},
            always={
                "updated_at": timezone.now(),
                "updated_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        audit_record(
            actor=actor,
            area="settings.notification_emails",
            instance=template,
            target={"event": event, "language": language},
            changes=changes,
        )
    return template


def email_template_reset(*, actor, event: str, language: str) -> None:
    """Go back to the default text for (event, language): the admin's row is deleted, and
    the change audited. Nothing happens when there is no admin's version."""
    with transaction.atomic():
        template = (
            EmailTemplate.objects.select_for_update().filter(event=event, language=language).first()
        )
        if template is None:
            return
        subject, body = registry.default_texts(event, language)
        audit_record(
            actor=actor,
            area="settings.notification_emails",
            instance=template,
            action="reset",
            target={"event": event, "language": language},
            changes={"subject": (template.subject, subject), "body": (template.body, body)},
        )
        template.delete()
