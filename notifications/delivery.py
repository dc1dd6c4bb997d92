"""Handing one e-mail to the mail server, and telling a temporary failure from a permanent one.

No database access here: the caller (services.email_deliver) holds no transaction while this
talks to the server.
"""

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from .models import OutgoingEmail

MAX_ERROR_LENGTH = 1000


@dataclass(frozen=True)
class Attachment:
    """A file that goes with an e-mail."""

    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Failure:
    permanent: bool
    error: str
    smtp_code: int | None = None


def send(email: OutgoingEmail) -> None:
    """Send it through Django's mail API (EMAIL_BACKEND, EMAIL_TIMEOUT); raise on failure."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id},
        connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in getattr(email, "attachment_files", ()):
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    if message.send() != 1:
        raise smtplib.SMTPException("The mail backend accepted no message.")


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def classify(exc: BaseException) -> Failure:
    """4xx replies, refused or dropped connections and timeouts are temporary (worth another
    try later); 5xx replies and messages that cannot be built are permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        error = "; ".join(
            f"{address}: {_reply(code, text)}" for address, (code, text) in exc.recipients.items()
        )
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        return Failure(permanent, error[:MAX_ERROR_LENGTH], max(codes) if codes else None)
    if isinstance(exc, smtplib.SMTPResponseException):
        # Sender refused, data refused, authentication, a bad greeting: the reply code decides.
        code = exc.smtp_code
        permanent = 500 <= code < 600
        return Failure(
            permanent,
            _reply(code, exc.smtp_error)[:MAX_ERROR_LENGTH],
            code if 0 < code < 1000 else None,
        )
    # SMTPServerDisconnected, connection refused or reset, timeouts, DNS and TLS errors are
    # all OSErrors: the server may well answer later.
    if isinstance(exc, OSError):
        return Failure(False, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH])
    # A header with a line break, an address that cannot be encoded: no retry will help.
    if isinstance(exc, ValueError | UnicodeError):
        return Failure(True, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH])
    # Anything else is unexpected; retry, and let the schedule bound it.
    return Failure(False, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH])
