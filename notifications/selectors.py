"""Every read the notifications pages (and apps that show e-mails) need."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, QuerySet

from core.languages import language_name

from . import registry
from .models import EmailTemplate, OutgoingEmail
from .rendering import RenderedEmail, render_email

# The outbox list never shows the texts; they can be long.
_LIST_DEFERRED = ("body", "html_body")


def outbox_list(*, state: str = "") -> QuerySet[OutgoingEmail]:
    """Recent e-mails first, optionally in one state. One query per page, whatever its size."""
    emails = OutgoingEmail.objects.defer(*_LIST_DEFERRED).order_by("-created_at", "-id")
    if state in OutgoingEmail.State.values:
        emails = emails.filter(state=state)
    return emails


def outbox_state_counts() -> dict[str, int]:
    """{state: number of e-mails} for every state (0 included), in one query."""
    counts = dict.fromkeys(OutgoingEmail.State.values, 0)
    rows = OutgoingEmail.objects.order_by().values_list("state").annotate(n=Count("pk"))
    counts.update(dict(rows))
    return counts


def outbox_email_detail() -> QuerySet[OutgoingEmail]:
    """E-mails with their delivery attempts (one extra query, not one per attempt)."""
    return OutgoingEmail.objects.prefetch_related("delivery_attempts")


def emails_for_reference(reference: str) -> QuerySet[OutgoingEmail]:
    """The e-mails a caller queued for one reference ("return:123"), oldest first."""
    return (
        OutgoingEmail.objects.filter(reference=reference)
        .defer(*_LIST_DEFERRED)
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class TemplateRow:
    event: str
    event_label: str
    language: str
    language_label: str
    subject: str
    customised: bool
    updated_at: datetime | None


def email_template_overview() -> list[TemplateRow]:
    """Every event in every language, with the subject in use and whether an admin changed
    it; one query."""
    saved = {(t.event, t.language): t for t in EmailTemplate.objects.all()}
    rows = []
    for event in registry.all_events():
        for language, _name in settings.LANGUAGES:
            template = saved.get((event.name, language))
            rows.append(
                TemplateRow(
                    event=event.name,
                    event_label=str(event.label),
                    language=language,
                    language_label=language_name(language),
                    subject=template.subject if template else event.default_texts(language)[0],
                    customised=template is not None,
                    updated_at=template.updated_at if template else None,
                )
            )
    return rows


def email_template_texts(*, event: str, language: str) -> tuple[str, str, EmailTemplate | None]:
    """(subject, body, the admin's row or None) for the template page."""
    template = EmailTemplate.objects.filter(event=event, language=language).first()
    if template is not None:
        return template.subject, template.body, template
    subject, body = registry.default_texts(event, language)
    return subject, body, None


def email_template_preview(*, event: str, subject: str, body: str, language: str) -> RenderedEmail:
    """The text rendered with the event's invented sample values, exactly as an e-mail
    would be."""
    email_event = registry.get(event)
    sample = email_event.sample(language)
    values = {name: str(sample.get(name, "")) for name in email_event.placeholders}
    return render_email(subject=subject, body=body, values=values, language=language)
