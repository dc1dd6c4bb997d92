"""The dashboard (the backoffice's home): every number equals a direct count over the same
data, the page's queries do not grow with the returns, the charts are SVG with their
numbers in tables, in English and Dutch."""

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from statistics import median

import pytest
from django.utils import timezone

from orders.models import OrderLine
from returns import dashboard as dash
from returns import services, workflow
from returns.models import Return, ReturnLine, ReturnSettings
from tests.factories import CatalogEntryFactory, OrderLineFactory
from tests.returns.conftest import PATH_TO


@pytest.fixture
def shop(line, make_return, reason):
    """A generated shop: 40 returns in every status, over 60 days, of three reasons (one
    typed), both origins, several variants; their moments spread with a seeded random."""
    rng = random.Random(19)
    reasons = [
        services.Choice(entry=reason),
        services.Choice(entry=CatalogEntryFactory(kind="reason", name="Defective")),
        services.Choice(text="Arrived late"),
    ]
    now = timezone.now()
    lines = [OrderLineFactory(quantity=5, shipped_quantity=5) for _ in range(4)]
    for i in range(40):
        status = rng.choice(list(PATH_TO))
        base = lines[i % 4]
        order_line = OrderLineFactory(
            order__customer=base.order.customer, variant=base.variant, quantity=3
        )
        rma = make_return(
            order_line,
            quantity=rng.randint(1, 3),
            status=status,
            reason_choice=rng.choice(reasons),
            origin=rng.choice(["customer", "staff"]),
        )
        created = now - timedelta(days=rng.randint(0, 59), hours=rng.randint(0, 23))
        changed = min(created + timedelta(hours=rng.randint(0, 24 * 20)), now)
        Return.objects.filter(pk=rma.pk).update(created_at=created, status_changed_at=changed)
        order_line.order.placed_at = created - timedelta(days=3)
        order_line.order.save(update_fields=["placed_at"])
    return now


def test_every_number_equals_a_direct_count(shop):
    today = timezone.localdate(shop)
    start, end = today - timedelta(days=29), today
    board = dash.dashboard(start=start, end=end, now=shop)
    returns = list(Return.objects.all())
    settings = ReturnSettings.objects.filter(pk=1).first() or ReturnSettings()

    statuses = Counter(r.status for r in returns)
    assert {label: count for label, count, _url in board.waiting} == {
        str(label): statuses[code]
        for code, label in workflow.Status.choices
        if not workflow.is_final(code)
    }
    for late in board.late:
        days = getattr(settings, workflow.LATE_FIELDS[late.status])
        assert late.count == sum(
            r.status == late.status and r.status_changed_at < shop - timedelta(days=days)
            for r in returns
        )

    def local_day(moment):
        return timezone.localdate(moment)

    in_range = [r for r in returns if start <= local_day(r.created_at) <= end]
    assert board.total_returns == len(in_range)
    items = {r.pk: sum(line.quantity for line in r.lines.all()) for r in in_range}
    assert board.total_items == sum(items.values())
    per_day = Counter(local_day(r.created_at) for r in in_range)
    assert [count for _day, _label, count, _items in board.by_day] == [
        per_day[start + timedelta(days=n)] for n in range(30)
    ]
    assert Counter(dict(board.by_reason)) == Counter(
        r.reason.name if r.reason_id else "Typed by staff or customer" for r in in_range
    )
    assert Counter(dict(board.by_origin)) == Counter(
        str(Return.Origin(r.origin).label) for r in in_range
    )
    returned = Counter()
    for line in ReturnLine.objects.filter(rma__in=in_range).select_related("order_line"):
        returned[line.order_line.variant_id] += line.quantity
    sold, held = Counter(), Counter()
    for line in OrderLine.objects.select_related("order"):
        if start <= local_day(line.order.placed_at) <= end:
            sold[line.variant_id] += line.quantity
            held[line.variant_id] += line.returned_quantity
    by_name = {
        str(line.variant): line.variant_id
        for line in OrderLine.objects.select_related("variant__product")
    }
    for label, count, sold_count, rate in board.by_variant:
        pk = by_name[label]
        assert (count, sold_count) == (returned[pk], sold[pk])
        # Of what was sold in the range, the share returns hold: never above 100 %.
        assert rate == dash.return_rate(held[pk], sold[pk])
        assert rate is None or rate <= 100
    finished = [
        r
        for r in returns
        if workflow.is_final(r.status) and start <= local_day(r.status_changed_at) <= end
    ]
    assert board.finished == len(finished)
    if finished:
        expected = median((r.status_changed_at - r.created_at).total_seconds() for r in finished)
        assert board.median_hours == pytest.approx(expected / 3600)


@pytest.mark.parametrize(
    ("returned", "sold", "rate"),
    [
        (1, 8, Decimal("12.5")),
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (1, 16, Decimal("6.3")),
        (3, 0, None),
        (0, 5, Decimal("0.0")),
    ],
)
def test_the_return_rate_is_rounded_half_up(returned, sold, rate):
    assert dash.return_rate(returned, sold) == rate


def test_the_late_thresholds_come_from_settings(line, make_return, shop_admin):
    rma = make_return(line)
    Return.objects.filter(pk=rma.pk).update(status_changed_at=timezone.now() - timedelta(days=3))
    today = timezone.localdate()

    def late_new():
        board = dash.dashboard(start=today, end=today)
        return next(late.count for late in board.late if late.status == "new")

    assert late_new() == 1  # 3 days > the default 2
    services.return_settings_update(actor=shop_admin, late_days={"new": 5})
    assert late_new() == 0


def test_the_dashboard_runs_the_same_queries_for_1_or_30_returns(
    staff_client, line, make_return, query_count
):
    make_return(line)
    one = query_count(lambda: staff_client.get("/backoffice/"))
    for _ in range(29):
        make_return(OrderLineFactory(order=line.order, quantity=1), status="approved")
    many = query_count(lambda: staff_client.get("/backoffice/"))
    assert one == many
    long_range = query_count(
        lambda: staff_client.get("/backoffice/?start=2020-01-01&end=2030-12-31")
    )
    assert long_range == many


def test_the_page_draws_accessible_svg_charts_with_their_tables(staff_client, line, make_return):
    make_return(line, status="approved")
    html = staff_client.get("/backoffice/").content.decode()
    assert html.count('role="img"') == 4
    assert '<title id="chart-by-day-title">Returns and items per day</title>' in html
    assert "<script>" not in html  # no inline script: the charts need none
    assert html.count("<table") == 4
    assert 'href="/backoffice/returns/?status=new&amp;sort=waiting"' in html


def test_the_dashboard_speaks_dutch(staff_client, line, make_return):
    make_return(line)
    staff_client.cookies["django_language"] = "nl"
    html = staff_client.get("/backoffice/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Retourzendingen en artikelen per dag" in html
    assert "Wachtend" in html


def test_odd_dates_fall_back_to_the_last_30_days(staff_client, db):
    for query in ("?start=nope", "?start=0001-01-01&end=9999-12-31", "?end=2026-02-30"):
        response = staff_client.get(f"/backoffice/{query}")
        assert response.status_code == 200
    swapped = staff_client.get("/backoffice/?start=2026-03-10&end=2026-03-01")
    board = swapped.context["board"]
    assert (board.start.isoformat(), board.end.isoformat()) == ("2026-03-01", "2026-03-10")
    assert len(board.by_day) == 10


def test_customers_get_no_dashboard(customer_client):
    assert customer_client.get("/backoffice/").status_code == 403


def test_admins_set_when_a_return_is_late(admin_client):
    page = admin_client.get("/backoffice/settings/account-service/").content.decode()
    assert "New is late after (days)" in page
    response = admin_client.post(
        "/backoffice/settings/account-service/",
        {"allow_returns": "on", "return_window_days": "30", "late_new_days": "4"},
    )
    assert response.status_code == 302
    saved = ReturnSettings.objects.get(pk=1)
    assert (saved.late_new_days, saved.late_in_progress_days, saved.late_approved_days) == (
        4,
        7,
        14,
    )
    refused = admin_client.post(
        "/backoffice/settings/account-service/",
        {"allow_returns": "on", "return_window_days": "30", "late_approved_days": "999"},
    )
    assert refused.status_code == 200
    assert ReturnSettings.objects.get(pk=1).late_approved_days == 14
