import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from . import factories
from .mail import smtp_server  # noqa: F401  (a fixture for every test folder)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(
                pytest.mark.skipif(
                    connection.vendor != "postgresql",
                    reason="needs PostgreSQL (set DATABASE_URL; CI does)",
                )
            )


def pytest_sessionfinish(session, exitstatus):
    # CI must not pass with skipped tests (.ci/run sets FAIL_ON_SKIP=1).
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("FAIL_ON_SKIP") == "1" and skipped and session.exitstatus == 0:
        reporter.write_line(f"FAIL_ON_SKIP: {len(skipped)} test(s) were skipped", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def english():
    # A request in Dutch activates Dutch for the whole thread; each test starts in English.
    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    return factories.StaffUserFactory(full_name="Sam Staff")


@pytest.fixture
def shop_admin(db):
    return factories.AdminUserFactory(full_name="Ada Admin")


@pytest.fixture
def customer(db):
    return factories.CustomerFactory(name="Chris Customer")


@pytest.fixture
def other_customer(db):
    return factories.CustomerFactory(name="Olga Other")


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff):
    return _client_for(client, staff)


@pytest.fixture
def admin_client(client, shop_admin):
    return _client_for(client, shop_admin)


@pytest.fixture
def customer_client(client, customer):
    return _client_for(client, customer.user)


@pytest.fixture
def query_count():
    """query_count(callable) -> number of SQL queries it ran in a warm process: it runs once
    first, uncounted, as a web process has served a request before (what does not change
    per request, such as a user's permissions, is then cached; see accounts.backends).
    Only for reads: the callable runs twice."""

    def count(func):
        func()
        with CaptureQueriesContext(connection) as context:
            func()
        return len(context.captured_queries)

    return count
