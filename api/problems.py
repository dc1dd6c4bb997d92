"""Errors as RFC 9457 problem details (application/problem+json): a title, the status, a
detail in the caller's language (Accept-Language), and for a refused input the field it
concerns. The services' domain errors are mapped here and nowhere else:

- NotFound (no such object, or not one the caller may see): 404
- the return changed since the caller's version (If-Match): 412
- an input the rules refuse (InvalidReturnInput, a bad catalog entry): 422
- any other rule (a transition, a quantity, an order that cannot be returned): 409
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError, NotFound
from returns.exceptions import InvalidReturnInput, ReturnChangedMeanwhile

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "If-Match"
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


class UnprocessableInput(exceptions.ValidationError):
    """Readable input that cannot be used (a field with the reason)."""

    status_code = 422


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def problem(status_code: int, detail: str, **extra) -> dict:
    return {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": str(detail),
        **extra,
    }


def problem_response(status_code: int, detail: str, *, headers=None, **extra) -> Response:
    return Response(
        problem(status_code, detail, **extra),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_JSON,
    )


def domain_status(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return status.HTTP_404_NOT_FOUND
    if isinstance(error, ReturnChangedMeanwhile):
        return status.HTTP_412_PRECONDITION_FAILED
    if isinstance(error, InvalidReturnInput):
        return status.HTTP_422_UNPROCESSABLE_ENTITY
    return status.HTTP_409_CONFLICT


def _field_errors(detail, prefix="") -> list[dict]:
    """rest_framework's nested {field: [messages]} as a flat [{field, message}] list,
    with dotted paths for nested input ("lines.0.quantity")."""
    found = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = prefix if key == "non_field_errors" else f"{prefix}{key}"
            found.extend(_field_errors(value, f"{name}." if name else ""))
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            found.extend({"field": prefix.rstrip("."), "message": str(m)} for m in detail)
        else:
            for index, item in enumerate(detail):
                found.extend(_field_errors(item, f"{prefix}{index}."))
    else:
        found.append({"field": prefix.rstrip("."), "message": str(detail)})
    return found


def exception_handler(exc, context):
    """rest_framework's EXCEPTION_HANDLER: every refusal as a problem document."""
    if isinstance(exc, DomainError):
        extra = {"field": exc.field} if exc.field else {}
        return problem_response(domain_status(exc), exc.message, **extra)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 (logged), never an exception's text
    code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        detail = errors[0]["message"] if errors else _("The request is not valid.")
        body = problem(code, detail, errors=errors)
        if len(errors) == 1 and errors[0]["field"]:
            body["field"] = errors[0]["field"]
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        body = problem(code, detail)
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def problem_page(request, status_code: int, detail: str) -> JsonResponse:
    """The project's 404/403/500 handlers under /api/ (a URL no API view answers)."""
    return JsonResponse(problem(status_code, detail), status=status_code, content_type=PROBLEM_JSON)
