"""Hostile input (SPEC §7: bad input gets a clear message and changes nothing).

- Script payloads in every free-text field render escaped on every page that shows them
  (and stay inert in every e-mail: test_hostile_email.py).
- Customers never see text meant for the backoffice.
- Odd input (tests/security/targets.py NASTY_TEXT) in query strings, URL parameters and
  the forms never causes a server error, and a refused form changes nothing.
- Text that is accepted is stored and shown exactly as typed.
"""

import re
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.utils.html import escape

from returns.models import Return

from .html import csp_problems
from .matrix import pages
from .targets import FORM_TARGETS, NASTY_TEXT
from .world import CUSTOMER_A, CUSTOMER_B, ROLES, build_world, database_state

# Breaks out of text, out of a quoted attribute, and tries the template engine.
PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>{{ 7|add:7 }}{% debug %}"

# Where each free-text field must show up (escaped), per URL pattern of the matrix. A page
# that starts showing a field belongs here; the test then proves it escapes it. (My returns,
# account/returns/, shows no free text: numbers, statuses and dates.)
TEMPLATE_LIST = "backoffice/settings/notification-emails/"
TEMPLATE_EDIT = "backoffice/settings/notification-emails/<slug:event>/<slug:language>/"
REQUEST_FORM = "account/orders/<str:number>/request-return/"
SHOWN_ON = {
    # return_a's comment is what customer A wrote in their request: theirs to read back.
    "customer comment": {"backoffice/returns/<int:pk>/", "account/returns/<int:pk>/"},
    "staff note": {"backoffice/returns/<int:pk>/"},
    "reason text": {
        "backoffice/returns/",
        "backoffice/returns/<int:pk>/",
        "backoffice/orders/<str:number>/",
        "account/returns/<int:pk>/",
    },
    "action text": {"backoffice/returns/<int:pk>/", "account/returns/<int:pk>/"},
    "customer A name": {
        "backoffice/returns/",
        "backoffice/returns/<int:pk>/",
        "backoffice/orders/",
        "backoffice/orders/<str:number>/",
        # in the e-mail's subject and text
        "backoffice/outbox/",
        "backoffice/outbox/<int:pk>/",
    },
    "catalog reason": {
        "backoffice/returns/",
        "backoffice/returns/<int:pk>/",
        "backoffice/orders/<str:number>/create-return/",
        "backoffice/returns/reasons-and-actions/",
        "backoffice/settings/audit/",
        REQUEST_FORM,
    },
    "catalog action": {
        "backoffice/returns/<int:pk>/",
        "backoffice/orders/<str:number>/create-return/",
        "backoffice/returns/reasons-and-actions/",
        "backoffice/settings/audit/",
        REQUEST_FORM,
    },
    "staff name": {"backoffice/returns/<int:pk>/", "backoffice/"},
    "line title": {
        "backoffice/orders/<str:number>/",
        "account/orders/<str:number>/",
        "account/returns/<int:pk>/",
        REQUEST_FORM,
    },
    "product name": {"backoffice/products/", "backoffice/products/<int:pk>/"},
    # The admins' e-mail templates (their payload's braces doubled, see world.literal).
    "status subject": {TEMPLATE_LIST, TEMPLATE_EDIT, "backoffice/settings/audit/"},
    "status text": {TEMPLATE_EDIT, "backoffice/settings/audit/"},
    "request subject": {TEMPLATE_LIST, "backoffice/settings/audit/"},
    # The mail server's reply to the world's e-mail.
    "delivery error": {"backoffice/outbox/<int:pk>/", "backoffice/returns/<int:pk>/"},
}

# Texts a customer must never see on their pages (SPEC §2.2: backoffice users only). The
# world's return_a came from the customer, so its typed reason, action and comment are the
# customer's own request and may be shown back to them; return_b's comment was typed by
# staff. Every staff-editable field is covered in tests/returns/test_customer_view.py.
BACKOFFICE_ONLY = ["staff note", "staff-typed comment", "delivery error"]

PAGES = pages()


def _readable_pages(world):
    """(case, role, response) for every page, as every role that may open it."""
    for case, _first_role in PAGES:
        for role in ROLES:
            if case.route.get[role].status == 200:
                yield case, role, world.clients[role].get(case.url(world))


@pytest.mark.django_db
def test_script_payloads_render_escaped_on_every_page():
    world = build_world(text=PAYLOAD)
    seen: dict[str, set[str]] = {name: set() for name in world.texts}
    problems = []
    for case, role, response in _readable_pages(world):
        page = f"GET /{case.key} as {role}"
        assert response.status_code == 200, page
        if PAYLOAD in response.text or "onerror=alert(2)>" in response.text:
            problems.append(f"{page}: the payload is in the page unescaped")
        problems += [f"{page}: {problem}" for problem in csp_problems(response.text)]
        for name, value in world.texts.items():
            if escape(value) in response.text:
                seen[name].add(case.key)
    assert not problems, "\n".join(problems)
    # Each field was really on its pages (escaped), so the checks above looked at it.
    missing = {name: pages - seen[name] for name, pages in SHOWN_ON.items() if pages - seen[name]}
    assert not missing, f"not shown where expected: {missing}"


def _shows(page: str, text: str) -> bool:
    """`text` on the page as a whole word: order T-000001 is not part of return RET-000001."""
    return re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", page) is not None


def test_customers_never_see_backoffice_text_or_each_other(world):
    problems = []
    for case, role, response in _readable_pages(world):
        if role not in (CUSTOMER_A, CUSTOMER_B):
            continue
        hidden = [world.texts[name] for name in BACKOFFICE_ONLY]
        other = world.customer_b if role == CUSTOMER_A else world.customer_a
        hidden += [other.name, other.user.email, *(o.number for o in other.orders.all())]
        hidden += [rma.number for rma in other.returns.all()]
        problems += [
            f"/{case.key} as {role} shows {t!r}" for t in hidden if _shows(response.text, t)
        ]
    assert not problems, "\n".join(problems)


# --- Query strings and URL parameters ------------------------------------------------------

# Every query parameter a page of ours reads (filters, search, paging, sort, next).
QUERY_PARAMETERS = ["q", "page", "status", "reason", "created_from", "created_to", "sort", "next"]
# The long ones go into the search box and the page number only: every filter field
# echoes its value back, and eight copies of 100 KB per page only make the test slow.
LONG = {"100 KB", "huge number"}


def test_odd_query_strings_never_cause_a_server_error(world):
    for case, role in PAGES:
        client = world.clients[role]
        for name, value in NASTY_TEXT.items():
            params = ["q", "page"] if name in LONG else QUERY_PARAMETERS
            query = urlencode(dict.fromkeys(params, value))
            response = client.get(f"{case.url(world)}?{query}")
            assert response.status_code in (200, 302), (case.key, role, name)
        # Bytes that are not UTF-8 at all.
        broken = "&".join(f"{param}=%ff%fe%00" for param in QUERY_PARAMETERS)
        assert client.get(case.url(world), QUERY_STRING=broken).status_code in (200, 302)


def test_odd_url_parameters_are_not_found(world):
    for case, role in PAGES:
        names = case.int_params + case.str_params
        for value in NASTY_TEXT.values() if names else []:
            if not value.strip():
                continue
            url = case.url(world, **dict.fromkeys(names, value))
            assert world.clients[role].get(url).status_code == 404, (case.key, value[:20])


# --- Forms ------------------------------------------------------------------------------------

# Put into one field at a time (every value goes into all fields at once as well).
ONE_AT_A_TIME = ["NUL byte", "100 KB", "SQL", "huge number"]


def _post_and_undo(client, url, data):
    """Post, note what changed, and roll the database back, so each submission starts from
    the same shop."""
    with transaction.atomic():
        before = database_state()
        response = (
            client.post(url, data, content_type="application/x-www-form-urlencoded")
            if isinstance(data, str)
            else client.post(url, data)
        )
        changed = database_state() != before
        transaction.set_rollback(True)
    return response, changed


def _client(world, target):
    return Client() if target.role == "anonymous" else world.clients[target.role]


@pytest.mark.parametrize("target", FORM_TARGETS, ids=str)
def test_odd_form_input_never_causes_a_server_error_and_a_refusal_changes_nothing(target, world):
    url, valid = target.url(world), target.valid(world)
    client = _client(world, target)
    response, changed = _post_and_undo(client, url, target.data(valid))
    assert response.status_code == target.success_status, "the valid submission is not valid"
    assert changed == target.writes
    submissions = {
        f"every field {name}": target.data(dict.fromkeys(valid, v))
        for name, v in NASTY_TEXT.items()
    }
    for field in valid:
        for name in ONE_AT_A_TIME:
            submissions[f"{field} {name}"] = target.data({**valid, field: NASTY_TEXT[name]})
    submissions["bytes that are not UTF-8"] = "&".join(
        [f"{field}=%ff%fe%00" for field in valid]
        + [f"{name}={value}" for name, value in target.fixed.items()]
    )
    problems = []
    for label, data in submissions.items():
        response, changed = _post_and_undo(_client(world, target), url, data)
        if response.status_code >= 500:
            problems.append(f"{label}: {response.status_code}")
        elif changed and target.must_leave_the_database_alone(response.status_code):
            problems.append(f"{label}: answered {response.status_code} but the database changed")
    assert not problems, "\n".join(problems)


STORED_AS_TYPED = [
    "unicode",
    "emoji",
    "right-to-left",
    "SQL",
    "script",
    "template",
    "control characters",
]


@pytest.mark.parametrize("name", STORED_AS_TYPED)
def test_accepted_text_is_stored_and_shown_exactly_as_typed(world, name):
    value = NASTY_TEXT[name]
    client = world.clients["staff"]
    url = f"/backoffice/returns/{world.return_a.pk}/"
    data = {
        **FORM_TARGETS[0].valid(world),
        "reason_text": value,
        "action_text": value,
        "staff_note": value,
    }
    assert client.post(url, data).status_code == 302
    rma = Return.objects.get(pk=world.return_a.pk)
    # Forms trim leading and trailing whitespace; nothing else changes.
    assert rma.reason_text == rma.action_text == value.strip()
    assert rma.notes.order_by("pk").last().text == value.strip()
    page = client.get(url).text
    assert escape(value.strip()) in page
    assert csp_problems(page) == []
    # The customer comment of a return staff create (what the customer told them).
    create = f"/backoffice/orders/{world.order_a.number}/create-return/"
    created = client.post(create, {**FORM_TARGETS[1].valid(world), "customer_comment": value})
    assert created.status_code == 302
    assert Return.objects.order_by("pk").last().customer_comment == value.strip()
    page = client.get(created.url).text
    assert escape(value.strip()) in page
