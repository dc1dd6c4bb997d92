"""Filters for the console log (settings.LOGGING)."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """A request answered 4xx (a 403 for a page someone may not see, a 404) is a line in
    the log, not a traceback: Django logs PermissionDenied and Http404 with the exception
    attached, and its stack says nothing about a bug. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
