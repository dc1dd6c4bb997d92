"""The numbers of the backoffice's dashboard (its home page): what waits, what is late,
and what came back in a date range. Reads only; each figure is one query over the kept
per-status counts (ReturnCount), the kept tallies per day, month and year (ReturnTally,
SalesTally: returns.services.tallies) or indexed columns, so the page runs the same
number of queries, reading about as many rows, however many returns there are and however
long the range.

Definitions, as the page states them:
- waiting: returns in a status that is not final, from the kept counts (ReturnCount);
- late: in New, In progress or Return approved for longer than the days in Settings >
  Account & service (by `status_changed_at`), counted up to COUNT_CAP;
- in the range: returns created on those days (the shop's time zone), with their items;
  the return rate of a variant is, of the items sold in orders placed in the range, the
  share that live returns hold (OrderLine.returned_quantity): one cohort, so never above
  100 %, however returns and orders fall across the range's edges;
- time to a final status: from creation to the moment a return reached the final status
  it is in now, for returns that reached it in the range (the median), counted in whole
  hours, so within half an hour of the exact median.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import BigIntegerField, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.tallies import DAY, GRAINS, MONTH, range_q
from inventory.models import Variant
from orders.models import SalesTally

from . import selectors, workflow
from .models import Return, ReturnTally, Status

COUNT_CAP = selectors.COUNT_CAP
Kind = ReturnTally.Kind
# Up to this many days the chart has a column per day; longer ranges, one per month.
DAYS_PER_DAY_CHART = 92
TOP_VARIANTS = 10


@dataclass
class Late:
    status: str
    label: str
    days: int
    count: int
    url: str

    @property
    def exact(self) -> bool:
        return self.count <= COUNT_CAP


@dataclass
class Dashboard:
    start: date
    end: date
    waiting: list = field(default_factory=list)  # [(label, count, url)]
    late: list = field(default_factory=list)  # [Late]
    by_day: list = field(default_factory=list)  # [(day, label, returns, items)]
    monthly: bool = False
    by_reason: list = field(default_factory=list)  # [(label, count)]
    by_origin: list = field(default_factory=list)  # [(label, count)]
    by_variant: list = field(default_factory=list)  # [(label, returned, sold, rate %)]
    median_hours: float | None = None
    finished: int = 0

    @property
    def total_returns(self) -> int:
        return sum(returns for _day, _label, returns, _items in self.by_day)

    @property
    def total_items(self) -> int:
        return sum(items for _day, _label, _returns, items in self.by_day)


def dashboard(*, start: date, end: date, now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard for the days `start` to `end` (both included)."""
    now = now or timezone.now()
    board = Dashboard(start=start, end=end)
    list_url = reverse("returns:list")

    counts = selectors.status_counts().counts
    board.waiting = [
        (label, counts.get(code, 0), f"{list_url}?status={code}")
        for code, label in Status.choices
        if not workflow.is_final(code)
    ]

    settings = selectors.return_settings()
    thresholds = {
        status: getattr(settings, setting) for status, setting in workflow.LATE_FIELDS.items()
    }
    late_counts = _capped_counts(
        [
            Return.objects.filter(status=status, status_changed_at__lt=now - timedelta(days=days))
            for status, days in thresholds.items()
        ]
    )
    board.late = [
        Late(
            status=status,
            label=str(Status(status).label),
            days=days,
            count=count,
            url=f"{list_url}?status={status}&sort=waiting",
        )
        for (status, days), count in zip(thresholds.items(), late_counts, strict=True)
    ]

    board.monthly = (end - start).days >= DAYS_PER_DAY_CHART
    board.by_day = _by_period(start, end, monthly=board.monthly)

    reasons = selectors.reason_labels()
    board.by_reason = [
        (
            reasons.get(int(key), "") if key != "0" else _("Typed by staff or customer"),
            count,
        )
        for key, count, _items in _sums(Kind.REASON, start, end)
    ]
    origins = dict(Return.Origin.choices)
    board.by_origin = [
        (str(origins.get(key, key)), count) for key, count, _items in _sums(Kind.ORIGIN, start, end)
    ]

    board.by_variant = _by_variant(start, end)
    board.median_hours, board.finished = _median_hours(start, end)
    return board


def _tallies(kind: str, start: date, end: date, *, grains=GRAINS):
    """The rows of ReturnTally of one kind that cover start..end once: index range scans
    of at most a few dozen periods per key, however long the range (core.tallies)."""
    return ReturnTally.objects.filter(range_q(start, end, grains=grains), kind=kind).order_by()


def _sums(kind: str, start: date, end: date, *, limit: int | None = None):
    """[(key, returns, items)] of a kind over the range, most returns first."""
    rows = (
        _tallies(kind, start, end)
        .values("key")
        .annotate(n=Sum("returns"), i=Sum("items"))
        .filter(n__gt=0)
        .order_by("-n", "key")
    )
    if limit:
        rows = rows[:limit]
    return [(row["key"], row["n"], row["i"]) for row in rows]


def _capped_counts(querysets) -> list[int]:
    """How many rows each queryset has, each counted up to COUNT_CAP + 1 (an index range
    scan that stops there), all in one query."""
    parts, params = [], []
    for queryset in querysets:
        sql, part_params = queryset.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        # ORM-built SQL with its parameters apart, as selectors.status_counts_of does.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def _by_period(start, end, *, monthly):
    per_return, per_item = {}, {}
    # Months from the month rows, the partial months at the edges from their days.
    for day, returns, items in _tallies(
        Kind.CREATED, start, end, grains=(MONTH, DAY) if monthly else (DAY,)
    ).values_list("day", "returns", "items"):
        period = day.replace(day=1) if monthly else day
        per_return[period] = per_return.get(period, 0) + returns
        per_item[period] = per_item.get(period, 0) + items
    periods = []
    day = start.replace(day=1) if monthly else start
    while day <= end:
        periods.append(day)
        day = (
            (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            if monthly
            else day + timedelta(days=1)
        )
    label_format = "YEAR_MONTH_FORMAT" if monthly else "MONTH_DAY_FORMAT"
    return [
        (
            day,
            formats.date_format(day, label_format),
            per_return.get(day, 0),
            per_item.get(day, 0),
        )
        for day in periods
    ]


def _by_variant(start, end):
    """The variants most returned (items of returns created in the range), each with the
    items sold in orders placed in the range and the share of those that live returns
    hold (the cohort's return rate)."""
    rows = [(int(key), items) for key, _returns, items in _variant_sums(start, end)]
    ids = [pk for pk, _items in rows]
    cohort = {
        row["variant_id"]: (row["sold"], row["held"])
        for row in SalesTally.objects.filter(range_q(start, end), variant_id__in=ids)
        .order_by()
        .values("variant_id")
        .annotate(sold=Sum("sold"), held=Sum("held"))
    }
    names = {
        variant.pk: str(variant)
        for variant in Variant.objects.filter(pk__in=ids).select_related("product")
    }
    return [
        (
            names.get(pk, ""),
            returned,
            cohort.get(pk, (0, 0))[0],
            return_rate(cohort.get(pk, (0, 0))[1], cohort.get(pk, (0, 0))[0]),
        )
        for pk, returned in rows
    ]


def _variant_sums(start, end):
    rows = (
        _tallies(Kind.VARIANT, start, end)
        .values("key")
        .annotate(i=Sum("items"))
        .filter(i__gt=0)
        .order_by("-i", Cast("key", BigIntegerField()))[:TOP_VARIANTS]
    )
    return [(row["key"], 0, row["i"]) for row in rows]


def return_rate(returned: int, sold: int) -> Decimal | None:
    """Returned ÷ sold as a percentage with one decimal, rounded half up; None when nothing
    was sold in the range (a rate over nothing means nothing)."""
    if not sold:
        return None
    return (Decimal(returned) * 100 / Decimal(sold)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _median_hours(start, end) -> tuple[float | None, int]:
    """The median of the whole hours from creation to a final status (the tallies' buckets,
    each read as its middle: within half an hour of the exact median), and over how many."""
    buckets = sorted((int(key), count) for key, count, _items in _sums(Kind.FINAL, start, end))
    count = sum(n for _key, n in buckets)
    if not count:
        return None, 0
    wanted = {(count - 1) // 2, count // 2}  # the middle one, or the middle two
    middle, seen = [], 0
    for hours, n in buckets:
        middle += [hours + 0.5] * len({i for i in wanted if seen <= i < seen + n})
        seen += n
    return sum(middle) / len(middle), count
