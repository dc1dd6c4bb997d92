"""Keyset pagination at any depth: one row comparison per sort, an index scan on
PostgreSQL however deep the page, and any cursor text read or treated as the first page."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.pagination import SEPARATOR, seek_page
from returns.filters import SORTS
from returns.models import Return
from tests.factories import OrderLineFactory


@pytest.fixture
def returns(db):
    """30 returns, several sharing a created_at and an updated_at (ties broken by the key)."""
    _many_returns(30)


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_walks_forwards_and_back_without_gaps_or_repeats(returns, sort):
    ordering = SORTS[sort]
    everything = list(Return.objects.order_by(*ordering).values_list("pk", flat=True))
    pages, after = [], ""
    while True:
        page = seek_page(Return.objects.all(), ordering=ordering, size=7, after=after)
        pages.append(page)
        if not page.has_next:
            break
        after = page.next_cursor
    assert [r.pk for page in pages for r in page] == everything
    back = seek_page(
        Return.objects.all(), ordering=ordering, size=7, before=pages[-1].previous_cursor
    )
    assert [r.pk for r in back] == [r.pk for r in pages[-2]]


@pytest.mark.parametrize("sort", SORTS)
def test_the_next_page_is_one_row_comparison(returns, sort):
    first = seek_page(Return.objects.all(), ordering=SORTS[sort], size=5)
    with CaptureQueriesContext(connection) as captured:
        seek_page(Return.objects.all(), ordering=SORTS[sort], size=5, after=first.next_cursor)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    column = SORTS[sort][0].lstrip("-")
    if connection.features.supports_tuple_lookups:
        assert f'("returns_return"."{column}", "returns_return"."id") ' in sql
        assert " OR " not in sql


# Text a person (or a crawler) may put in the address bar after ?after= / ?before=.
cursor_texts = st.one_of(
    st.text(max_size=120),
    st.builds(
        lambda moment, offset, key: f"{moment}{offset}{SEPARATOR}{key}",
        st.datetimes().map(lambda d: d.isoformat()),
        st.sampled_from(["", "Z", "+00:00", "+16:00", "-23:59", "+15:59", "+99:00", "+01"]),
        st.integers(min_value=-(2**70), max_value=2**70),
    ),
    st.sampled_from(
        [
            "2026-01-01T00:00:00+16:00~1",
            "9999-12-31T23:59:59-12:00~1",
            "0001-01-01T00:00:00+14:00~1",
            "2026-01-01T00:00:00~99999999999999999999",
            "2026-01-01T00:00:00~-1",
            "2026-01-01~1",
            "2026-01-01T00:00:00\x00~1",
            "~~~",
        ]
    ),
)


def test_any_cursor_in_the_address_gives_a_page_never_a_server_error(returns, staff_client):
    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        cursor=cursor_texts,
        direction=st.sampled_from(["after", "before"]),
        sort=st.sampled_from(list(SORTS)),
    )
    def visit(cursor, direction, sort):
        with transaction.atomic():  # a database error would poison the rest otherwise
            response = staff_client.get(
                f"/backoffice/returns/?sort={sort}&{direction}={quote(cursor)}"
            )
        assert response.status_code == 200

    visit()


def test_an_offset_postgresql_refuses_is_read_in_utc(returns):
    # +16:00 is a valid ISO offset that PostgreSQL refuses; the cursor means 08:00 UTC.
    newest = Return.objects.order_by("-created_at", "-pk").first()
    page = seek_page(
        Return.objects.all(),
        ordering=("-created_at", "-pk"),
        size=50,
        after=f"2999-01-02T00:00:00+16:00{SEPARATOR}1",
    )
    assert page.object_list[0].pk == newest.pk
    assert page.has_previous


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("sort", "extra"),
    [
        ("newest", {}),
        ("oldest", {}),
        ("changed", {}),
        ("waiting", {}),
        ("newest", {"status": "new"}),
        ("waiting", {"status": "new"}),
    ],
)
def test_the_next_page_at_depth_is_an_index_scan_with_the_cursor_in_its_condition(db, sort, extra):
    """A few thousand returns, sequential scans off: a plain index scan must start at
    the cursor (an Index Cond with the row comparison), not filter rows after reading them."""
    _many_returns(3000)
    ordering = SORTS[sort]
    rows = Return.objects.filter(**extra)
    deep = rows.order_by(*ordering)[rows.count() - 100]
    cursor = f"{getattr(deep, ordering[0].lstrip('-')).isoformat()}{SEPARATOR}{deep.pk}"
    with CaptureQueriesContext(connection) as captured:
        page = seek_page(rows, ordering=ordering, size=50, after=cursor)
    assert page.object_list
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor_:
        cursor_.execute("SET LOCAL enable_seqscan = off")
        cursor_.execute("SET LOCAL enable_bitmapscan = off")
        cursor_.execute("ANALYZE returns_return")
        cursor_.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor_.fetchall())
    assert "Index Scan" in plan or "Index Only Scan" in plan, plan
    assert "Sort" not in plan, plan  # read in index order, not sorted afterwards
    column = ordering[0].lstrip("-")
    # The cursor is in the index condition (after the status, for a status tab's index).
    (condition,) = [row for row in plan.splitlines() if "Index Cond:" in row]
    assert f"ROW({column}, id) " in condition, plan


def _many_returns(count):
    """count returns on one order line, written in bulk (the services are too slow for it)."""
    line = OrderLineFactory(quantity=1)
    start = timezone.now() - timedelta(days=400)
    Return.objects.bulk_create(
        [
            Return(
                order=line.order,
                customer=line.order.customer,
                status="new" if i % 3 else "approved",
                origin=Return.Origin.STAFF,
                created_at=start + timedelta(minutes=i // 3),
                updated_at=start + timedelta(minutes=(i * 37) % (count // 2)),
                status_changed_at=start + timedelta(minutes=(i * 53) % (count // 3)),
            )
            for i in range(count)
        ]
    )
