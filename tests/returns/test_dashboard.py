"""The dashboard (the backoffice's home): every number equals a direct count over the same
data, the page's queries do not grow with the returns, the charts are SVG with their
numbers in tables, in English and Dutch."""

import random
import threading
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from statistics import median

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.models import F
from django.utils import timezone
from freezegun import freeze_time

from orders.models import OrderLine
from orders.services import order_upsert
from returns import dashboard as dash
from returns import services, workflow
from returns.models import Return, ReturnLine, ReturnSettings, ReturnTally
from tests.factories import CatalogEntryFactory, OrderLineFactory
from tests.returns.conftest import PATH_TO

SKUS = ["TEE-S", "TEE-M", "JEANS-32", "CAP-ONE"]


def _order_body(number, placed_at, quantities):
    return {
        "number": number,
        "customer": {"email": f"{number.lower()}@example.com", "name": f"Buyer {number}"},
        "status": "shipped",
        "lines": [
            {
                "sku": sku,
                "title": sku,
                "quantity": quantity,
                "unit_price": Decimal("10.00"),
                "shipped_quantity": quantity,
            }
            for sku, quantity in quantities.items()
        ],
        "placed_at": placed_at,
        "shipped_at": placed_at + timedelta(hours=20),
    }


@pytest.fixture
def shop(staff, shop_admin, reason):
    """A generated shop, written only through the services at moments spread over 150
    days (a seeded random): orders placed, returns created in every status with three
    reasons (one typed) and both origins, then edited (reason, quantities), reopened,
    cancelled, and orders changed afterwards (quantities up, a line removed, a placed
    day moved). The dashboard reads only the tallies those services kept."""
    rng = random.Random(19)
    reasons = [
        services.Choice(entry=reason),
        services.Choice(entry=CatalogEntryFactory(kind="reason", name="Defective")),
        services.Choice(text="Arrived late"),
    ]
    now = timezone.now().replace(microsecond=0)
    orders = []
    for n in range(30):
        placed = now - timedelta(days=rng.randint(3, 150), hours=rng.randint(0, 23))
        quantities = {sku: rng.randint(2, 4) for sku in rng.sample(SKUS, rng.randint(1, 3))}
        quantities["SOCKS"] = 1  # never returned: removed from some orders below
        with freeze_time(placed):
            order, _created = order_upsert(**_order_body(f"D-{n:03d}", placed, quantities))
        orders.append((order, quantities))
    made = []
    for i in range(45):
        order, _quantities = rng.choice(orders)
        lines = [
            line
            for line in OrderLine.objects.filter(order=order).exclude(sku="SOCKS")
            if line.returned_quantity < line.shipped_quantity
        ]
        if not lines:
            continue
        line = rng.choice(lines)
        created = min(order.placed_at + timedelta(days=rng.randint(1, 5), minutes=i), now)
        with freeze_time(created):
            rma = services.return_create(
                order=order,
                quantities={
                    line.pk: rng.randint(1, line.shipped_quantity - line.returned_quantity)
                },
                user=staff,
                origin=rng.choice(["customer", "staff"]),
                reason=rng.choice(reasons),
            )
        moment = created
        for step in PATH_TO[rng.choice(list(PATH_TO))]:
            moment = min(moment + timedelta(hours=rng.randint(1, 24 * 6), minutes=7), now)
            with freeze_time(moment):
                rma = services.return_change(rma=rma, user=staff, version=rma.version, status=step)
        made.append((rma, moment))
    for rma, moment in made[::4]:  # edits: another reason, another quantity
        rma.refresh_from_db()
        later = min(moment + timedelta(hours=5), now)
        line = rma.lines.select_related("order_line").get()
        fields = {"reason": rng.choice(reasons)}
        if not workflow.is_final(rma.status) and line.order_line.shipped_quantity > 1:
            fields["quantities"] = {line.pk: 1 if line.quantity > 1 else 2}
            if (
                line.order_line.returned_quantity - line.quantity + 2
                > line.order_line.shipped_quantity
            ):
                fields["quantities"] = {line.pk: 1}
        with freeze_time(later):
            services.return_change(rma=rma, user=staff, version=rma.version, **fields)
    # Only those that hold their items still: a released one may have lost them meanwhile.
    finals = [(r, m) for r, m in made if r.status == "credited"]
    for rma, moment in finals[:4]:  # reopened by an admin, one of them finished again
        rma.refresh_from_db()
        with freeze_time(min(moment + timedelta(days=2), now)):
            rma = services.return_change(
                rma=rma, user=shop_admin, version=rma.version, status="in_progress"
            )
    if finals:
        rma = Return.objects.get(pk=finals[0][0].pk)
        with freeze_time(min(finals[0][1] + timedelta(days=3), now)):
            services.return_change(rma=rma, user=staff, version=rma.version, status="cancelled")
    for order, quantities in orders[::3]:  # the shop sends the order again, changed
        order.refresh_from_db()
        held = {line.sku: line.returned_quantity for line in order.lines.all()}
        changed = {sku: quantity + 2 for sku, quantity in quantities.items() if sku != "SOCKS"}
        placed = order.placed_at - timedelta(days=1) if order.number.endswith("0") else None
        body = _order_body(order.number, order.placed_at, changed)
        body["placed_at"] = placed
        assert all(changed.get(sku, 0) >= n for sku, n in held.items() if sku != "SOCKS")
        order_upsert(**body)
    return now


def _local_day(moment):
    return timezone.localdate(moment)


def assert_board_equals_a_direct_count(start, end, now):
    board = dash.dashboard(start=start, end=end, now=now)
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
            r.status == late.status and r.status_changed_at < now - timedelta(days=days)
            for r in returns
        )

    in_range = [r for r in returns if start <= _local_day(r.created_at) <= end]
    assert board.total_returns == len(in_range)
    items = {r.pk: sum(line.quantity for line in r.lines.all()) for r in in_range}
    assert board.total_items == sum(items.values())
    per_day, items_per_day = Counter(), Counter()
    for r in in_range:
        period = _local_day(r.created_at)
        period = period.replace(day=1) if board.monthly else period
        per_day[period] += 1
        items_per_day[period] += items[r.pk]
    assert [(day, count, n) for day, _label, count, n in board.by_day] == [
        (day, per_day[day], items_per_day[day]) for day, _label, _count, _n in board.by_day
    ]
    assert sum(count for _day, _label, count, _n in board.by_day) == len(in_range)
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
        if start <= _local_day(line.order.placed_at) <= end:
            sold[line.variant_id] += line.quantity
            held[line.variant_id] += line.returned_quantity
    by_name = {
        str(line.variant): line.variant_id
        for line in OrderLine.objects.select_related("variant__product")
    }
    assert len(board.by_variant) == min(len(+returned), dash.TOP_VARIANTS)
    for label, count, sold_count, rate in board.by_variant:
        pk = by_name[label]
        assert (count, sold_count) == (returned[pk], sold[pk])
        # Of what was sold in the range, the share returns hold: never above 100 %.
        assert rate == dash.return_rate(held[pk], sold[pk])
        assert rate is None or rate <= 100
    finished = [
        r
        for r in returns
        if workflow.is_final(r.status) and start <= _local_day(r.status_changed_at) <= end
    ]
    assert board.finished == len(finished)
    if finished:
        # Counted in whole hours: within half an hour of the exact median.
        expected = median((r.status_changed_at - r.created_at).total_seconds() for r in finished)
        assert board.median_hours == pytest.approx(expected / 3600, abs=0.5)
        hours = median(
            (r.status_changed_at - r.created_at).total_seconds() // 3600 + 0.5 for r in finished
        )
        assert board.median_hours == pytest.approx(hours)
    else:
        assert board.median_hours is None
    return board


@pytest.mark.parametrize(
    "days",
    [
        pytest.param((29, 0), id="last 30 days"),
        pytest.param((150, 0), id="150 days, by month"),
        pytest.param((800, 0), id="two years and more"),
        pytest.param((100, 40), id="a range in the past"),
    ],
)
def test_every_number_equals_a_direct_count(shop, days):
    today = timezone.localdate(shop)
    start, end = today - timedelta(days=days[0]), today - timedelta(days=days[1])
    board = assert_board_equals_a_direct_count(start, end, shop)
    assert board.total_returns > 0
    assert services.tallies_check() == 0


def test_whole_months_and_years_are_read_from_their_tallies(shop):
    """A range of whole months reads month rows (and whole years, year rows): the same
    numbers as their days."""
    today = timezone.localdate(shop)
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month
    start = (first - timedelta(days=70)).replace(day=1)
    assert_board_equals_a_direct_count(start, first - timedelta(days=1), shop)
    year = today.year - 1
    assert_board_equals_a_direct_count(date(year, 1, 1), date(year, 12, 31), shop)
    assert_board_equals_a_direct_count(date(year - 1, 12, 31), today, shop)


def test_recount_tallies_finds_and_repairs_a_wrong_tally(shop):
    call_command("recount_tallies", "--check", stdout=StringIO())
    ReturnTally.objects.filter(kind="created", grain="d").update(returns=F("returns") + 1)
    with pytest.raises(CommandError, match="tally rows differ"):
        call_command("recount_tallies", "--check", stdout=StringIO())
    call_command("recount_tallies", stdout=StringIO())
    assert services.tallies_check() == 0
    today = timezone.localdate(shop)
    assert_board_equals_a_direct_count(today - timedelta(days=29), today, shop)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_returns_keep_the_tallies_equal_to_a_recount(staff):
    """Two connections create and approve returns of the same variants on the same day at
    once: the ON CONFLICT increments of the same tally rows lose nothing and deadlock
    nowhere."""
    placed = timezone.now() - timedelta(days=3)
    orders = [
        order_upsert(**_order_body(f"C-{n:03d}", placed, {"TEE-S": 2, "CAP-ONE": 2}))[0]
        for n in range(20)
    ]
    barrier = threading.Barrier(2)
    errors = []

    def run(mine):
        try:
            barrier.wait()
            for order in mine:
                lines = {line.sku: line.pk for line in order.lines.all()}
                rma = services.return_create(
                    order=order,
                    quantities={lines["TEE-S"]: 1, lines["CAP-ONE"]: 2},
                    user=staff,
                    origin="staff",
                    reason=services.Choice(text="Too big"),
                )
                services.return_change(rma=rma, user=staff, version=rma.version, status="approved")
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(orders[half::2],)) for half in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a save hung (deadlock?)"
    assert errors == []
    assert services.tallies_check() == 0
    today = timezone.localdate()
    board = dash.dashboard(start=today, end=today)
    assert (board.total_returns, board.total_items) == (20, 60)


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
