"""Pieces of the multi-process proof (bench_cluster) that stand in for the world outside:
a webhook receiver that checks every signature and sometimes fails, and a customer's
browser that fills in the return request form."""

import http.client
import re
import ssl
import subprocess
import tempfile
import threading
import uuid
from collections import Counter
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, made with the openssl command. The certificate is
    also the CA bundle the workers trust (SSL_CERT_FILE): webhooks go out over HTTPS with the
    certificate checked, exactly as in production (DEBUG off allows nothing else)."""
    cert, key = directory / "receiver-cert.pem", directory / "receiver-key.pem"
    try:
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "openssl", "req", "-x509", "-nodes", "-days", "1",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"Could not make a certificate with openssl: {error}") from error
    return cert, key


class WebhookReceiver:
    """An HTTPS server in a thread that receives webhooks as a careful receiver would: each
    request's signature is verified (standardwebhooks) with the endpoint's secret, and
    deliveries are counted by their webhook-id. Every `fail_every`-th new id is answered
    500 on its first attempt, so that retries happen; a retry of an id is answered 200."""

    def __init__(self, port: int, *, fail_every: int = 7):
        self.secret = None  # set once the endpoint exists
        self.fail_every = fail_every
        self.lock = threading.Lock()
        self.attempts = Counter()  # webhook-id: requests
        self.delivered = Counter()  # webhook-id: requests answered 2xx
        self.failed_on_purpose = 0
        self.bad_signatures = 0
        self.directory = tempfile.TemporaryDirectory(prefix="bench-webhooks-")
        self.cert, key = self_signed_certificate(Path(self.directory.name))
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                self.answer(receiver.receive({k.lower(): v for k, v in self.headers.items()}, body))

            def answer(self, status):
                text = f"answer {status}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(text)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/hooks/returns"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.directory.cleanup()

    def receive(self, headers: dict, body: bytes) -> int:
        try:
            Webhook(self.secret).verify(body, headers)
        except (WebhookVerificationError, TypeError, ValueError):
            with self.lock:
                self.bad_signatures += 1
            return 400  # a permanent failure: it shows as a missing delivery
        message_id = headers["webhook-id"]
        with self.lock:
            first = message_id not in self.attempts
            self.attempts[message_id] += 1
            if first and len(self.attempts) % self.fail_every == 0:
                self.failed_on_purpose += 1
                return 500
            self.delivered[message_id] += 1
        return 200


class FormParser(HTMLParser):
    """The forms of a page as a browser sees them: each form's attributes and its fields
    (name, value, type, disabled, max; a select's option values)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.select = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": []})
        elif not self.forms:
            return
        elif tag in ("input", "textarea"):
            self.forms[-1]["fields"].append({"tag": tag, **attrs})
        elif tag == "select":
            self.select = {"tag": "select", "options": [], **attrs}
            self.forms[-1]["fields"].append(self.select)
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body (what a browser sends for a form with a file input; no
    file chosen is an empty file part) and its Content-Type."""
    boundary = f"----bench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields:
        if value is None:  # a file input with nothing chosen
            head = f'Content-Disposition: form-data; name="{name}"; filename=""\r\n'
            head += "Content-Type: application/octet-stream\r\n"
            value = ""
        else:
            head = f'Content-Disposition: form-data; name="{name}"\r\n'
        parts.append(f"--{boundary}\r\n{head}\r\n{value}\r\n".encode())
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def fill_request_form(html: str, rng, *, avoid_reasons: set[str]) -> list[tuple[str, str]] | None:
    """What a customer sends from the return request form: 1 or 2 of one item still
    returnable, a reason from the list (not one that needs a photo), sometimes an action,
    a comment, the form's token and CSRF token. None if the page has no such form."""
    parser = FormParser()
    parser.feed(html)
    form = next(
        (f for f in parser.forms if any(x.get("name") == "token" for x in f["fields"])), None
    )
    if form is None:
        return None
    lines = [
        f
        for f in form["fields"]
        if f.get("name", "").startswith("line_") and "disabled" not in f and int(f.get("max", 0))
    ]
    if not lines:
        return None
    chosen = rng.choice(lines)
    values = []
    for field in form["fields"]:
        name = field.get("name")
        if not name or "disabled" in field:
            continue
        if field["tag"] == "select":
            avoid = avoid_reasons if name == "reason" else set()
            options = [o for o in field["options"] if o and o not in avoid]
            # A reason is required; an action is optional.
            wanted = name == "reason" or rng.random() < 0.5
            values.append((name, rng.choice(options) if options and wanted else ""))
        elif field.get("type") == "file":
            values.append((name, None))
        elif field is chosen:
            values.append((name, str(rng.randint(1, min(2, int(field["max"]))))))
        elif name.startswith("line_"):
            values.append((name, "0"))
        elif name == "comment":
            values.append((name, "Requested during the cluster proof."))
        else:
            values.append((name, field.get("value", "")))
    return values


RETURN_PAGE = re.compile(r"/account/returns/(\d+)/$")


def browser_request(port, method, path, *, cookie, body=None, content_type=None):
    """(status, text, Location) of one request, on a new connection."""
    headers = {"Cookie": cookie, "Host": f"127.0.0.1:{port}"}
    if body is not None:
        # As a browser sends them: Django's CSRF check compares the Origin with the Host.
        headers["Content-Type"] = content_type
        headers["Origin"] = f"http://127.0.0.1:{port}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, text, response.getheader("Location", "")
    finally:
        connection.close()
