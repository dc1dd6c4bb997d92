import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from inventory.services import inventory_settings_update
from notifications.services import email_resend
from tests.factories import FailedEmailFactory

LOGIN = "/backoffice/login/"


def test_staff_logs_in_with_email_and_lands_in_the_backoffice(client, staff):
    response = client.post(LOGIN, {"username": staff.email.upper(), "password": "secret-pass-123"})
    assert response.status_code == 302
    assert response.url == "/backoffice/"
    page = client.get("/backoffice/")
    assert b"Orders" in page.content and b"Products" in page.content


def test_customer_cannot_log_in_to_the_backoffice_and_is_told_nothing_more(client, customer):
    response = client.post(LOGIN, {"username": customer.user.email, "password": "secret-pass-123"})
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in response.text
    unknown = client.post(LOGIN, {"username": "nobody@example.org", "password": "x"})
    assert "The e-mail address or password is not correct." in unknown.text
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_are_sent_to_the_backoffice_login(client, db):
    for url in [
        "/backoffice/",
        "/backoffice/orders/",
        "/backoffice/products/",
        "/backoffice/settings/",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN + "?next=")


def test_a_logged_in_customer_opening_the_backoffice_is_refused(customer_client):
    for url in ["/backoffice/", "/backoffice/orders/", "/backoffice/products/"]:
        assert customer_client.get(url).status_code == 403


def test_staff_see_no_settings(staff_client):
    page = staff_client.get("/backoffice/")
    assert b'href="/backoffice/settings/"' not in page.content
    assert staff_client.get("/backoffice/settings/").status_code == 403
    assert staff_client.get("/backoffice/settings/inventory/").status_code == 403
    assert staff_client.get("/backoffice/settings/audit/").status_code == 403


def test_admins_see_settings(admin_client):
    page = admin_client.get("/backoffice/")
    assert b'href="/backoffice/settings/"' in page.content
    assert admin_client.get("/backoffice/settings/").status_code == 200


def test_logout_needs_a_post_and_ends_the_session(staff_client):
    assert staff_client.get("/backoffice/logout/").status_code == 405
    response = staff_client.post("/backoffice/logout/")
    assert response.status_code == 302
    assert staff_client.get("/backoffice/orders/").status_code == 302


def test_audit_log_shows_who_changed_what(admin_client, shop_admin):
    inventory_settings_update(actor=shop_admin, stock_linked_to_pos=True)
    entry = AuditEntry.objects.get()
    assert entry.actor == shop_admin
    assert entry.changes == {"stock_linked_to_pos": [False, True]}
    page = admin_client.get(reverse("accounts:audit-log"))
    assert "Stock linked to a point of sale" in page.text
    assert "off → on" in page.text
    assert "Ada Admin" in page.text


def test_audit_log_shows_a_choice_as_its_label_in_the_readers_language(admin_client, shop_admin):
    email_resend(email=FailedEmailFactory(), actor=shop_admin)
    assert AuditEntry.objects.get().changes == {"state": ["failed", "queued"]}
    assert "Failed → Queued" in admin_client.get(reverse("accounts:audit-log")).text
    admin_client.cookies["django_language"] = "nl"
    assert "Mislukt → In de wachtrij" in admin_client.get(reverse("accounts:audit-log")).text


@pytest.mark.django_db
def test_audit_entries_are_append_only(shop_admin):
    inventory_settings_update(actor=shop_admin, stock_linked_to_pos=True)
    entry = AuditEntry.objects.get()
    entry.target = "tampered"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
