"""SPEC §5: when may a customer request a return for an order? One selector decides, for
the button, the pages and the service alike."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from orders.models import OrderLine
from returns import services
from returns.models import ReturnSettings
from returns.selectors import return_eligibilities, return_eligibility
from tests.factories import OrderFactory, OrderLineFactory


def shipped_days_ago(days):
    """Noon, `days` calendar days ago in the shop's time zone (clear of midnight and DST)."""
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))


def long_date(day):
    return f"{day.day} {day.strftime('%B')} {day.year}"


# name, changes to an eligible order (window 30 days, shipped 3 days ago, 3 bought, 0
# returned), eligible?, words the reason must contain
CASES = [
    ("eligible as it is", {}, True, ""),
    ("returns switched off", {"allow": False}, False, "Returns are not possible right now."),
    ("not shipped", {"shipped": None}, False, "This order has not shipped yet."),
    ("on the last day of the window", {"shipped": 30}, True, ""),
    ("the day after the window", {"shipped": 31}, False, "The return period for this order"),
    ("long ago, window 0 = no limit", {"shipped": 3650, "window": 0}, True, ""),
    ("shipped today, window 1 day", {"shipped": 0, "window": 1}, True, ""),
    ("everything already returned", {"returned": 3}, False, "already been returned"),
    ("some still returnable", {"returned": 2}, True, ""),
    ("off wins over everything else", {"allow": False, "shipped": None}, False, "not possible"),
]


@pytest.mark.parametrize(
    ("changes", "eligible", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_eligibility_table(db, changes, eligible, words):
    settings = ReturnSettings.objects.create(
        pk=1, allow_returns=changes.get("allow", True), return_window_days=changes.get("window", 30)
    )
    shipped = changes.get("shipped", 3)
    order = OrderFactory(shipped_at=None if shipped is None else shipped_days_ago(shipped))
    line = OrderLineFactory(order=order, quantity=3)
    OrderLine.objects.filter(pk=line.pk).update(returned_quantity=changes.get("returned", 0))

    result = return_eligibility(order)

    assert result.eligible is eligible
    assert words in result.reason
    assert bool(result.reason) is not eligible
    if eligible:
        assert result.returnable == {line.pk: 3 - changes.get("returned", 0)}
    else:
        assert result.returnable == {}
    # The page-of-orders version (My orders) gives the same answer.
    assert return_eligibilities([order], settings=settings)[order.pk] == result


def test_the_reason_names_the_last_day_of_the_period_in_the_users_language(db):
    ReturnSettings.objects.create(pk=1, return_window_days=14)
    order = OrderFactory(shipped_at=shipped_days_ago(40))
    OrderLineFactory(order=order)
    last_day = timezone.localdate() - timedelta(days=40 - 14)

    result = return_eligibility(order)
    assert result.reason == f"The return period for this order ended on {long_date(last_day)}."
    assert result.deadline == last_day
    with translation.override("nl"):
        dutch = return_eligibility(order).reason
    dutch_months = ["januari", "februari", "maart", "april", "mei", "juni", "juli"]
    dutch_months += ["augustus", "september", "oktober", "november", "december"]
    assert f"{last_day.day} {dutch_months[last_day.month - 1]} {last_day.year}" in dutch


def test_a_cancelled_return_gives_its_items_back(line, make_return):
    rma = make_return(line, quantity=3)
    assert return_eligibility(line.order).eligible is False
    services.return_change(rma=rma, user=None, version=rma.version, status="cancelled")
    assert return_eligibility(line.order).returnable == {line.pk: 3}


def test_a_page_of_orders_takes_two_queries_however_many_orders(db, query_count):
    ReturnSettings.objects.create(pk=1)
    orders = [OrderLineFactory().order]
    one = query_count(lambda: return_eligibilities(orders))
    orders += [OrderLineFactory().order for _ in range(29)]
    orders += [OrderFactory(shipped_at=None) for _ in range(10)]
    assert query_count(lambda: return_eligibilities(orders)) == one == 2
    answers = return_eligibilities(orders)
    assert sum(answer.eligible for answer in answers.values()) == 30
