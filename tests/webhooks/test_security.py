"""SSRF: a webhook never goes to this machine, the private network or a metadata service,
checked when an endpoint is saved and again before every request."""

import socket

import pytest

from webhooks import delivery, security, services
from webhooks.exceptions import InvalidWebhookEndpoint, UnsafeWebhookUrl

BLOCKED = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 (a value under test, not a bind)
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "224.0.0.1",
    "240.0.0.1",
]


@pytest.mark.parametrize("address", BLOCKED)
def test_private_and_special_addresses_are_blocked(address):
    assert security.address_blocked(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_not(address):
    assert not security.address_blocked(address)


def fake_dns(monkeypatch, addresses):
    """What the name server answers for every name (the test cannot own a public DNS)."""

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port),
            )
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://localhost/hook",
        "https://LocalHost:8443/hook",
    ],
)
def test_saving_an_endpoint_that_leads_inside_is_refused(url, shop_admin, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(InvalidWebhookEndpoint) as error:
        services.endpoint_create(actor=shop_admin, url=url, events=["return.created"])
    assert error.value.field == "url"
    assert "private network" in error.value.message


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    fake_dns(monkeypatch, ["93.184.216.34", "10.1.2.3"])
    with pytest.raises(UnsafeWebhookUrl):
        security.resolve("https://hooks.example.com/in")


def test_a_public_name_is_accepted_and_connected_to_by_its_checked_address(monkeypatch, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    fake_dns(monkeypatch, ["93.184.216.34"])
    target = security.resolve("https://hooks.example.com:8443/in?x=1")
    assert target == security.Target("https", "hooks.example.com", 8443, "/in?x=1", "93.184.216.34")


def test_dns_rebinding_after_saving_is_caught_before_the_request(monkeypatch, settings, shop_admin):
    """Public when saved, 127.0.0.1 when the request goes: refused, nothing connects."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    fake_dns(monkeypatch, ["93.184.216.34"])
    services.endpoint_create(
        actor=shop_admin, url="https://rebind.example.com/in", events=["return.created"]
    )
    fake_dns(monkeypatch, ["127.0.0.1"])
    result = delivery.post("https://rebind.example.com/in", body=b"{}", headers={})
    assert not result.delivered and result.permanent
    assert "127.0.0.1" in result.error


def test_http_is_refused_unless_debug(settings, monkeypatch):
    fake_dns(monkeypatch, ["93.184.216.34"])
    settings.DEBUG = False
    with pytest.raises(UnsafeWebhookUrl):
        security.resolve("http://hooks.example.com/in")
    for url in ("ftp://hooks.example.com/", "file:///etc/passwd", "gopher://x/"):
        with pytest.raises(UnsafeWebhookUrl):
            security.resolve(url)
    settings.DEBUG = True
    assert security.resolve("http://hooks.example.com/in").scheme == "http"


def test_credentials_in_the_url_are_refused(settings, monkeypatch):
    fake_dns(monkeypatch, ["93.184.216.34"])
    with pytest.raises(UnsafeWebhookUrl):
        security.resolve("https://user:pw@hooks.example.com/in")


def test_a_name_that_does_not_resolve_is_refused_on_save_and_retried_at_delivery(shop_admin):
    url = "https://does-not-exist.invalid/in"
    with pytest.raises(InvalidWebhookEndpoint):
        services.endpoint_create(actor=shop_admin, url=url, events=["return.created"])
    result = delivery.post(url, body=b"{}", headers={})
    assert not result.delivered and not result.permanent


def test_allowing_private_addresses_lets_a_local_receiver_be_saved(shop_admin, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    endpoint, secret = services.endpoint_create(
        actor=shop_admin, url="https://127.0.0.1:9/in", events=["return.created"]
    )
    assert endpoint.pk and secret.startswith("whsec_")


def test_the_default_is_to_refuse_private_addresses():
    from returns_backoffice import settings as project

    assert project.WEBHOOK_ALLOW_PRIVATE is False


def test_retry_after_is_read_as_seconds_or_a_date():
    assert delivery.retry_after("120") == 120
    assert delivery.retry_after("") is None
    assert delivery.retry_after("soon") is None
    assert delivery.retry_after("99999999") == delivery.MAX_RETRY_AFTER
    assert 0 <= delivery.retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 1
