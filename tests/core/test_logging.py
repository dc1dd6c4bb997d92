"""What the console shows: each line once, and a refused page as one line, not a traceback
(settings.LOGGING, core/log_filters.py)."""

import io
import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


@contextmanager
def console():
    """What the project's console handler (on the root logger) prints meanwhile."""
    # type(), not isinstance: pytest adds StreamHandler subclasses of its own.
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert handlers, "settings.LOGGING has a console handler on the root logger"
    output = io.StringIO()
    previous = [handler.setStream(output) for handler in handlers]
    try:
        yield output
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


@pytest.mark.django_db
def test_a_refused_page_is_one_line_in_the_log_without_a_traceback(staff_client):
    with console() as output:
        response = staff_client.get("/backoffice/settings/")
    assert response.status_code == 403
    lines = output.getvalue().splitlines()
    assert lines == ["Forbidden (Permission denied): /backoffice/settings/"]


def test_a_server_error_keeps_its_traceback():
    from core.log_filters import NoTracebackForClientErrors

    try:
        raise ValueError("a bug")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), sys.exc_info())
    record.status_code = 500
    assert NoTracebackForClientErrors().filter(record)
    assert record.exc_info is not None


def test_each_log_line_is_printed_once_with_debug_on():
    # `make run` runs with DEBUG on, where Django adds a console handler of its own.
    script = (
        "import logging; "
        "logging.getLogger('django.request').warning('marker from django'); "
        "logging.getLogger('notifications.services').warning('marker from the app')"
    )
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "returns_backoffice.settings",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    printed = result.stdout + result.stderr
    assert printed.count("marker from django") == 1, printed
    assert printed.count("marker from the app") == 1, printed
