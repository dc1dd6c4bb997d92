"""Login throttling (django-axes) on every login page: the backoffice, the customer account
and Django's admin. Limit 5 failures, 15 minutes cool-off (settings.py)."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import RequestFactory, override_settings

from accounts.throttling import client_ip
from tests import factories

from .html import csp_problems

LOCKOUT = "Too many failed attempts to log in. Wait 15 minutes and try again."
WRONG = "The e-mail address or password is not correct."
PASSWORD = "secret-pass-123"
HOME = "1.2.3.4"
ELSEWHERE = "5.6.7.8"


@pytest.fixture(
    params=[
        ("/backoffice/login/", "staff"),
        ("/account/login/", "customer"),
        ("/django-admin/login/", "superuser"),
    ],
    ids=["backoffice", "account", "django-admin"],
)
def login(request, db):
    """(login URL, e-mail of an account that may log in there)."""
    url, kind = request.param
    if kind == "staff":
        user = factories.StaffUserFactory()
    elif kind == "customer":
        user = factories.CustomerFactory().user
    else:
        user = factories.UserFactory(is_staff=True, is_superuser=True)
    return url, user.email


def _attempt(client, url, email, password, ip=HOME):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _fail(client, url, email, times, ip=HOME):
    return [_attempt(client, url, email, "wrong-password", ip) for _ in range(times)]


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_that_address_from_that_ip(client, login):
    url, email = login
    responses = _fail(client, url, email, 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    if url != "/django-admin/login/":
        assert WRONG in responses[0].text and LOCKOUT not in responses[0].text
    assert LOCKOUT in responses[-1].text
    assert csp_problems(responses[-1].text) == []
    # The right password changes nothing while locked: the lock is not an oracle.
    locked = _attempt(client, url, email, PASSWORD)
    assert locked.status_code == 429 and LOCKOUT in locked.text
    assert not _logged_in(client)


def test_the_lock_is_per_address_and_ip_so_nobody_can_lock_someone_else_out(client, login):
    url, email = login
    _fail(client, url, email, 5, ip=ELSEWHERE)  # an attacker, somewhere else
    # Another address from the attacker's IP is not locked...
    assert _attempt(client, url, "someone@example.org", "x", ip=ELSEWHERE).status_code == 200
    # ...and the owner, from their own IP, logs in.
    response = _attempt(client, url, email, PASSWORD, ip=HOME)
    assert response.status_code == 302 and _logged_in(client)


def test_the_lock_lifts_after_the_cool_off(client, login):
    url, email = login
    _fail(client, url, email, 5)
    # Attempts while locked do not extend the lock.
    _fail(client, url, email, 3)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    response = _attempt(client, url, email, PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_a_successful_login_resets_the_count(client, login):
    url, email = login
    _fail(client, url, email, 4)
    assert _attempt(client, url, email, PASSWORD).status_code == 302
    client.logout()
    assert [r.status_code for r in _fail(client, url, email, 4)] == [200] * 4
    assert _attempt(client, url, email, PASSWORD).status_code == 302


def _normalised(response, email):
    text = response.text.replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_the_lockout_looks_the_same_for_an_address_without_account(client, login):
    url, email = login
    known = _fail(client, url, email, 5)[-1]
    unknown_email = "nobody-here@example.org"
    unknown = _fail(client, url, unknown_email, 5)[-1]
    assert known.status_code == unknown.status_code == 429
    assert _normalised(known, email) == _normalised(unknown, unknown_email)


def test_spelling_the_address_differently_does_not_dodge_the_lock(client, login):
    url, email = login
    for spelling in [email, email.upper(), f"  {email}", email.title(), email]:
        _attempt(client, url, spelling, "wrong-password")
    assert AccessAttempt.objects.get().username == email
    assert _attempt(client, url, email.upper(), PASSWORD).status_code == 429


# --- Which IP counts --------------------------------------------------------------------


def _request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().post("/backoffice/login/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_a_forged_forwarded_for_is_ignored():
    assert client_ip(_request("9.9.9.9", forwarded="1.1.1.1")) == "9.9.9.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts_and_nothing_left_of_it():
    # The client forged "1.1.1.1"; the proxy appended the address it really saw.
    assert client_ip(_request("10.0.0.1", forwarded="1.1.1.1, 8.8.8.8")) == "8.8.8.8"
    assert client_ip(_request("10.0.0.1", forwarded="8.8.8.8")) == "8.8.8.8"
    # Nothing forwarded (a request that bypassed the proxy): the connection's address.
    assert client_ip(_request("10.0.0.1")) == "10.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_forged_addresses_do_not_spread_the_count(client, db):
    staff = factories.StaffUserFactory()
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        client.post(
            "/backoffice/login/",
            {"username": staff.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forged}, 7.7.7.7",
        )
    assert AccessAttempt.objects.get().ip_address == "7.7.7.7"
    response = client.post(
        "/backoffice/login/",
        {"username": staff.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 7.7.7.7",
    )
    assert response.status_code == 429


def test_a_login_without_request_is_not_throttled_but_still_checks_the_password(client, db):
    """Client.login() and shell code call authenticate() without a request: no client to
    count, so no lockout, but the password is checked as always."""
    staff = factories.StaffUserFactory()
    assert not client.login(username=staff.email, password="wrong")
    assert client.login(username=staff.email, password=PASSWORD)
    assert not AccessAttempt.objects.exists()
