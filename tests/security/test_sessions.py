"""Sessions (ASVS V7) and passwords: how long a login lasts on each side, that a login gets
a new session, that logging out, expiring and deactivating end it, and that the password
validators refuse weak passwords."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import Session

PASSWORD = "secret-pass-123"


def _login(client, url, email):
    client.get(url)  # an anonymous session may exist before the login
    return client.post(url, {"username": email, "password": PASSWORD})


def test_backoffice_sessions_last_eight_hours_and_end_with_the_browser(client, staff):
    response = _login(client, "/backoffice/login/", staff.email)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_customer_sessions_last_two_weeks_across_browser_restarts(client, customer):
    response = _login(client, "/account/login/", customer.user.email)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 14 * 24 * 60 * 60
    assert not client.session.get_expire_at_browser_close()


@pytest.mark.parametrize("side", ["backoffice", "account"])
def test_a_login_gets_a_new_session_key(client, staff, customer, side):
    url, email = (
        ("/backoffice/login/", staff.email)
        if side == "backoffice"
        else ("/account/login/", customer.user.email)
    )
    client.get("/")
    session = client.session
    session["planted"] = True  # a session that existed before the login (fixation)
    session.save()
    before = session.session_key
    _login(client, url, email)
    assert client.session.session_key != before


def test_logout_ends_the_session_on_the_server(staff_client):
    stolen = staff_client.cookies[settings.SESSION_COOKIE_NAME].value
    staff_client.post("/backoffice/logout/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get("/backoffice/orders/")
    assert response.status_code == 302 and response.url.startswith("/backoffice/login/")


def test_an_expired_session_has_to_log_in_again(staff_client):
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = staff_client.get("/backoffice/orders/")
    assert response.status_code == 302 and response.url.startswith("/backoffice/login/")


def test_deactivating_a_login_ends_its_sessions(staff_client, staff):
    assert staff_client.get("/backoffice/orders/").status_code == 200
    staff.is_active = False
    staff.save()
    response = staff_client.get("/backoffice/orders/")
    assert response.status_code == 302 and response.url.startswith("/backoffice/login/")


def test_taking_a_role_away_applies_at_once(staff_client, staff):
    staff.groups.clear()
    assert staff_client.get("/backoffice/orders/").status_code == 403


@pytest.mark.parametrize(
    "password",
    ["short-Pw1", "password1234", "123456789012345", "sam.staff@example.org"],
    ids=["shorter than 12", "common", "digits only", "like the e-mail"],
)
def test_weak_passwords_are_refused(staff, password):
    staff.email = "sam.staff@example.org"
    with pytest.raises(ValidationError):
        validate_password(password, user=staff)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "ünïcødé pässwörd ✓", "x" * 20 + "-" + "y" * 59],
    ids=["a passphrase", "any characters", "80 characters"],
)
def test_long_passwords_of_any_characters_are_accepted(staff, password):
    validate_password(password, user=staff)
