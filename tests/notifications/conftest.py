"""Fixtures of the notifications tests; the SMTP server and worker live in tests/mail.py."""

import pytest

from notifications.signals import email_state_changed
from tests.mail import SmtpServer, free_port, run_worker  # noqa: F401  (used by the tests)


@pytest.fixture
def state_changes():
    """Every email_state_changed signal, as (reference, state, error, attempt)."""
    seen = []

    def receiver(sender, email, state, error, attempt, **kwargs):
        seen.append((email.reference, state, error, attempt))

    email_state_changed.connect(receiver, dispatch_uid="tests.state_changes")
    yield seen
    email_state_changed.disconnect(dispatch_uid="tests.state_changes")
