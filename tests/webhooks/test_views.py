"""Settings > Webhooks: admins only; the secret is shown once; every action goes through
the services. (Who may open which URL is also in tests/security/matrix.py.)"""

import re

import pytest

from tests.factories import AdminUserFactory
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

URL = "https://93.184.216.34/hooks"  # a public address written as an IP: no DNS needed


@pytest.fixture
def endpoint(shop_admin):
    return services.endpoint_create(actor=shop_admin, url=URL, events=["return.created"])[0]


def secret_in(html: str) -> str | None:
    found = re.search(r'data-testid="webhook-secret">(whsec_[^<]+)<', html)
    return found.group(1) if found else None


def test_an_admin_creates_an_endpoint_and_sees_its_secret_once(admin_client):
    page = admin_client.get("/backoffice/settings/webhooks/new/")
    assert page.status_code == 200
    assert 'value="return.status_changed"' in page.content.decode()
    answer = admin_client.post(
        "/backoffice/settings/webhooks/new/",
        {"url": URL, "events": ["return.created", "order.upserted"], "description": "WMS"},
    )
    assert answer.status_code == 200
    secret = secret_in(answer.content.decode())
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret
    assert endpoint.events == ["return.created", "order.upserted"]
    for path in (
        "/backoffice/settings/webhooks/",
        endpoint.get_absolute_url(),
        f"/backoffice/settings/webhooks/{endpoint.pk}/edit/",
    ):
        assert secret not in admin_client.get(path).content.decode()


def test_a_private_url_is_refused_on_the_form(admin_client):
    answer = admin_client.post(
        "/backoffice/settings/webhooks/new/",
        {"url": "https://169.254.169.254/latest", "events": ["return.created"]},
    )
    assert answer.status_code == 200
    assert "private network" in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_http_is_refused_on_the_form(admin_client):
    answer = admin_client.post(
        "/backoffice/settings/webhooks/new/",
        {"url": "http://93.184.216.34/hooks", "events": ["return.created"]},
    )
    assert "must start with https" in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_rotating_shows_the_new_secret_once(admin_client, endpoint):
    old = endpoint.secret
    answer = admin_client.post(f"/backoffice/settings/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert secret_in(answer.content.decode()) == endpoint.secret != old
    assert endpoint.previous_secret == old


def test_edit_pause_resume_and_test_event(admin_client, endpoint):
    base = f"/backoffice/settings/webhooks/{endpoint.pk}"
    answer = admin_client.post(
        f"{base}/edit/", {"url": URL + "/v2", "events": ["return.status_changed"]}
    )
    assert answer.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == (URL + "/v2", ["return.status_changed"])
    admin_client.post(f"{base}/pause/", {"reason": "Maintenance"})
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.paused_reason == "Maintenance"
    assert (
        'data-testid="paused-webhooks"'
        in admin_client.get("/backoffice/settings/").content.decode()
    )
    admin_client.post(f"{base}/resume/")
    endpoint.refresh_from_db()
    assert endpoint.active
    admin_client.post(f"{base}/test/")
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "webhook.test"
    page = admin_client.get(base + "/").content.decode()
    assert f"/backoffice/settings/webhooks/deliveries/{delivery.pk}/" in page


def test_a_delivery_page_shows_attempts_and_sends_again(admin_client, endpoint):
    delivery = services.endpoint_send_test(actor=None, endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state="failed", last_error="HTTP 410")
    path = f"/backoffice/settings/webhooks/deliveries/{delivery.pk}/"
    page = admin_client.get(path).content.decode()
    assert "HTTP 410" in page and delivery.message_id in page
    assert admin_client.post(path + "resend/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == "pending"


def test_the_return_page_lists_its_deliveries_for_admins(
    client, shop_admin, staff, endpoint, create_return
):
    rma = create_return()
    client.force_login(shop_admin)
    page = client.get(f"/backoffice/returns/{rma.pk}/").content.decode()
    assert "return.created" in page and 'id="return-webhooks"' in page
    client.force_login(staff)
    staff_page = client.get(f"/backoffice/returns/{rma.pk}/").content.decode()
    assert 'id="return-webhooks"' not in staff_page


def test_staff_get_403_on_every_webhooks_page(staff_client, endpoint):
    for path in (
        "/backoffice/settings/webhooks/",
        "/backoffice/settings/webhooks/new/",
        f"/backoffice/settings/webhooks/{endpoint.pk}/",
    ):
        assert staff_client.get(path).status_code == 403
    assert (
        staff_client.post(f"/backoffice/settings/webhooks/{endpoint.pk}/pause/").status_code == 403
    )
    endpoint.refresh_from_db()
    assert endpoint.active


@pytest.mark.parametrize("language", ["nl", "de", "fr"])
def test_the_pages_are_translated(client, endpoint, language, settings):
    client.force_login(AdminUserFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/backoffice/settings/webhooks/").content.decode()
    assert "Signed HTTPS POST" not in page
    assert {"nl": "Eindpunten", "de": "Endpunkte", "fr": "Points de terminaison"}[language] in page


def test_the_list_is_a_fixed_number_of_queries(
    admin_client, shop_admin, django_assert_max_num_queries
):
    for n in range(20):
        services.endpoint_create(actor=shop_admin, url=f"{URL}/{n}", events=["return.created"])
    with django_assert_max_num_queries(12):
        admin_client.get("/backoffice/settings/webhooks/")
