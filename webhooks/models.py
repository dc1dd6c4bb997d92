import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel

from . import catalog


class WebhookEndpoint(models.Model):
    """A URL that receives the events it asked for, signed with its secret.

    The secret is stored (it signs every request) and shown to the admin once, when it is
    made; after a rotation the previous one still signs, beside the new one, until
    `previous_secret_until`, so the receiver can switch without losing a delivery. Rows
    change only through `services`."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    paused_reason = models.CharField(_("why paused"), max_length=300, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100)
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    # Set by the first failed attempt after a success; cleared by the next success. The
    # endpoint is paused once it has failed without a break for WEBHOOK_PAUSE_AFTER.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhooks:endpoint", args=[self.pk])

    @property
    def event_labels(self) -> list[str]:
        return [catalog.label(name) for name in self.events]

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets that sign a request now: the current one, and the previous one
        during its grace period."""
        now = now or timezone.now()
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            secrets.append(self.previous_secret)
        return secrets


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written in the transaction of the change
    it tells about, delivered by a task. `event_id` is the `webhook-id` header of every
    attempt, so a receiver can drop a duplicate."""

    class State(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Waiting to retry")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    event_type = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"))
    # What it is about ("return:12", "order:7"): the return page lists its deliveries.
    reference = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Retries scheduled since it was last queued (a re-send gets the whole schedule again).
    retries = models.PositiveSmallIntegerField(_("retries"), default=0)
    # None while its endpoint is paused: nothing is due until it is resumed.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint_idx"),
            # The sweep: rows in flight or waiting, by when they were due.
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_event_uniq"
            )
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint_id}"

    @property
    def event_label(self) -> str:
        return catalog.label(self.event_type)

    @property
    def message_id(self) -> str:
        return f"msg_{self.event_id.hex}"

    @property
    def can_be_resent(self) -> bool:
        return self.state in (self.State.FAILED, self.State.DELIVERED)


class WebhookAttempt(AppendOnlyModel):
    """What one HTTP request of a delivery did. Append-only."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        TEMPORARY = "temporary", _("Temporary failure")
        PERMANENT = "permanent", _("Permanent failure")
        INTERRUPTED = "interrupted", _("Interrupted")

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number", "pk"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}: {self.outcome}"
