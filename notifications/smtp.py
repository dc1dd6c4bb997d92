"""Django's SMTP e-mail backend with a timeout per SMTP phase (RFC 5321 §4.5.3.2).

smtplib waits the same `timeout` for every reply. The one reply that must not be given up
on early is the last: once the message has been sent, ending with "<CRLF>.<CRLF>", the
server may take minutes (content scanning, a slow disk) before it answers "250 accepted".
A client that gives up then cannot tell whether the message was taken, tries again, and
the customer gets a copy per try. RFC 5321 asks clients to wait 10 minutes for that reply.

So: everything up to the end of the message (connecting, the greeting, EHLO, STARTTLS,
AUTH, MAIL, RCPT, DATA, sending the text) waits EMAIL_TIMEOUT, short, because a timeout
there means the server has not taken the message and a retry is safe; the reply to the end
of the message waits EMAIL_FINAL_REPLY_TIMEOUT (default 600 s, RFC 5321 §4.5.3.2.6).

settings.py uses this backend whenever EMAIL_URL is an SMTP address.
"""

import smtplib

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend

# RFC 5321 §4.5.3.2.6, "DATA Termination: 10 minutes".
FINAL_REPLY_TIMEOUT = 600.0


class _PhaseTimeouts:
    """Mixed into smtplib.SMTP (and SMTP_SSL): the reply to the end of the message waits
    `final_reply_timeout`; every other reply and every send waits `timeout`."""

    final_reply_timeout = FINAL_REPLY_TIMEOUT
    # Replies read since DATA was sent: the first is "354 go ahead", the second the
    # server's verdict on the message. None outside data().
    _data_replies = None

    def data(self, msg):
        self._data_replies = 0
        try:
            return super().data(msg)
        finally:
            self._data_replies = None

    def getreply(self):
        waiting_for_verdict = False
        if self._data_replies is not None:
            self._data_replies += 1
            waiting_for_verdict = self._data_replies == 2
        if waiting_for_verdict and self.sock is not None:
            self.sock.settimeout(self.final_reply_timeout)
        try:
            return super().getreply()
        finally:
            if waiting_for_verdict and self.sock is not None:
                self.sock.settimeout(self.timeout)


class SMTP(_PhaseTimeouts, smtplib.SMTP):
    pass


class SMTP_SSL(_PhaseTimeouts, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSmtpBackend):
    """Django's SMTP backend; its connections wait EMAIL_FINAL_REPLY_TIMEOUT for the
    server's answer to a sent message and EMAIL_TIMEOUT for everything else."""

    def __init__(self, *args, final_reply_timeout: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.final_reply_timeout = float(
            final_reply_timeout
            if final_reply_timeout is not None
            else getattr(settings, "EMAIL_FINAL_REPLY_TIMEOUT", FINAL_REPLY_TIMEOUT)
        )

    @property
    def connection_class(self):
        return SMTP_SSL if self.use_ssl else SMTP

    def open(self):
        opened = super().open()
        if self.connection is not None:
            self.connection.final_reply_timeout = self.final_reply_timeout
        return opened
