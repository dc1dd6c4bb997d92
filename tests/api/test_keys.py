"""API keys: made and revoked by admins in Settings > API keys, audited, shown once,
stored hashed; a revoked or expired key is refused."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import ApiKey, AuditEntry
from accounts.services import api_key_hash, api_key_revoke

from .conftest import key_client


def test_an_admin_creates_a_key_and_sees_its_secret_once(admin_client):
    response = admin_client.post(
        "/backoffice/settings/api-keys/", {"name": "Web shop sync", "scope": "write"}
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(f"rbk_{key.prefix}_")
    assert secret in response.content.decode()
    # Only the hash is kept, and the list never shows the secret again.
    assert key.secret_hash == api_key_hash(secret) and secret not in key.secret_hash
    again = admin_client.get("/backoffice/settings/api-keys/")
    assert secret not in again.content.decode() and "Web shop sync" in again.content.decode()
    entry = AuditEntry.objects.get(area="settings.api_keys")
    assert entry.action == "create" and entry.changes["scope"] == [None, "write"]
    assert "Web shop sync" in entry.what


def test_revoking_a_key_is_audited_and_refuses_it_at_once(admin_client, write_key):
    client = key_client(write_key)
    assert client.get("/api/v1/catalog/").status_code == 200
    response = admin_client.post(f"/backoffice/settings/api-keys/{write_key.pk}/revoke/")
    assert response.status_code == 302
    refused = client.get("/api/v1/catalog/")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "This API key has been revoked."
    assert AuditEntry.objects.filter(area="settings.api_keys", action="revoke").count() == 1


def test_an_expired_key_is_refused(write_key):
    ApiKey.objects.filter(pk=write_key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = key_client(write_key).get("/api/v1/catalog/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key has expired."


def test_a_wrong_secret_with_a_real_prefix_is_refused(write_key):
    write_key.secret = write_key.secret[:-4] + "abcd"
    response = key_client(write_key).get("/api/v1/catalog/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_staff_may_not_manage_keys(staff_client):
    assert staff_client.get("/backoffice/settings/api-keys/").status_code == 403


def test_a_key_cannot_log_in_to_the_backoffice(client, write_key, shop_admin):
    api_key_revoke(actor=shop_admin, key=write_key)
    write_key.user.refresh_from_db()
    assert not write_key.user.has_usable_password()
    assert not write_key.user.is_backoffice_user


def test_beyond_the_rate_limit_a_key_gets_429_with_retry_after(write_key, settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW = 60
    client = key_client(write_key)
    codes = [client.get("/api/v1/catalog/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/catalog/")
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # The count lives in the key's row: every web process sees the same number.
    write_key.refresh_from_db()
    assert write_key.window_count == 5 and write_key.last_used_at is not None
    # A new window starts afresh.
    ApiKey.objects.filter(pk=write_key.pk).update(
        window_start=timezone.now() - timedelta(seconds=61)
    )
    assert client.get("/api/v1/catalog/").status_code == 200


def test_a_body_beyond_the_limit_is_a_413(write_key, settings):
    settings.API_MAX_BODY = 1000
    response = key_client(write_key).post(
        "/api/v1/customers/",
        {"email": "big@example.org", "name": "x" * 2000},
        format="json",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_any_bytes_in_the_authorization_header_are_a_401_never_a_500(write_key):
    for header in [
        "Bearer rbk_\x00\x00\x00\x00\x00\x00\x00\x00_" + "a" * 43,
        "Bearer rbk_" + "f" * 300,
        "Bearer " + write_key.secret.replace("rbk_", "RBK_"),
        "Bearer",
        "Bearer a b",
    ]:
        client = key_client(write_key)
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/catalog/").status_code == 401, header
