"""A real HTTP receiver for the webhook tests: a server in a thread of the test process
that answers what the test tells it to and checks every request's signature with the
standardwebhooks library, as a receiver would."""

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from returns import services as returns_services
from tests.factories import CatalogEntryFactory, OrderLineFactory
from webhooks import services


class Receiver:
    """`answers` is what the next requests get, in order (the last one repeats):
    an int (that status), (status, {headers}), "hang" (no answer for `hang_for` seconds),
    "drip" (headers one byte every 0.2 s, for `hang_for` seconds) or "reset" (the
    connection is dropped with a TCP reset)."""

    def __init__(self):
        self.answers = [200]
        self.requests = []  # (headers, body, verified payload or the verification error)
        self.secrets = []
        self.hang_for = 5.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append((headers, body, receiver.verify(headers, body)))
                answer = (
                    receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                )
                if answer == "hang":
                    time.sleep(receiver.hang_for)
                    return
                if answer == "drip":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    until = time.monotonic() + receiver.hang_for
                    try:
                        while time.monotonic() < until:
                            self.wfile.write(b"X")
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        pass
                    return
                if answer == "reset":
                    # SO_LINGER 0: close() sends RST instead of FIN.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    return
                status, extra = answer if isinstance(answer, tuple) else (answer, {})
                text = f"answer {status}".encode()
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/in?x=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def verify(self, headers, body):
        errors = []
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except WebhookVerificationError as error:
                errors.append(error)
        return errors[0] if errors else None

    @property
    def verified(self):
        return [payload for _h, _b, payload in self.requests if isinstance(payload, dict)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def webhook_settings(settings):
    """A plain-HTTP receiver on this machine: DEBUG allows http, WEBHOOK_ALLOW_PRIVATE
    127.0.0.1. Short timeouts, and retries without waiting."""
    settings.DEBUG = True
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_CONNECT_TIMEOUT = 1
    settings.WEBHOOK_TIMEOUT = 1
    settings.EMAIL_RETRY_DELAYS = [0, 0, 0]
    return settings


@pytest.fixture
def endpoint_for(webhook_settings, shop_admin):
    def make(receiver, events=("return.created",)):
        endpoint, secret = services.endpoint_create(
            actor=shop_admin, url=receiver.url, events=list(events)
        )
        receiver.secrets.append(secret)
        return endpoint

    return make


@pytest.fixture
def order_line(db, customer):
    return OrderLineFactory(order__customer=customer, quantity=3)


@pytest.fixture
def create_return(order_line, staff):
    reason = CatalogEntryFactory(kind="reason", name="Too small")

    def make(quantity=1):
        return returns_services.return_create(
            order=order_line.order,
            quantities={order_line.pk: quantity},
            user=staff,
            origin="staff",
            reason=returns_services.Choice(entry=reason),
        )

    return make
