"""One HTTP request of a webhook: signed (Standard Webhooks), to the address that was
checked, bounded in time and in what is read, never following a redirect.

No database access here: the caller (services.webhook_deliver) holds no transaction while
this talks to the receiver.
"""

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import urllib3
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from . import security
from .exceptions import HostUnresolved, UnsafeWebhookUrl

# What is kept of a response (and all that is read of it).
RESPONSE_KEEP = 2048
MAX_ERROR_LENGTH = 1000
# A Retry-After longer than this is not waited for: the retry schedule goes on.
MAX_RETRY_AFTER = 24 * 3600
USER_AGENT = "returns-backoffice-webhooks/1"


@dataclass(frozen=True)
class Result:
    delivered: bool
    permanent: bool = False
    status: int | None = None
    body: str = ""
    error: str = ""
    duration_ms: int = 0
    retry_after: float | None = None


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secrets: list[str], message_id: str, at: datetime, body: bytes) -> str:
    """Standard Webhooks' `webhook-signature`: one "v1,..." per secret, space-separated
    (the previous secret too during its grace period)."""
    data = body.decode()
    return " ".join(Webhook(secret).sign(message_id, at, data) for secret in secrets)


def headers_for(*, secrets: list[str], message_id: str, body: bytes, at=None) -> dict:
    at = at or datetime.now(UTC)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(secrets, message_id, at, body),
    }


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value) if value.isdigit() else None
        if seconds is None:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError, OverflowError):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _timeouts() -> tuple[float, float]:
    return (
        float(getattr(settings, "WEBHOOK_CONNECT_TIMEOUT", 3)),
        float(getattr(settings, "WEBHOOK_TIMEOUT", 10)),
    )


class _Watchdog:
    """Ends a request at WEBHOOK_TIMEOUT however the receiver answers: a socket timeout
    bounds each read, not a whole answer dripped one byte at a time, so a timer shuts the
    connection's socket down at the deadline (the blocked read then fails)."""

    def __init__(self, seconds: float):
        self.sock = None
        self.expired = False
        self.timer = threading.Timer(seconds, self.expire)
        self.timer.daemon = True

    def expire(self):
        self.expired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def watching(self, connection_class):
        watchdog = self

        class Watched(connection_class):
            def connect(self):
                super().connect()
                watchdog.sock = self.sock
                if watchdog.expired:
                    watchdog.expire()

        return Watched

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()


def _pool(target: security.Target, connect: float, total: float, watchdog: _Watchdog):
    timeout = urllib3.Timeout(connect=connect, read=total)
    common = {"timeout": timeout, "retries": False, "maxsize": 1, "block": False}
    if target.scheme == "https":
        # Connect to the checked address; the name goes in SNI and is what the
        # certificate must be for.
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **common,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **common)
    pool.ConnectionCls = watchdog.watching(pool.ConnectionCls)
    return pool


def _host_header(target: security.Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def post(url: str, *, body: bytes, headers: dict) -> Result:
    """POST `body` to `url`; never raises. The URL is checked (and resolved) again now."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = security.resolve(url)
    except HostUnresolved as error:
        return Result(False, error=error.message[:MAX_ERROR_LENGTH], duration_ms=took())
    except UnsafeWebhookUrl as error:
        return Result(False, permanent=True, error=error.message, duration_ms=took())
    connect, total = _timeouts()
    deadline = started + total
    with _Watchdog(max(deadline - time.monotonic(), 0.01)) as watchdog:
        return _post(target, body, headers, connect, total, deadline, watchdog, took)


def _post(target, body, headers, connect, total, deadline, watchdog, took) -> Result:
    pool = _pool(target, connect, total, watchdog)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": _host_header(target)},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        kept = b""
        try:
            while len(kept) < RESPONSE_KEEP and time.monotonic() < deadline:
                chunk = response.read(RESPONSE_KEEP - len(kept))
                if not chunk:
                    break
                kept += chunk
        except (urllib3.exceptions.HTTPError, OSError):
            pass  # a body cut short: the status is what counts
        finally:
            response.release_conn()
            pool.close()
        status = response.status
        text = kept.decode("utf-8", "replace")
        if watchdog.expired:
            # Cut off mid-answer: whatever was parsed may be a fragment. Try again later
            # (the receiver drops a duplicate by its webhook-id).
            error = f"Timed out: no complete answer within {total:g} s (HTTP {status} so far)"
            return Result(False, status=status, body=text, error=error, duration_ms=took())
        if 200 <= status < 300:
            return Result(True, status=status, body=text, duration_ms=took())
        if status == 429 or status == 408 or 500 <= status < 600:
            return Result(
                False,
                status=status,
                body=text,
                error=f"HTTP {status}",
                duration_ms=took(),
                retry_after=retry_after(response.headers.get("Retry-After")),
            )
        error = f"HTTP {status}"
        if 300 <= status < 400:
            error += " (a redirect, not followed)"
        return Result(
            False, permanent=True, status=status, body=text, error=error, duration_ms=took()
        )
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        pool.close()
        # Timeouts, refused or reset connections, TLS errors: the receiver may be back later.
        error = f"{type(exc).__name__}: {exc}"
        if watchdog.expired:
            error = f"Timed out: no complete answer within {total:g} s ({error})"
        return Result(False, error=error[:MAX_ERROR_LENGTH], duration_ms=took())
