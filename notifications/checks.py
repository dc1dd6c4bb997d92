"""System checks of the notifications app's settings (`manage.py check`)."""

from django.conf import settings
from django.core.checks import Warning, register

# Replies and sends one delivery may wait EMAIL_TIMEOUT for, at most: connect, greeting,
# EHLO, STARTTLS, EHLO, AUTH (two steps), MAIL, RCPT, DATA, the text.
TIMED_STEPS = 11


@register()
def sweep_waits_for_the_slowest_delivery(app_configs, **kwargs):
    """The sweep hands on an e-mail "sending" for longer than OUTBOX_STUCK_AFTER; if a
    delivery can legitimately take that long, the e-mail goes out twice."""
    final_reply = float(getattr(settings, "EMAIL_FINAL_REPLY_TIMEOUT", 0))
    longest = TIMED_STEPS * float(settings.EMAIL_TIMEOUT) + final_reply
    stuck_after = float(getattr(settings, "OUTBOX_STUCK_AFTER", 900))
    if stuck_after > longest:
        return []
    return [
        Warning(
            f"OUTBOX_STUCK_AFTER ({stuck_after:.0f} s) is not longer than one delivery may "
            f"take ({longest:.0f} s: EMAIL_FINAL_REPLY_TIMEOUT plus {TIMED_STEPS} times "
            "EMAIL_TIMEOUT). The outbox sweep could send again an e-mail whose server is "
            "still answering.",
            hint="Raise OUTBOX_STUCK_AFTER or lower the e-mail timeouts.",
            id="notifications.W001",
        )
    ]
