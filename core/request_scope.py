"""Values read once per request: a setting several layers ask for within one request (the
view to build its form, the service again to enforce the rule) costs one query, not one
per asker. Outside a request (tasks, commands, tests calling services) nothing is kept.

Only for values that nobody locks: a service that must see a row's latest state under a
lock reads it itself. A service that changes such a value calls `request_forget`."""

import contextvars
from collections.abc import Callable
from contextlib import contextmanager

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_memo", default=None)


@contextmanager
def request_scope():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def request_memo(key: str, compute: Callable):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def request_forget(key: str) -> None:
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)


def request_note(key: str, value) -> None:
    """Keep a value the request has read on the way (the session's query also reads the
    configuration version, core.config), so nobody asks the database for it again."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value
