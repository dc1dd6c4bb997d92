"""The project's URLs plus views that fail on purpose, for the error page tests: each side's
400 and 500 (the project's error handlers, imported from its URLconf)."""

from django.core.exceptions import BadRequest
from django.db import OperationalError
from django.urls import path

from returns_backoffice.urls import (  # noqa: F401 (Django reads the handlers from here)
    handler400,
    handler403,
    handler404,
    handler500,
)
from returns_backoffice.urls import (
    urlpatterns as project_urlpatterns,
)


def bad_request(request):
    raise BadRequest("a request this site cannot read")


def server_error(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection refused: is the server running?")


urlpatterns = [
    *(
        path(f"{prefix}test-errors/{name}/", view)
        for prefix in ("backoffice/", "account/", "")
        for name, view in [
            ("bad-request", bad_request),
            ("server-error", server_error),
            ("database-down", database_down),
        ]
    ),
    *project_urlpatterns,
]
