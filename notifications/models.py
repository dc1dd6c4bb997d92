from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry


class EmailTemplate(models.Model):
    """An admin's text for one e-mail in one language.

    Without a row the default text of the registered event (registry.py) is used; Reset to default
    deletes the row. Rows are written only by `services.email_template_save`, which refuses
    text the restricted formatter would not accept.
    """

    event = models.CharField(_("e-mail"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"], name="notif_template_event_language_uniq"
            )
        ]

    def __str__(self):
        return f"{self.event_label} · {self.get_language_display()}"

    @property
    def event_label(self) -> str:
        return registry.label(self.event)


class OutgoingEmail(models.Model):
    """One e-mail in the outbox: written in the caller's transaction, delivered by a task.

    The row is the truth about an e-mail: its rendered text (later template edits do not
    change it), where it is in its life (`state`) and what each delivery attempt did
    (`delivery_attempts`). State changes go through `services` only, each under a row lock.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Waiting to retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.CharField(_("e-mail"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    # The same text as HTML, every value escaped; empty for a text-only e-mail.
    html_body = models.TextField(_("HTML"), blank=True)
    # Opaque to this app ("return:123"); callers find their e-mails by it.
    reference = models.CharField(_("reference"), max_length=200, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Retries scheduled since it was last queued; the retry schedule is counted with this,
    # so a resent e-mail gets the whole schedule again.
    retries = models.PositiveSmallIntegerField(_("retries"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="notif_email_created_idx"),
            models.Index(fields=["state", "-created_at"], name="notif_email_state_idx"),
            # The sweep: rows in flight or waiting, by when they were due.
            models.Index(fields=["state", "next_attempt_at"], name="notif_email_due_idx"),
        ]
        permissions = [("resend_outgoingemail", _("Can resend a failed e-mail"))]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    def get_absolute_url(self):
        return reverse("notifications:outbox-detail", args=[self.pk])

    @property
    def event_label(self) -> str:
        return registry.label(self.event)

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a receiver can drop a duplicate."""
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
        return f"<outbox.{self.pk}.{int(self.created_at.timestamp())}@{domain}>"

    @property
    def can_be_resent(self) -> bool:
        return self.state == self.State.FAILED


class DeliveryAttempt(models.Model):
    """What one attempt to hand an e-mail to the SMTP server did. Append-only."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        TEMPORARY = "temporary", _("Temporary failure")
        PERMANENT = "permanent", _("Permanent failure")
        INTERRUPTED = "interrupted", _("Interrupted")

    email = models.ForeignKey(
        OutgoingEmail,
        verbose_name=_("e-mail"),
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    smtp_code = models.PositiveSmallIntegerField(_("SMTP reply code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["email", "number", "pk"]

    def __str__(self):
        return f"{self.email_id} #{self.number}: {self.outcome}"


class EmailAttachment(models.Model):
    """A file that goes with an outbox e-mail (a credit invoice's PDF), stored with it so
    that a retry or a resend sends exactly what was queued."""

    email = models.ForeignKey(
        OutgoingEmail,
        verbose_name=_("e-mail"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["email_id", "pk"]

    def __str__(self):
        return self.filename
