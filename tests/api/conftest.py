import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from tests import factories


@pytest.fixture
def write_key(db, shop_admin):
    key, secret = api_key_create(actor=shop_admin, name="Shop sync", scope="write")
    key.secret = secret
    return key


@pytest.fixture
def read_key(db, shop_admin):
    key, secret = api_key_create(actor=shop_admin, name="Reports", scope="read")
    key.secret = secret
    return key


def key_client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}")
    return client


@pytest.fixture
def api(write_key):
    """A client with the write key."""
    return key_client(write_key)


@pytest.fixture
def api_read(read_key):
    return key_client(read_key)


@pytest.fixture
def shipped_line(db):
    """A shipped order line of 3 items, 20 in stock."""
    from inventory.services import stock_receive_initial

    line = factories.OrderLineFactory(quantity=3, shipped_quantity=3)
    stock_receive_initial(quantities={line.variant_id: 20})
    return line


def pytest_terminal_summary(terminalreporter):
    from .test_schemathesis import SENT

    if SENT:
        operations = {operation for operation, _mode in SENT}
        modes = {}
        for (_operation, mode), count in SENT.items():
            modes[mode] = modes.get(mode, 0) + count
        terminalreporter.write_line(
            f"schemathesis: {sum(SENT.values())} generated requests over {len(operations)} "
            f"operations ({', '.join(f'{n} {m}' for m, n in sorted(modes.items()))})"
        )
