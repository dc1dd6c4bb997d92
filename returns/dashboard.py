"""The numbers of the backoffice's dashboard (its home page): what waits, what is late,
and what came back in a date range. Reads only; each figure is one aggregate query over
indexed columns (or the kept per-status counts), so the page runs the same number of
queries however many returns there are.

Definitions, as the page states them:
- waiting: returns in a status that is not final, from the kept counts (ReturnCount);
- late: in New, In progress or Return approved for longer than the days in Settings >
  Account & service (by `status_changed_at`), counted up to COUNT_CAP;
- in the range: returns created on those days (the shop's time zone), with their items;
  the return rate of a variant is, of the items sold in orders placed in the range, the
  share that live returns hold (OrderLine.returned_quantity): one cohort, so never above
  100 %, however returns and orders fall across the range's edges;
- time to a final status: from creation to the moment a return reached the final status
  it is in now, for returns that reached it in the range (the median).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inventory.models import Variant
from orders.models import OrderLine

from . import selectors, workflow
from .models import Return, ReturnLine, Status

COUNT_CAP = selectors.COUNT_CAP
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


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


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

    since, until = _day_start(start), _day_start(end + timedelta(days=1))
    in_range = Return.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    lines_in_range = ReturnLine.objects.filter(
        rma__created_at__gte=since, rma__created_at__lt=until
    ).order_by()
    board.monthly = (end - start).days >= DAYS_PER_DAY_CHART
    board.by_day = _by_period(in_range, lines_in_range, start, end, monthly=board.monthly)

    reasons = selectors.reason_labels()
    rows = in_range.values("reason_id").annotate(n=Count("pk")).order_by("-n", "reason_id")
    board.by_reason = [
        (
            reasons.get(row["reason_id"], "")
            if row["reason_id"]
            else _("Typed by staff or customer"),
            row["n"],
        )
        for row in rows
    ]
    origins = dict(Return.Origin.choices)
    rows = in_range.values("origin").annotate(n=Count("pk")).order_by("-n", "origin")
    board.by_origin = [(str(origins.get(row["origin"], row["origin"])), row["n"]) for row in rows]

    board.by_variant = _by_variant(lines_in_range, since, until)
    board.median_hours, board.finished = _median_hours(since, until)
    return board


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


def _by_period(returns, lines, start, end, *, monthly):
    zone = timezone.get_current_timezone()
    trunc = TruncMonth if monthly else TruncDate
    per_return = {
        _day(row["period"]): row["n"]
        for row in returns.annotate(period=trunc("created_at", tzinfo=zone))
        .values("period")
        .annotate(n=Count("pk"))
    }
    per_item = {
        _day(row["period"]): row["n"]
        for row in lines.annotate(period=trunc("rma__created_at", tzinfo=zone))
        .values("period")
        .annotate(n=Sum("quantity"))
    }
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
            per_item.get(day, 0) or 0,
        )
        for day in periods
    ]


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _by_variant(lines, since, until):
    rows = list(
        lines.values("order_line__variant_id")
        .annotate(returned=Sum("quantity"))
        .order_by("-returned", "order_line__variant_id")[:TOP_VARIANTS]
    )
    ids = [row["order_line__variant_id"] for row in rows]
    cohort = {
        row["variant_id"]: (row["sold"], row["held"])
        for row in OrderLine.objects.filter(
            variant_id__in=ids, order__placed_at__gte=since, order__placed_at__lt=until
        )
        .order_by()
        .values("variant_id")
        .annotate(sold=Sum("quantity"), held=Sum("returned_quantity"))
    }
    names = {
        variant.pk: str(variant)
        for variant in Variant.objects.filter(pk__in=ids).select_related("product")
    }
    return [
        (
            names.get(pk, ""),
            row["returned"],
            cohort.get(pk, (0, 0))[0],
            return_rate(cohort.get(pk, (0, 0))[1], cohort.get(pk, (0, 0))[0]),
        )
        for pk, row in zip(ids, rows, strict=True)
    ]


def return_rate(returned: int, sold: int) -> Decimal | None:
    """Returned ÷ sold as a percentage with one decimal, rounded half up; None when nothing
    was sold in the range (a rate over nothing means nothing)."""
    if not sold:
        return None
    return (Decimal(returned) * 100 / Decimal(sold)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _median_hours(since, until) -> tuple[float | None, int]:
    finished = Return.objects.filter(
        status__in=workflow.FINAL_STATUSES,
        status_changed_at__gte=since,
        status_changed_at__lt=until,
    ).annotate(
        took=ExpressionWrapper(
            F("status_changed_at") - F("created_at"), output_field=DurationField()
        )
    )
    count = finished.count()
    if not count:
        return None, 0
    middle = list(
        finished.order_by("took").values_list("took", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    seconds = sum(took.total_seconds() for took in middle) / len(middle)
    return seconds / 3600, count
