"""/healthz says the process is alive; /readyz says it can serve: the database answers
(and Redis, where the tasks queue there)."""

import pytest
from django.db import OperationalError, connections

from tests.mail import free_port


@pytest.fixture
def database_down(monkeypatch):
    """Every connection attempt fails as a database server that is away makes it fail."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused: is the server running?")

    for connection in connections.all():
        monkeypatch.setattr(connection, "ensure_connection", refuse)


def test_readiness_is_200_when_the_database_answers(client, db):
    response = client.get("/readyz")
    assert (response.status_code, response.text) == (200, "ready")
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_503_when_the_database_is_down_and_liveness_stays_200(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.text == "not ready: database default unavailable"
    assert client.get("/healthz").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_when_postgresql_refuses_connections(client):
    # A real refusal: the connection settings point at a port nobody listens on.
    connection = connections["default"]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = free_port()
    try:
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get("/readyz").status_code == 200


def test_readiness_with_the_redis_backend_checks_redis(client, db, settings):
    settings.TASKS_BACKEND = "rq"
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert client.get("/readyz").status_code == 200
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.text == "not ready: redis unavailable"
