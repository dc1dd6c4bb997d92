"""The query budget of the backoffice's pages of returns: at most ten queries, the same for
one return as for sixty (and so for a million), in every variant of the list and on any
page of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from returns.filters import SORTS
from returns.models import Return
from tests.factories import OrderLineFactory


@pytest.fixture
def first(line, make_return, reason):
    return make_return(line)


def pages(rma, reason):
    return {
        "list": "/backoffice/returns/",
        "status tab": "/backoffice/returns/?status=new",
        "reason filter": f"/backoffice/returns/?reason={reason.pk}",
        "search e-mail": f"/backoffice/returns/?q={rma.customer.user.email}",
        "search number": f"/backoffice/returns/?q={rma.number}",
        "search order": f"/backoffice/returns/?q={rma.order.number}",
        "search name": "/backoffice/returns/?q=Chris",
        "dates": "/backoffice/returns/?created_from=2020-01-01&created_to=2099-12-31",
        "oldest": "/backoffice/returns/?sort=oldest",
        "changed": "/backoffice/returns/?sort=changed",
        "waiting": "/backoffice/returns/?sort=waiting&status=new",
        "assigned to me": "/backoffice/returns/?assigned=me",
        "return page": f"/backoffice/returns/{rma.pk}/",
        "order page": f"/backoffice/orders/{rma.order.number}/",
    }


def test_every_page_runs_the_same_queries_for_1_or_60_returns(
    staff_client, first, reason, make_return, query_count
):
    paths = pages(first, reason)
    one = {name: query_count(lambda p=path: staff_client.get(p)) for name, path in paths.items()}
    for _ in range(59):
        make_return(OrderLineFactory(order=first.order, quantity=1))
    many = {name: query_count(lambda p=path: staff_client.get(p)) for name, path in paths.items()}
    assert many == one
    assert max(one.values()) <= 10, one


@pytest.mark.parametrize("sort", SORTS)
def test_a_later_page_runs_the_first_page_s_queries(staff_client, first, make_return, sort):
    for _ in range(54):
        make_return(OrderLineFactory(order=first.order, quantity=1))
    assert Return.objects.count() == 55
    start = staff_client.get(f"/backoffice/returns/?sort={sort}")
    cursor = start.context["page"].next_cursor

    with CaptureQueriesContext(connection) as on_first:
        staff_client.get(f"/backoffice/returns/?sort={sort}")
    with CaptureQueriesContext(connection) as on_second:
        second = staff_client.get("/backoffice/returns/", {"sort": sort, "after": cursor})
    assert len(second.context["page"]) == 5
    assert len(on_second.captured_queries) == len(on_first.captured_queries)


def test_a_renamed_reason_shows_at_once_in_the_filter_and_the_rows(staff_client, first, reason):
    assert "Too small" in staff_client.get("/backoffice/returns/").text
    reason.name = "Far too small"
    reason.save()
    page = staff_client.get("/backoffice/returns/").text
    assert page.count("Far too small") == 2  # the reason filter's option and the row
