from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from core.pagination import seek_page
from returns import selectors, services
from returns.models import Return, ReturnCount
from tests.factories import CatalogEntryFactory, OrderLineFactory


def actual_counts(**filters):
    counts = dict.fromkeys(selectors.Status.values, 0)
    rows = Return.objects.filter(**filters).values("status").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def test_kept_counts_follow_every_service(line, make_return, staff, shop_admin, reason):
    other_reason = CatalogEntryFactory(kind="reason", name="Too large")
    a = make_return(line, status="approved")
    b = make_return(OrderLineFactory(quantity=2), status="cancelled")
    services.return_change(
        rma=a, user=staff, version=a.version, reason=services.Choice(entry=other_reason)
    )
    services.return_change(rma=b, user=shop_admin, version=b.version, status="in_progress")
    make_return(OrderLineFactory(quantity=1), reason_choice=services.Choice(text="Typed"))
    assert selectors.status_counts().counts == actual_counts()
    assert selectors.status_counts(reason=other_reason).counts == actual_counts(reason=other_reason)
    assert selectors.status_counts(reason=reason).counts == actual_counts(reason=reason)


def test_rebuilding_the_counts_gives_the_same_numbers(line, make_return):
    make_return(line, status="credited")
    make_return(OrderLineFactory(quantity=1))
    kept = sorted(
        ReturnCount.objects.filter(count__gt=0).values_list("status", "reason_key", "count")
    )
    ReturnCount.objects.all().delete()
    services.return_counts_rebuild()
    assert sorted(ReturnCount.objects.values_list("status", "reason_key", "count")) == kept


def test_counts_of_a_filtered_set_stop_at_the_cap(line, make_return):
    for _ in range(3):
        make_return(OrderLineFactory(quantity=1))
    capped = selectors.status_counts_of(Return.objects.all(), cap=2)
    assert not capped.exact and capped.total == 2  # "more than 2"
    exact = selectors.status_counts_of(Return.objects.all(), cap=10)
    assert exact.exact and exact.counts["new"] == 3


@pytest.fixture
def many(db, make_return):
    """55 returns, some created at exactly the same moment (ties are broken by the key)."""
    moment = timezone.now() - timedelta(days=1)
    returns = [make_return(OrderLineFactory(quantity=1)) for _ in range(55)]
    for i, rma in enumerate(returns):
        Return.objects.filter(pk=rma.pk).update(created_at=moment - timedelta(minutes=i // 3))
    return returns


@pytest.mark.parametrize("ordering", [("-created_at", "-pk"), ("created_at", "pk")])
def test_seek_pages_walk_forwards_and_back_without_gaps_or_repeats(many, ordering):
    everything = list(Return.objects.order_by(*ordering).values_list("pk", flat=True))
    first = seek_page(Return.objects.all(), ordering=ordering, size=20)
    second = seek_page(Return.objects.all(), ordering=ordering, size=20, after=first.next_cursor)
    third = seek_page(Return.objects.all(), ordering=ordering, size=20, after=second.next_cursor)
    walked = [r.pk for page in (first, second, third) for r in page]
    assert walked == everything
    assert (first.has_previous, first.has_next, third.has_next) == (False, True, False)
    back = seek_page(Return.objects.all(), ordering=ordering, size=20, before=third.previous_cursor)
    assert [r.pk for r in back] == [r.pk for r in second]
    assert back.has_previous and back.has_next


@pytest.mark.parametrize(
    "cursor", ["nonsense", "2026-13-40T00:00~1", "~", "x" * 500, "2026-01-01T00:00:00~abc"]
)
def test_a_broken_cursor_gives_the_first_page(many, cursor):
    page = seek_page(Return.objects.all(), ordering=("-created_at", "-pk"), size=10, after=cursor)
    assert [r.pk for r in page] == list(
        Return.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[:10]
    )
