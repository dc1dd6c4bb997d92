"""One query per request for the session and its user (accounts.sessions and
accounts.middleware), with every check of django.contrib.auth.get_user kept."""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.middleware import AuthenticationMiddleware
from accounts.models import Session, User
from accounts.sessions import SessionStore
from tests.factories import AdminUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"
HOME = "/backoffice/returns/"


def _logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def _is_logged_in(client) -> bool:
    return client.get(HOME).status_code == 200


def _edit_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_the_session_and_its_user_are_one_query(staff):
    client = _logged_in(staff)
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    first = queries.captured_queries[0]["sql"]
    assert 'FROM "accounts_session"' in first and '"accounts_user"' in first
    assert "core_configversion" in first
    alone = [q["sql"] for q in queries if q["sql"].lstrip().startswith('SELECT "accounts_user"')]
    assert not alone, alone


def test_the_session_row_names_its_user_and_goes_with_a_deleted_user(staff):
    client = _logged_in(staff)
    key = client.session.session_key
    assert Session.objects.get(session_key=key).user_id == staff.pk
    staff.delete()
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(HOME).status_code == 302


def test_login_and_logout(staff):
    client = Client()
    assert (
        client.post(
            "/backoffice/login/", {"username": staff.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert _is_logged_in(client)
    client.post("/backoffice/logout/")
    assert not _is_logged_in(client)


def test_a_password_change_logs_out_the_other_sessions(staff):
    other = _logged_in(staff)
    staff.set_password("another-pass-456")
    staff.save()
    assert not _is_logged_in(other)
    assert SESSION_KEY not in other.session  # flushed


def test_a_deactivated_user_is_logged_out_at_the_next_request(staff):
    client = _logged_in(staff)
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert not _is_logged_in(client)


def test_a_session_naming_a_backend_not_configured_is_anonymous(staff):
    client = _logged_in(staff)
    _edit_session(client, **{BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"})
    assert not _is_logged_in(client)


def test_a_session_naming_another_configured_backend_asks_that_backend(staff):
    """The user is that backend's get_user, as in Django: the throttle backend has none,
    and Django's get_user fails the same way (no login ever names it)."""
    client = _logged_in(staff)
    _edit_session(client, **{BACKEND_SESSION_KEY: "accounts.backends.LoginThrottleBackend"})
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    with pytest.raises(AttributeError):
        auth.get_user(request)
    with pytest.raises(AttributeError):
        client.get(HOME)


def test_a_backend_with_its_own_get_user_is_asked(staff, monkeypatch):
    from accounts.backends import EmailBackend

    asked = []

    def get_user(self, user_id):
        asked.append(user_id)
        return None

    client = _logged_in(staff)
    monkeypatch.setattr(EmailBackend, "get_user", get_user)
    assert not _is_logged_in(client)
    assert asked == [staff.pk]


def test_a_session_of_another_user_id_than_its_row_reads_that_user(staff):
    client = _logged_in(staff)
    other = StaffUserFactory()
    session = client.session
    session[SESSION_KEY] = str(other.pk)
    session[HASH_SESSION_KEY] = other.get_session_auth_hash()
    session.save()
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.wsgi_request.user == other


def test_a_session_signed_with_a_previous_secret_key_is_kept_and_moved(staff):
    old = "tests-only-old-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    with override_settings(SECRET_KEY=old):
        client = _logged_in(staff)
        before = client.session.session_key
    new = "tests-only-new-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    with override_settings(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[old]):
        assert _is_logged_in(client)
        session = client.session
        assert session.session_key != before  # cycled
        assert session[HASH_SESSION_KEY] == User.objects.get(pk=staff.pk).get_session_auth_hash()
    with override_settings(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[]):
        assert _is_logged_in(client)  # now signed with the new key


def test_a_session_signed_with_an_unknown_secret_key_is_flushed(staff):
    old = "tests-only-old-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    with override_settings(SECRET_KEY=old):
        client = _logged_in(staff)
    assert not _is_logged_in(client)
    assert SESSION_KEY not in client.session


def test_the_customer_side_logs_in(customer):
    client = Client()
    response = client.post(
        "/account/login/", {"username": customer.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/account/").wsgi_request.user == customer.user


def test_the_django_admin_works(db):
    admin = AdminUserFactory(is_staff=True, is_superuser=True)
    client = _logged_in(admin)
    assert client.get("/django-admin/").status_code == 200


def test_the_api_takes_a_staff_session(staff):
    client = _logged_in(staff)
    response = client.get("/api/v1/returns/")
    assert response.status_code == 200, response.content[:300]


def test_request_auser_is_django_s(staff):
    store = SessionStore()
    store[SESSION_KEY] = str(staff.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    store.save()
    request = RequestFactory().get("/")
    request.session = SessionStore(store.session_key)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    assert async_to_sync(request.auser)() == staff
    assert request.user == staff


def test_clearsessions_still_works(staff):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    client = _logged_in(staff)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    call_command("clearsessions")
    assert not Session.objects.exists()
    assert client.get(HOME).status_code == 302
