"""Property-based tests from the OpenAPI description (Schemathesis): requests generated
for every operation, sent with a write key through the whole app (Django's WSGI handler,
every middleware), on the database the suite runs on (PostgreSQL in CI). No answer may be
a 5xx, and every answer must be what the description says: status code, content type,
headers and body."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_key_create
from tests.security.world import build_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Generated requests per run, reported at the end of the session (tests/api/conftest.py).
SENT: dict[str, int] = {}


def _description() -> dict:
    """The description /api/v1/schema/ serves, made the same way (drf-spectacular): read
    when the tests are collected, as parametrizing needs it then."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_description())
schema.app = WSGIHandler()
# Valid requests and invalid ones (wrong types, values out of range, missing fields, NUL
# characters in text): every one must be answered, none with a 5xx.
schema.config.generation.update(modes=list(schemathesis.GenerationMode))


@pytest.fixture
def wsgi_calls_keep_the_connection():
    """Django closes a connection in a transaction at the end of each request; the test
    database lives in one (the test's). Django's test client unhooks it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def write_secret(db, shop_admin, settings, wsgi_calls_keep_the_connection):
    # The generated requests come from one key, far more than a shop's tool sends.
    settings.API_RATE_LIMIT = 1_000_000
    # Schemathesis calls the WSGI app as the host "localhost".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    build_world()
    _key, secret = api_key_create(actor=shop_admin, name="Schemathesis", scope="write")
    return secret


def test_the_description_is_the_one_served(client):
    assert client.get("/api/v1/schema/?format=json").json() == _description()


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_is_a_server_error_and_every_answer_is_as_described(case, write_secret):
    mode = case.meta.generation.mode.value if case.meta else "explicit"
    SENT[(case.operation.label, mode)] = SENT.get((case.operation.label, mode), 0) + 1
    case.call_and_validate(headers={"Authorization": f"Bearer {write_secret}"}, checks=CHECKS)
