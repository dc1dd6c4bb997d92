"""The forms the hostile-input tests and the fuzz test post to, each with a submission that
is valid for the World. The tests replace, drop and add fields of it; whatever they send,
the answer must not be a server error, and a refused submission must change nothing.

Adding a form = adding a FormTarget:

    FormTarget(
        "assign a return",
        STAFF,
        lambda w: f"/backoffice/returns/{w.return_a.pk}/assign/",
        lambda w: {"assignee": str(w.staff.pk)},
    ),
    FormTarget(
        "bulk: change status",
        STAFF,
        lambda w: "/backoffice/returns/bulk/",
        lambda w: {"ids": str(w.return_a.pk), "scope": "selected", "status": "in_progress"},
        success_status=200,
        fixed={"action": "status"},
    ),
    FormTarget(
        "bulk: assign",
        STAFF,
        lambda w: "/backoffice/returns/bulk/",
        lambda w: {"ids": str(w.return_a.pk), "scope": "selected", "assignee": str(w.staff.pk)},
        success_status=200,
        fixed={"action": "assign"},
    ),
    FormTarget(
        "request a return",                          # a name for test ids
        CUSTOMER_A,                                  # who posts it
        lambda w: f"/account/orders/{w.order_a.number}/request-return/",
        lambda w: {f"line_{w.line_a.pk}": "1", "reason_text": "Too small"},
    )

A form with several buttons gets a target per button, the button's field in `fixed`; a
button that only shows something (Preview) has `writes=False`: nothing it answers may
change the database.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

from .world import ADMIN, ANONYMOUS, CUSTOMER_A, STAFF, World

PASSWORD = "secret-pass-123"


@dataclass(frozen=True)
class FormTarget:
    name: str
    role: str
    url: Callable[[World], str]
    valid: Callable[[World], dict[str, str]]
    # What a successful submission answers; anything else is a refusal.
    success_status: int = 302
    # Sent unchanged with every submission, whatever the tests do to the other fields: the
    # button that says what the form is to do.
    fixed: dict[str, str] = field(default_factory=dict)
    # False for a submission that only shows something (Preview): then no answer at all,
    # success or refusal, may change the database.
    writes: bool = True

    def __str__(self):
        return self.name

    def data(self, fields: dict[str, str]) -> dict[str, str]:
        """`fields` as posted: with the fixed ones."""
        return {**fields, **self.fixed}

    def must_leave_the_database_alone(self, status_code: int) -> bool:
        return not self.writes or status_code != self.success_status


def _with_notification(data: dict) -> dict:
    # "Notify customer" queues an e-mail through the notifications app; it joins the fuzzing
    # as soon as that app is part of the project.
    return {**data, "notify_customer": "on"} if apps.is_installed("notifications") else data


def _return_form(w: World) -> dict[str, str]:
    rma = type(w.return_a).objects.get(pk=w.return_a.pk)
    line = rma.lines.get()
    return _with_notification(
        {
            f"line_{line.pk}": str(line.quantity),
            "status": "in_progress",
            "reason": "",
            "reason_text": rma.reason_text,
            "action": "",
            "action_text": rma.action_text,
            "update_stock": "on",
            "customer_comment": rma.customer_comment,
            "staff_note": "Called the customer.",
            "version": str(rma.version),
        }
    )


def _create_return(w: World) -> dict[str, str]:
    return _with_notification(
        {
            f"line_{w.line_a.pk}": "1",
            "reason": str(w.reason.pk),
            "reason_text": "",
            "action": "",
            "action_text": "Send a smaller size",
            "update_stock": "on",
            "customer_comment": "Phoned in.",
            "staff_note": "Parcel label sent.",
        }
    )


def _request_return(w: World) -> dict[str, str]:
    return {
        f"line_{w.line_a.pk}": "1",
        "reason": "",
        "reason_text": "Too small",
        "action": str(w.action.pk),
        "action_text": "",
        "comment": "The parcel is on its way.",
        "token": str(uuid.uuid4()),
    }


TEMPLATE_EDITOR = "/backoffice/settings/notification-emails/return_status_changed/en/"


def _template(w: World) -> dict[str, str]:
    return {
        "subject": "Your return {return_number}: {status}",
        "body": "Dear {customer_name},\n\n{{Note}}: {status}.\n{return_url}\n\n{shop_name}",
    }


FORM_TARGETS: list[FormTarget] = [
    FormTarget(
        "return form",
        STAFF,
        lambda w: f"/backoffice/returns/{w.return_a.pk}/",
        _return_form,
    ),
    FormTarget(
        "create return",
        STAFF,
        lambda w: f"/backoffice/orders/{w.order_a.number}/create-return/",
        _create_return,
    ),
    FormTarget(
        "account & service settings",
        ADMIN,
        lambda w: "/backoffice/settings/account-service/",
        lambda w: {"allow_returns": "on", "return_window_days": "14"},
    ),
    FormTarget(
        "inventory settings",
        ADMIN,
        lambda w: "/backoffice/settings/inventory/",
        lambda w: {"stock_linked_to_pos": "on"},
    ),
    FormTarget(
        "catalog: add",
        ADMIN,
        lambda w: "/backoffice/returns/reasons-and-actions/",
        lambda w: {
            "kind": "reason",
            "reason-name": "Arrived late",
            "reason-name_nl": "Te laat aangekomen",
            "reason-visible_to_customers": "on",
        },
    ),
    FormTarget(
        "catalog: edit",
        ADMIN,
        lambda w: f"/backoffice/returns/reasons-and-actions/{w.spare_reason.pk}/",
        lambda w: {
            "name": "Changed my mind entirely",
            "name_nl": "Helemaal bedacht",
            "active": "on",
            "visible_to_customers": "",
        },
    ),
    FormTarget(
        "message to the customer",
        STAFF,
        lambda w: f"/backoffice/returns/{w.return_a.pk}/message/",
        lambda w: {"text": "We received your parcel and will check it this week."},
    ),
    FormTarget(
        "request a return",
        CUSTOMER_A,
        lambda w: f"/account/orders/{w.order_a.number}/request-return/",
        _request_return,
    ),
    FormTarget(
        "notification e-mail: save",
        ADMIN,
        lambda w: TEMPLATE_EDITOR,
        lambda w: {**_template(w), "action": "save"},
    ),
    FormTarget(
        "notification e-mail: preview",
        ADMIN,
        lambda w: TEMPLATE_EDITOR,
        _template,
        success_status=200,
        fixed={"action": "preview"},
        writes=False,
    ),
    FormTarget(
        "backoffice login",
        ANONYMOUS,
        lambda w: "/backoffice/login/",
        lambda w: {"username": w.staff.email, "password": PASSWORD, "next": "/backoffice/"},
    ),
    FormTarget(
        "account login",
        ANONYMOUS,
        lambda w: "/account/login/",
        lambda w: {"username": w.customer_a.user.email, "password": PASSWORD},
    ),
]


# Input that has broken web applications before. Each must be refused with a message or
# stored as typed, never answered with a server error.
NASTY_TEXT = {
    "unicode": "Zürich — 東京 — Ελληνικά — ﬁ ligature — e\u0301 combining",
    "emoji": "🧦👟🔥🏳️‍🌈👩‍👩‍👧‍👦",
    "right-to-left": "مرحبا بالعالم \u202eevil.exe\u202c שלום",
    "100 KB": "Ω" * 50_000,
    "NUL byte": "before\x00after",
    "SQL": "'; DROP TABLE returns_return; -- \" OR 1=1 /* %_\\",
    "script": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "template": "{{ settings.SECRET_KEY }}{% debug %}{customer_name.__class__}",
    "control characters": "tab\there\r\nnew line\x0bvertical\x1bescape\x7f",
    "huge number": "9" * 5000,
    "negative": "-1",
    "float": "1e308",
    "unicode digits": "١٢٣",
    "superscript digit": "²",
    "date at the beginning of time": "0001-01-01",
    "date at the end of time": "9999-12-31",
    "whitespace": "   \u00a0\u2003 ",
    "empty": "",
}
