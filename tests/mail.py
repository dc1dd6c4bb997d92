"""A real SMTP server in the test process (aiosmtpd), and the database task worker, for
every test that sends e-mail (the smtp_server fixture is registered in tests/conftest.py)."""

import asyncio
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from core.worker import Worker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An SMTP server on 127.0.0.1 that can be stopped, started again on the same port,
    told to answer the next RCPT commands with an error ("451 ...", "550 ..."), and made
    slow: `rcpt_delay` before answering RCPT, `data_delay` before answering the end of a
    message (after which it has taken the message)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []  # email.message.EmailMessage, one per accepted message
        self.rcpt_replies = []  # replies to use for the next RCPT commands, in order
        self.rcpt_commands = 0
        self.data_delay = 0.0
        self.rcpt_delay = 0.0
        self._controller = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_commands += 1
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Taken first, answered after the delay: a server that queued the message and is
        # slow to say so (a client that stops waiting cannot tell).
        message = message_from_bytes(envelope.content, policy=default_policy)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return "250 Message accepted for delivery"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server, and the project's mail settings pointed at it."""
    server = SmtpServer()
    # What settings.py makes of an smtp:// EMAIL_URL.
    settings.EMAIL_BACKEND = "notifications.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Test Shop <shop@example.com>"
    server.start()
    yield server
    server.stop()


def run_worker(max_tasks=None):
    """What `manage.py db_worker --batch` does: run every ready task, then stop. (The class
    itself, so that the test process keeps its own signal handlers.)"""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
