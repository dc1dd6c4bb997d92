"""The API's lists run the same queries for 1 row as for 50 (and so for a million)."""

from returns import services
from returns.models import Return
from tests import factories


def _returns(count, staff):
    for _ in range(count):
        line = factories.OrderLineFactory(quantity=1)
        services.return_create(
            order=line.order,
            quantities={line.pk: 1},
            user=staff,
            origin=Return.Origin.STAFF,
            reason=services.Choice(entry=factories.CatalogEntryFactory(kind="reason")),
        )


def test_each_list_runs_the_same_queries_for_1_or_50_rows(api, staff, query_count):
    _returns(1, staff)
    email = Return.objects.get().customer.user.email
    LISTS = [
        "/api/v1/returns/",
        "/api/v1/returns/?status=new",
        f"/api/v1/returns/?q={email}",
        "/api/v1/returns/?sort=changed&created_from=2020-01-01",
        "/api/v1/catalog/",
    ]
    one = {url: query_count(lambda u=url: api.get(u)) for url in LISTS}
    _returns(49, staff)
    assert len(api.get("/api/v1/returns/").json()["results"]) == 50
    assert len(api.get("/api/v1/catalog/").json()) == 50
    many = {url: query_count(lambda u=url: api.get(u)) for url in LISTS}
    assert many == one
    # The key's lookup, its rate-limit count, and the list's own few.
    assert max(one.values()) <= 6, one
