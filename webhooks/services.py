"""Every write of the webhooks app: the endpoints admins manage, recording events as
deliveries in the transaction of the change, delivering them, re-sending, sweeping."""

import base64
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from core.config import cached
from core.db import patiently
from core.request_id import current_request_id
from notifications.services import requeue_lost, retry_delays, stuck_after

from . import catalog, delivery, payloads, security
from .exceptions import InvalidWebhookEndpoint, NotResendable
from .metrics import DELIVERIES
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .tasks import deliver_webhook

logger = logging.getLogger(__name__)

State = WebhookDelivery.State
Outcome = WebhookAttempt.Outcome
AREA = "settings.webhooks"

DEFAULT_PAUSE_AFTER = 3 * 24 * 3600
# How long the previous secret still signs after a rotation.
PREVIOUS_SECRET_VALID = timedelta(hours=24)


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


# --- Endpoints ------------------------------------------------------------------------


def _clean(url: str, events) -> tuple[str, list[str]]:
    url = (url or "").strip()
    events = [name for name in catalog.EVENTS if name in set(events or ())]
    if not events:
        raise InvalidWebhookEndpoint(_("Choose at least one event."), field="events")
    if len(url) > WebhookEndpoint._meta.get_field("url").max_length:
        raise InvalidWebhookEndpoint(_("The URL is too long."), field="url")
    try:
        security.resolve(url)
    except security.UnsafeWebhookUrl as error:
        raise InvalidWebhookEndpoint(error.message, field="url") from None
    return url, events


def endpoint_create(
    *, actor, url: str, events, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint: (the endpoint, its signing secret, to show once).

    The URL must be https (http too while DEBUG is on) and resolve to public addresses
    only, unless WEBHOOK_ALLOW_PRIVATE (InvalidWebhookEndpoint otherwise). Audited."""
    url, events = _clean(url, events)
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url, events=events, description=description.strip()[:200], secret=secret
        )
        audit_record(
            actor=actor,
            area=AREA,
            instance=endpoint,
            action="create",
            target={"name": url},
            changes={"url": (None, url), "events": (None, events)},
        )
    return endpoint, secret


def endpoint_update(*, actor, endpoint: WebhookEndpoint, url: str, events, description=""):
    """Change an endpoint's URL, events or description (checked as on create). Audited."""
    url, events = _clean(url, events)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changes = {}
        for name, value in (
            ("url", url),
            ("events", events),
            ("description", description.strip()[:200]),
        ):
            if getattr(locked, name) != value:
                changes[name] = (getattr(locked, name), value)
                setattr(locked, name, value)
        if changes:
            locked.updated_at = timezone.now()
            locked.save()
            audit_record(
                actor=actor, area=AREA, instance=locked, target={"name": url}, changes=changes
            )
    return locked


def endpoint_rotate_secret(*, actor, endpoint: WebhookEndpoint) -> str:
    """A new signing secret (returned, to show once). The old one keeps signing beside it
    for 24 hours, so receivers can switch without losing a delivery. Audited (without
    the secrets)."""
    secret = new_secret()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        now = timezone.now()
        locked.previous_secret = locked.secret
        locked.previous_secret_until = now + PREVIOUS_SECRET_VALID
        locked.secret = secret
        locked.updated_at = now
        locked.save()
        audit_record(
            actor=actor,
            area=AREA,
            instance=locked,
            target={"name": locked.url},
            changes={"secret": ("…", _("rotated"))},
        )
    return secret


def endpoint_pause(*, actor, endpoint: WebhookEndpoint, reason: str = "") -> WebhookEndpoint:
    """Stop sending to an endpoint: new events are not recorded for it, and what waits
    is held (no attempt) until it is resumed. `actor` None: paused automatically."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not locked.active:
            return locked
        _pause(locked, reason or _("Paused by an admin."), timezone.now())
        audit_record(
            actor=actor,
            area=AREA,
            instance=locked,
            target={"name": locked.url},
            changes={"active": (True, False)},
        )
    return locked


def _pause(endpoint: WebhookEndpoint, reason: str, now: datetime) -> None:
    endpoint.active = False
    endpoint.paused_at = now
    endpoint.paused_reason = str(reason)[:300]
    endpoint.updated_at = now
    endpoint.save(update_fields=["active", "paused_at", "paused_reason", "updated_at"])
    WebhookDelivery.objects.filter(
        endpoint=endpoint, state__in=[State.PENDING, State.RETRYING]
    ).update(next_attempt_at=None, updated_at=now)


def endpoint_resume(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send to an endpoint again: what was held is due now (with the schedule it had)."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if locked.active:
            return locked
        now = timezone.now()
        locked.active = True
        locked.paused_at = None
        locked.paused_reason = ""
        locked.failing_since = None
        locked.updated_at = now
        locked.save()
        held = list(
            WebhookDelivery.objects.filter(
                endpoint=locked, state__in=[State.PENDING, State.RETRYING]
            ).values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=held).update(next_attempt_at=now, updated_at=now)
        for pk in held:
            transaction.on_commit(partial(_schedule, pk))
        audit_record(
            actor=actor,
            area=AREA,
            instance=locked,
            target={"name": locked.url},
            changes={"active": (False, True)},
        )
    return locked


# --- Recording events -----------------------------------------------------------------


def _schedule(delivery_id: int, run_after: datetime | None = None) -> None:
    """Enqueue the delivery task. Runs after commit; if the queue cannot take it, the row
    is still there and the sweep enqueues it again."""
    task = deliver_webhook if run_after is None else deliver_webhook.using(run_after=run_after)
    try:
        task.enqueue(delivery_id, request_id=current_request_id())
    except Exception:
        logger.exception("Could not enqueue webhook %s; the sweep will retry.", delivery_id)


def event_record(event: str, obj, **data) -> list[WebhookDelivery]:
    """The core.events subscriber: one delivery per active endpoint that asked for `event`,
    written in the caller's transaction (a rollback leaves none), each enqueued on commit.

    Which endpoints want which event is kept per process under the configuration version
    (core.config), read with the request's session: the deliveries are for exactly the
    endpoints active at that version, and events nobody asked for cost no query. A pause,
    a resume or a new endpoint takes effect at the next request."""
    if event not in catalog.EVENTS:
        return []
    wanted = [pk for pk, events in active_endpoints() if event in events]
    if not wanted:
        return []
    return _record_for([WebhookEndpoint(pk=pk) for pk in wanted], event, obj)


def active_endpoints() -> tuple[tuple[int, frozenset[str]], ...]:
    """(endpoint id, the events it wants) of every active endpoint."""
    return cached("webhooks.active_endpoints", _load_active_endpoints)


def _load_active_endpoints() -> tuple[tuple[int, frozenset[str]], ...]:
    rows = WebhookEndpoint.objects.filter(active=True).order_by("pk")
    return tuple((pk, frozenset(events or ())) for pk, events in rows.values_list("pk", "events"))


def _record_for(endpoints, event: str, obj) -> list[WebhookDelivery]:
    reference, data = payloads.data_for(event, obj)
    event_id = uuid.uuid4()
    now = timezone.now()
    body = payloads.envelope(event_id=event_id, event=event, data=data, at=now)
    with transaction.atomic(savepoint=False):
        rows = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint,
                    event_id=event_id,
                    event_type=event,
                    payload=body,
                    reference=reference,
                    state=State.PENDING,
                    next_attempt_at=now,
                    created_at=now,
                    updated_at=now,
                )
                for endpoint in endpoints
            ]
        )
        for row in rows:
            transaction.on_commit(partial(_schedule, row.pk))
    return rows


def endpoint_send_test(*, actor, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` delivery to this endpoint (paused or not: the admin asked)."""
    with transaction.atomic():
        (row,) = _record_for([endpoint], catalog.TEST_EVENT, None)
    return row


def delivery_resend(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a finished delivery again (same event id and body), with the whole retry
    schedule ahead. Locks the row; a delivery still on its way is NotResendable. Audited."""
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if not locked.can_be_resent:
            raise NotResendable(_("This delivery is still on its way."))
        now = timezone.now()
        before = locked.state
        locked.state = State.PENDING
        locked.retries = 0
        locked.next_attempt_at = now
        locked.updated_at = now
        locked.save(update_fields=["state", "retries", "next_attempt_at", "updated_at"])
        audit_record(
            actor=actor,
            area=AREA,
            instance=locked.endpoint,
            action="resend",
            target={"name": locked.endpoint.url},
            changes={"delivery": (f"{locked.event_type} {before}", State.PENDING.value)},
        )
        transaction.on_commit(partial(_schedule, locked.pk))
    return locked


# --- Delivery -------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    url: str
    secrets: list[str]
    message_id: str
    body: bytes
    attempt: int
    started_at: datetime


def _claim(delivery_id: int) -> Claim | str:
    with transaction.atomic():
        row = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if row is None:
            return "missing"
        if row.state in (State.DELIVERED, State.FAILED):
            return f"already {row.state}"
        if row.state == State.SENDING:
            return "in flight elsewhere"  # if that worker died, the sweep hands it on
        now = timezone.now()
        if row.next_attempt_at is None:
            return "held (endpoint paused)"
        if row.next_attempt_at > now + timedelta(seconds=1):
            return "not due yet"
        if not row.endpoint.active and row.event_type != catalog.TEST_EVENT:
            row.next_attempt_at = None
            row.save(update_fields=["next_attempt_at"])
            return "held (endpoint paused)"
        row.state = State.SENDING
        row.attempts += 1
        row.updated_at = now
        row.save(update_fields=["state", "attempts", "updated_at"])
        return Claim(
            url=row.endpoint.url,
            secrets=row.endpoint.signing_secrets(now),
            message_id=row.message_id,
            body=delivery.body_bytes(row.payload),
            attempt=row.attempts,
            started_at=now,
        )


def _outcome(result: delivery.Result) -> str:
    if result.delivered:
        return Outcome.DELIVERED
    return Outcome.PERMANENT if result.permanent else Outcome.TEMPORARY


def _record(delivery_id: int, claim: Claim, result: delivery.Result) -> str:
    endpoint_id = WebhookDelivery.objects.values_list("endpoint_id", flat=True).get(pk=delivery_id)
    with transaction.atomic():
        # Lock order: the endpoint, then its delivery (as pause and resume do), so an
        # admin's resume and a worker's outcome wait for each other, never deadlock.
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
        row = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        now = timezone.now()
        WebhookAttempt.objects.create(
            delivery=row,
            number=claim.attempt,
            started_at=claim.started_at,
            duration_ms=result.duration_ms,
            outcome=_outcome(result),
            status_code=result.status,
            response_body=result.body[: delivery.RESPONSE_KEEP],
            error=result.error,
        )
        _endpoint_health(endpoint, failed=not result.delivered, now=now)
        if result.delivered:
            row.state = State.DELIVERED
            row.delivered_at = now
            row.next_attempt_at = None
            row.last_error = ""
            row.updated_at = now
            fields = ["state", "delivered_at", "next_attempt_at", "last_error", "updated_at"]
            row.save(update_fields=fields)
            return "delivered"
        if row.state != State.SENDING or row.attempts != claim.attempt:
            return "outcome of an attempt the sweep already gave up on"
        row.last_error = result.error
        row.updated_at = now
        delays = retry_delays()
        if not result.permanent and row.retries < len(delays):
            # The receiver's Retry-After (429, 503) is honoured over the schedule.
            wait = delays[row.retries] if result.retry_after is None else result.retry_after
            row.next_attempt_at = now + timedelta(seconds=wait)
            row.retries += 1
            row.state = State.RETRYING
            if endpoint.active:
                transaction.on_commit(partial(_schedule, row.pk, row.next_attempt_at))
            else:
                row.next_attempt_at = None  # paused meanwhile: held until resumed
        else:
            row.state = State.FAILED
            row.next_attempt_at = None
        row.save(update_fields=["state", "retries", "next_attempt_at", "last_error", "updated_at"])
        return row.state


def _endpoint_health(endpoint: WebhookEndpoint, *, failed: bool, now: datetime) -> None:
    """Count how long an endpoint (locked by the caller) has failed without a break;
    pause it once that is WEBHOOK_PAUSE_AFTER (admins see it on the backoffice pages)."""
    if not failed:
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
        return
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
        return
    pause_after = _seconds("WEBHOOK_PAUSE_AFTER", DEFAULT_PAUSE_AFTER)
    if endpoint.active and endpoint.failing_since <= now - pause_after:
        reason = _("Every delivery has failed since %(since)s.") % {
            "since": timezone.localtime(endpoint.failing_since).strftime("%Y-%m-%d %H:%M")
        }
        _pause(endpoint, reason, now)
        audit_record(
            actor=None,
            area=AREA,
            instance=endpoint,
            target={"name": endpoint.url},
            changes={"active": (True, False)},
        )
        logger.warning("Webhook endpoint %s paused: %s", endpoint.pk, reason)


def webhook_deliver(*, delivery_id: int) -> str:
    """Deliver one webhook: the body of the `deliver_webhook` task. Returns what it did.

    Guarantees (as the e-mail outbox's, notifications.services.email_deliver):
    - Idempotent: the row is locked and its state checked before anything is sent; one
      delivered or failed, in flight in another worker, not due yet, or held because its
      endpoint is paused is left alone, so a task that runs twice sends once.
    - No transaction is open during the HTTP request: the claim ("sending", one more
      attempt) commits first, the outcome is recorded under a new lock.
    - Every attempt is kept (WebhookAttempt). 2xx is delivered; a timeout, a connection
      error, 408, 429 or 5xx schedules a retry after the next delay of EMAIL_RETRY_DELAYS
      (or Retry-After, if longer), or ends failed once they are used up; any other answer
      (other 4xx, a redirect) or an address the SSRF guard refuses ends failed at once.
    - A worker that dies mid-request leaves the row "sending": the sweep hands it on.
    """
    within = stuck_after().total_seconds() / 2
    what = f"Webhook {delivery_id}"
    claim = patiently(partial(_claim, delivery_id), within=within, what=what)
    if isinstance(claim, str):
        return claim
    headers = delivery.headers_for(
        secrets=claim.secrets, message_id=claim.message_id, body=claim.body
    )
    result = delivery.post(claim.url, body=claim.body, headers=headers)
    outcome = _outcome(result)
    DELIVERIES.labels(outcome).inc()
    log = logger.info if result.delivered else logger.warning
    log("Webhook %s, attempt %s: %s", delivery_id, claim.attempt, result.error or result.status)
    return patiently(partial(_record, delivery_id, claim, result), within=within, what=what)


# --- Sweep ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    stuck: int
    lost: int

    def __str__(self):
        return f"{self.stuck} stuck, {self.lost} lost deliveries re-queued."


def webhooks_sweep(*, limit: int = 500) -> SweepResult:
    """Hand on what a crash or a lost task left behind (as notifications.outbox_sweep):
    a delivery "sending" for longer than OUTBOX_STUCK_AFTER is logged interrupted and
    retried (or failed when its retries are used up); one waiting and overdue by more
    than OUTBOX_LOST_AFTER has its task enqueued again. Rows are locked, skipping those
    another sweep holds."""
    now = timezone.now()
    stuck = 0
    delays = retry_delays()
    with transaction.atomic():
        rows = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                state=State.SENDING,
                updated_at__lt=now - stuck_after(),
            )
            .order_by("pk")[:limit]
        )
        for row in rows:
            error = str(_("The delivery did not finish (the worker stopped?)."))
            WebhookAttempt.objects.create(
                delivery=row,
                number=row.attempts,
                started_at=row.updated_at,
                outcome=Outcome.INTERRUPTED,
                error=error,
            )
            row.last_error = error
            row.updated_at = now
            if row.retries < len(delays):
                row.retries += 1
                row.state = State.RETRYING
                row.next_attempt_at = now
                transaction.on_commit(partial(_schedule, row.pk))
            else:
                row.state = State.FAILED
                row.next_attempt_at = None
            row.save(
                update_fields=["state", "retries", "next_attempt_at", "last_error", "updated_at"]
            )
            stuck += 1
    lost = requeue_lost(
        WebhookDelivery.objects.filter(state__in=[State.PENDING, State.RETRYING]),
        schedule=_schedule,
        now=now,
        limit=limit,
    )
    if stuck or lost:
        logger.info("Webhooks sweep: %s stuck and %s lost deliveries re-queued.", stuck, lost)
    return SweepResult(stuck=stuck, lost=lost)
