"""A request id for every request, in every log line it causes, including the lines of the
background task that sends the e-mail a save queued (the id travels with the task).

A client or a reverse proxy may send `X-Request-ID` (a sane one is kept, so one id follows
a request through the proxy's log too); otherwise one is made. The response carries it."""

import contextvars
import logging
import re
import uuid
from contextlib import contextmanager

from .request_scope import request_scope

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    """The id of the request (or task) this code runs for; "" outside of one."""
    return _current.get()


@contextmanager
def request_id_bound(request_id: str):
    """Run a block (a task, a command) as part of the request with this id."""
    token = _current.set(request_id or "")
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """Gives the request its id, and its scope for values read once per request
    (core.request_scope)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get(HEADER, "")
        request_id = sent if _SANE.match(sent) else uuid.uuid4().hex
        request.request_id = request_id
        with request_id_bound(request_id), request_scope():
            response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record (`%(request_id)s`, or a JSON field)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
