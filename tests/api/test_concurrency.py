"""The API's guarantees under real parallel requests: threads, PostgreSQL connections,
released together by a barrier."""

import json

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from inventory.models import StockMovement
from inventory.services import stock_receive_initial
from orders.models import Customer, Order, OrderLine
from returns import services
from returns.models import HistoryEntry, Return
from tests.factories import OrderLineFactory, StaffUserFactory
from tests.returns.test_concurrency import run_together

from .conftest import key_client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def key(shop_admin):
    from accounts.services import api_key_create

    key, secret = api_key_create(actor=shop_admin, name="Parallel", scope="write")
    key.secret = secret
    return key


def test_twenty_patches_with_the_same_etag_one_wins_the_rest_412_one_restock(key):
    line = OrderLineFactory(quantity=3)
    stock_receive_initial(quantities={line.variant_id: 10})
    rma = services.return_create(
        order=line.order,
        quantities={line.pk: 3},
        user=StaffUserFactory(),
        origin=Return.Origin.STAFF,
        reason=services.Choice(text="Broken"),
    )
    url = f"/api/v1/returns/{rma.pk}/"
    etag = key_client(key).get(url)["ETag"]

    def patch(_i):
        client: APIClient = key_client(key)
        return client.patch(
            url,
            json.dumps({"status": "approved"}),
            content_type="application/json",
            HTTP_IF_MATCH=etag,
        ).status_code

    codes, _seconds = run_together(20, patch)
    assert sorted(codes) == [200] + [412] * 19, codes
    assert StockMovement.objects.filter(kind=StockMovement.Kind.RETURN_RESTOCK).count() == 1
    assert (
        StockMovement.objects.filter(variant_id=line.variant_id).aggregate(s=Sum("delta"))["s"]
        == 13
    )
    assert HistoryEntry.objects.filter(rma=rma, kind=HistoryEntry.Kind.STATUS_CHANGED).count() == 1


def test_parallel_upserts_of_one_new_order_make_one_order(key):
    body = {
        "number": "WEB-7",
        "customer": {"email": "race@example.org", "name": "Race"},
        "status": "paid",
        "lines": [{"sku": "NEW-SKU", "title": "New", "quantity": 2, "unit_price": "5.00"}],
    }

    def upsert(_i):
        return (
            key_client(key)
            .post("/api/v1/orders/", json.dumps(body), content_type="application/json")
            .status_code
        )

    codes, _seconds = run_together(8, upsert)
    assert all(code in (200, 201) for code in codes), codes
    assert codes.count(201) == 1
    assert Order.objects.count() == 1 and Customer.objects.count() == 1
    assert OrderLine.objects.count() == 1
