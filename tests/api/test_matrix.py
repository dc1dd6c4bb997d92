"""Every API endpoint × method × caller: anonymous, a key that is not one, a read key, a
write key, a revoked key, an expired key, a staff session, a customer session. The
session roles of the project-wide matrix are in tests/security/matrix.py too; this table
adds the keys, and fails on an API URL it does not list."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import api_key_create, api_key_revoke
from tests.security.matrix import project_patterns
from tests.security.world import build_world

ANON, BOGUS, READ, WRITE, REVOKED, EXPIRED, STAFF, CUSTOMER = (
    "anonymous",
    "no valid key",
    "read key",
    "write key",
    "revoked key",
    "expired key",
    "staff session",
    "customer session",
)
CALLERS = [ANON, BOGUS, READ, WRITE, REVOKED, EXPIRED, STAFF, CUSTOMER]


def _order_body(w):
    return {
        "number": "API-1",
        "customer": {"email": "api-buyer@example.org", "name": "Buyer"},
        "status": "paid",
        "lines": [{"sku": w.line_a.sku, "title": "Sock", "quantity": 1, "unit_price": "2.00"}],
    }


# pattern -> {method: (what it does, body(world) or None)}; a method not listed is 405.
ENDPOINTS = {
    "api/v1/returns/": {
        "GET": ("read", None),
        "POST": (
            "write",
            lambda w: {
                "order_number": w.order_a.number,
                "lines": [{"order_line": w.line_a.pk, "quantity": 1}],
                "reason": {"id": w.reason.pk},
            },
        ),
    },
    "api/v1/returns/<int:pk>/": {
        "GET": ("read", None),
        "PATCH": ("write", lambda w: {"staff_note": "Seen."}),
    },
    "api/v1/returns/<int:pk>/notes/": {"POST": ("write", lambda w: {"text": "A note."})},
    "api/v1/orders/": {"POST": ("write", _order_body)},
    "api/v1/orders/<str:number>/": {"GET": ("read", None)},
    "api/v1/customers/": {"POST": ("write", lambda w: {"email": "kim@example.org", "name": "Kim"})},
    "api/v1/products/": {
        "POST": (
            "write",
            lambda w: {"name": "Cap", "variants": [{"sku": "CAP", "title": "", "price": "9"}]},
        )
    },
    "api/v1/products/<str:sku>/": {"GET": ("read", None)},
    "api/v1/catalog/": {"GET": ("read", None)},
    "api/v1/settings/": {"GET": ("read", None)},
}
PUBLIC = {"api/v1/schema/", "api/v1/docs/"}
METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]


def expected(caller: str, method: str, spec: dict) -> set[int]:
    if caller in (ANON, BOGUS, REVOKED, EXPIRED):
        return {401}
    if caller == CUSTOMER:
        return {403}
    writes = method not in ("GET", "HEAD", "OPTIONS")
    if method not in spec:
        # Who may not write is refused before the method is looked at.
        return {403} if writes and caller in (READ, STAFF) else {405}
    if spec[method][0] == "write" and caller in (READ, STAFF):
        return {403}
    return {200, 201}


def test_every_api_url_is_in_the_table():
    api = {p.key for p in project_patterns() if p.key.startswith("api/")}
    assert api == set(ENDPOINTS) | PUBLIC


@pytest.fixture
def callers(db):
    world = build_world()
    admin = world.admin
    keys = {}
    for caller, scope in [(READ, "read"), (WRITE, "write"), (REVOKED, "write"), (EXPIRED, "write")]:
        key, secret = api_key_create(actor=admin, name=caller, scope=scope)
        keys[caller] = (key, secret)
    api_key_revoke(actor=admin, key=keys[REVOKED][0])
    ApiKey.objects.filter(pk=keys[EXPIRED][0].pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    clients = {}
    for caller in CALLERS:
        client = APIClient()
        if caller in keys:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {keys[caller][1]}")
        elif caller == BOGUS:
            client.credentials(HTTP_AUTHORIZATION="Bearer rbk_00000000_not-a-key")
        elif caller == STAFF:
            client.force_login(world.staff)
        elif caller == CUSTOMER:
            client.force_login(world.customer_a.user)
        clients[caller] = client
    return world, clients


def _url(pattern: str, world) -> str:
    return "/" + (
        pattern.replace("<int:pk>", str(world.return_a.pk))
        .replace("<str:number>", world.order_a.number)
        .replace("<str:sku>", world.line_a.sku)
    )


def test_each_caller_gets_what_the_table_says(callers):
    world, clients = callers
    problems = []
    for pattern, spec in ENDPOINTS.items():
        url = _url(pattern, world)
        for method in METHODS:
            body = spec[method][1](world) if method in spec and spec[method][1] else {}
            for caller in CALLERS:
                headers = {}
                if method == "PATCH":
                    etag = clients[WRITE].get(url).get("ETag", "")
                    headers["HTTP_IF_MATCH"] = etag
                response = clients[caller].generic(
                    method, url, data=_json(body), content_type="application/json", **headers
                )
                wanted = expected(caller, method, spec)
                if response.status_code not in wanted:
                    problems.append(
                        f"{method} {url} as {caller}: {response.status_code}, expected {wanted}"
                    )
                elif (
                    response.status_code >= 400
                    and response["Content-Type"] != "application/problem+json"
                ):
                    problems.append(f"{method} {url} as {caller}: not a problem document")
    assert not problems, "\n".join(problems)


def test_a_staff_session_write_without_the_csrf_token_is_refused(callers):
    world, _clients = callers
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    response = client.post("/api/v1/returns/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def _json(body):
    return json.dumps(body)
