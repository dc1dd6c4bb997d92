"""E-mails from a hostile shop (SPEC §4; ASVS 5.0 V1.3.7 template injection, V1.3.10 format
strings, V1.3.11 mail injection, V1.2.1 output encoding).

The payload tries the browser (a script, an attribute break-out), the Django template engine
(`{{ }}`, `{% %}`) and str.format (`{x.__class__}`, `{0}`, `{:>99999999}`). It sits in the
customer's name and, with its braces doubled as the formatter asks, in the admins' e-mail
templates (tests/security/world.py), and in what admins and staff type that e-mails carry:
the return address and instructions, a message to the customer. The e-mails take the real
path: a staff member saves a status change with Notify customer, the customer requests a
return (the shop's e-mail and the customer's confirmation), staff send a message, an admin
resends the e-mail the mail server refused; notifications.services.email_queue renders
them into the outbox and the task worker delivers them to a real SMTP server
(tests/mail.py). In every one the payload is literal text in the text part and escaped in
the HTML part, and nothing in it was evaluated: no secret, no object, no 100-MB padding.
"""

import pytest
from django.conf import settings
from django.utils.html import escape

from notifications.models import OutgoingEmail
from orders.models import Customer
from returns.models import ReturnSettings
from tests.mail import run_worker

from .html import csp_problems
from .targets import FORM_TARGETS, TEMPLATE_EDITOR
from .world import ADMIN, CUSTOMER_A, STAFF, build_world, database_state, literal

PAYLOAD = (
    "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    "{{ settings.SECRET_KEY }}{% debug %}{x.__class__}{0}{:>99999999}"
)
# What evaluating any part of it would have put into the e-mail.
EVALUATED = ["<class ", "sql_queries", "{'"]

TARGETS = {target.name: target for target in FORM_TARGETS}
# Besides the customer's name, what staff typed that an e-mail carries (inert).
CARRIED = {
    "return_request_received": [f"{PAYLOAD} Dock 4", f"{PAYLOAD} Bon erin."],
    "return_message": [f"{PAYLOAD} Hello"],
}


def _post(world, role, target_name):
    target = TARGETS[target_name]
    response = world.clients[role].post(target.url(world), target.data(target.valid(world)))
    assert response.status_code == target.success_status, target_name


def _parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def _inert_problems(message, *, expected: list[str]) -> list[str]:
    """What is wrong with a delivered message that should carry each of `expected` inert."""
    text, html = _parts(message)
    raw = message.as_string()
    problems = []
    for value in expected:
        if value not in text:
            problems.append(f"the text part lacks {value[:30]!r}... as typed")
        if escape(value) not in html:
            problems.append(f"the HTML part lacks {value[:30]!r}... escaped")
    if PAYLOAD in html or "<script" in html:
        problems.append("the HTML part holds the payload unescaped")
    problems += [f"HTML part: {problem}" for problem in csp_problems(html)]
    if settings.SECRET_KEY in raw:
        problems.append("the SECRET_KEY is in the message")
    problems += [f"evaluated: {marker!r}" for marker in EVALUATED if marker in text]
    if len(raw) > 20_000:
        problems.append(f"{len(raw)} bytes: a format spec was applied")
    if "\n" in message["Subject"] or "\r" in message["Subject"]:
        problems.append("the subject is more than one line")
    return problems


@pytest.mark.django_db(transaction=True)
def test_every_email_of_a_hostile_shop_carries_the_payload_inert(smtp_server):
    world = build_world(text=PAYLOAD)
    name = world.texts["customer A name"]
    # Customer A reads Dutch: their status e-mail comes from the shipped Dutch text, the
    # shop's e-mail and the resent one from the admins' English texts (the payload in them).
    Customer.objects.filter(pk=world.customer_a.pk).update(language="nl")

    # Where the parcel goes, typed by an admin (the customer's confirmation carries it).
    ReturnSettings.objects.update_or_create(
        pk=1,
        defaults={
            "return_address": f"{PAYLOAD} Dock 4",
            "return_instructions": {"nl": f"{PAYLOAD} Bon erin."},
        },
    )

    _post(world, STAFF, "return form")  # a status change with Notify customer
    # The shop's "new return request", and the customer's confirmation of it.
    _post(world, CUSTOMER_A, "request a return")
    message = world.clients[STAFF].post(
        f"/backoffice/returns/{world.return_a.pk}/message/", {"text": f"{PAYLOAD} Hello"}
    )
    assert message.status_code == 302
    resend = world.clients[ADMIN].post(f"/backoffice/outbox/{world.email.pk}/resend/")
    assert resend.status_code == 302
    run_worker()

    rows = {email.message_id: email for email in OutgoingEmail.objects.all()}
    assert len(rows) == len(smtp_server.messages) == 5
    problems = []
    kinds = []
    for message in smtp_server.messages:
        email = rows[message["Message-ID"]]
        assert message["X-Envelope-To"] == email.to
        kinds.append((email.event, email.language))
        expected = [name, *CARRIED.get(email.event, [])]
        if email.language == "en":  # from the admins' texts: the payload is the text itself
            expected.append(PAYLOAD)
            if not message["Subject"].startswith(PAYLOAD):
                problems.append(f"{email.event}: the subject is not the payload as typed")
        problems += [
            f"{email.event}/{email.language}: {p}"
            for p in _inert_problems(message, expected=expected)
        ]
    assert not problems, "\n".join(problems)
    assert sorted(kinds) == [
        ("return_message", "nl"),
        ("return_request_received", "nl"),
        ("return_requested", "en"),
        ("return_status_changed", "en"),  # the world's, resent
        ("return_status_changed", "nl"),
    ]
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_line_break_in_a_value_adds_no_header_and_no_recipient(smtp_server):
    """ASVS V1.3.11: a customer's name is one line of the subject, whatever it holds."""
    world = build_world()
    Customer.objects.filter(pk=world.customer_a.pk).update(
        name="Chris\r\nBcc: thief@evil.example\r\nX-Injected: yes"
    )
    saved = world.clients[ADMIN].post(
        TEMPLATE_EDITOR,
        {"subject": "{customer_name}: {status}", "body": "Dear {customer_name}", "action": "save"},
    )
    assert saved.status_code == 302
    _post(world, STAFF, "return form")
    run_worker()

    [message] = smtp_server.messages  # the world's own e-mail stays failed
    assert message["X-Envelope-To"] == world.customer_a.user.email
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["Subject"] == "Chris Bcc: thief@evil.example X-Injected: yes: In progress"


def _preview_section(page: str) -> str:
    return page.split('id="preview-title"', 1)[1].split("</section>", 1)[0]


def test_the_preview_shows_the_payload_as_text_and_evaluates_nothing(db):
    world = build_world(text=PAYLOAD)
    client = world.clients[ADMIN]
    before = database_state()
    response = client.post(
        TEMPLATE_EDITOR,
        {
            "subject": literal(PAYLOAD) + " {customer_name}",
            "body": literal(PAYLOAD) + "\n\n{customer_name}\n{return_url}",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject.startswith(PAYLOAD) and preview.body.startswith(PAYLOAD)
    shown = _preview_section(response.text)
    assert shown.count(escape(PAYLOAD)) == 2  # the subject and the text
    assert PAYLOAD not in response.text and settings.SECRET_KEY not in response.text
    assert not [marker for marker in EVALUATED if marker in preview.body]
    assert csp_problems(response.text) == []
    assert database_state() == before


def test_a_template_that_tries_to_reach_anything_is_refused_on_preview_and_save(db):
    world = build_world(text=PAYLOAD)
    client = world.clients[ADMIN]
    before = database_state()
    for action in ["preview", "save"]:
        response = client.post(
            TEMPLATE_EDITOR, {"subject": PAYLOAD, "body": PAYLOAD, "action": action}
        )
        assert response.status_code == 200, action
        assert response.context["preview"] is None
        errors = " ".join(response.context["form"].errors["body"])
        for field in ["{% debug %}", "{x.__class__}", "{0}", "{:>99999999}"]:
            assert field in errors, (action, field)
        assert PAYLOAD not in response.text and settings.SECRET_KEY not in response.text
        assert csp_problems(response.text) == []
    assert database_state() == before
