"""The dashboard's kept tallies (returns.models.ReturnTally, orders.models.SalesTally).

What a return adds to the tallies is a function of the return alone (`return_tallies`):
a service that changes a return computes it before and after and adds the difference,
in its transaction, as the last write (after the return's, the order's, the counts' and
the variants' locks: core.tallies). What live returns hold of an order line
(OrderLine.returned_quantity) is tallied by the order's placed day with `held_add`, by
the same services that move the hold. `tallies_rebuild` recounts everything from the
rows themselves (after a bulk load, from `manage.py recount_tallies`), `tallies_check`
compares without writing.
"""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Func, IntegerField, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from core.tallies import local_day, tally_add, tally_diff, tally_rebuild, tally_sum
from orders.models import OrderLine, SalesTally
from orders.services import sales_tally_add

from .. import workflow
from ..models import Return, ReturnLine, ReturnTally

Kind = ReturnTally.Kind
RETURN_KEYS, RETURN_VALUES = ("kind", "key"), ("returns", "items")
SALES_KEYS, SALES_VALUES = ("variant_id",), ("sold", "held")
HOUR = 3600


def hours_bucket(created_at: datetime, finished_at: datetime) -> int:
    """Whole hours from creation to a final status: the median's precision."""
    return max(int((finished_at - created_at).total_seconds() // HOUR), 0)


def return_tallies(
    *,
    created_at: datetime,
    status: str,
    status_changed_at: datetime,
    reason_id: int | None,
    origin: str,
    lines: list[tuple[int, int]],
) -> dict:
    """What one return adds to ReturnTally: {(day, kind, key): (returns, items)}, from
    its fields and its lines [(variant id, quantity)]."""
    day = local_day(created_at)
    items = sum(quantity for _variant, quantity in lines)
    tallies: dict = {
        (day, Kind.CREATED.value, ""): (1, items),
        (day, Kind.REASON.value, str(reason_id or 0)): (1, items),
        (day, Kind.ORIGIN.value, origin): (1, items),
    }
    variants: dict = {}
    for variant, quantity in lines:
        variants[variant] = variants.get(variant, 0) + quantity
    for variant, quantity in variants.items():
        tallies[(day, Kind.VARIANT.value, str(variant))] = (1, quantity)
    if workflow.is_final(status):
        key = str(hours_bucket(created_at, status_changed_at))
        tallies[(local_day(status_changed_at), Kind.FINAL.value, key)] = (1, 0)
    return tallies


def tallies_of(rma: Return, lines: list[tuple[int, int]]) -> dict:
    return return_tallies(
        created_at=rma.created_at,
        status=rma.status,
        status_changed_at=rma.status_changed_at,
        reason_id=rma.reason_id,
        origin=rma.origin,
        lines=lines,
    )


def tallies_write(*, returns: dict | None = None, held: dict | None = None) -> None:
    """Add return tallies ({(day, kind, key): (returns, items)}) and held amounts
    ({(placed day, variant id): quantity}); the last writes of a service."""
    if returns:
        tally_add(ReturnTally._meta.db_table, RETURN_KEYS, RETURN_VALUES, returns)
    if held:
        sales_tally_add({key: (0, quantity) for key, quantity in held.items() if quantity})


def tallies_move(before: dict, after: dict, *, held: dict | None = None) -> None:
    tallies_write(returns=tally_diff(before, after), held=held)


def held_add(held: dict, placed_at: datetime, variant_id: int, quantity: int) -> None:
    """Note that live returns hold `quantity` more (or less) of a line of an order placed
    at `placed_at`."""
    if quantity:
        key = (local_day(placed_at), variant_id)
        held[key] = held.get(key, 0) + quantity


# --- Rebuild and check ------------------------------------------------------------------


def _return_bases():
    """Per kind, a queryset of (day, kind, key, returns, items) rows (not yet summed by
    grain) over every return: the same figures return_tallies gives, set-based."""
    zone = timezone.get_default_timezone()
    created = TruncDate("created_at", tzinfo=zone)
    items = Coalesce(Sum("lines__quantity"), 0)

    def per_return(kind, key):
        return (
            Return.objects.order_by()
            .annotate(day=created, kind=Value(kind), key=key)
            .values("day", "kind", "key")
            .annotate(returns=Count("pk", distinct=True), items=items)
        )

    text = CharField()
    reason = Cast(Coalesce("reason_id", 0), output_field=text)
    variant = (
        ReturnLine.objects.order_by()
        .annotate(
            day=TruncDate("rma__created_at", tzinfo=zone),
            kind=Value(Kind.VARIANT.value),
            key=Cast("order_line__variant_id", output_field=text),
        )
        .values("day", "kind", "key")
        .annotate(returns=Count("rma_id", distinct=True), items=Sum("quantity"))
    )
    final = (
        Return.objects.order_by()
        .filter(status__in=workflow.FINAL_STATUSES)
        .annotate(
            day=TruncDate("status_changed_at", tzinfo=zone),
            kind=Value(Kind.FINAL.value),
            key=Cast(_hours_sql(), output_field=text),
        )
        .values("day", "kind", "key")
        .annotate(returns=Count("pk"), items=Value(0, output_field=IntegerField()))
    )
    return [
        per_return(Kind.CREATED.value, Value("", output_field=text)),
        per_return(Kind.REASON.value, reason),
        per_return(Kind.ORIGIN.value, F("origin")),
        variant,
        final,
    ]


def _hours_sql():
    return Func(
        F("status_changed_at"),
        F("created_at"),
        template="GREATEST(FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600), 0)::bigint",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def _python_rebuild() -> None:
    """The same figures, return by return through return_tallies (small databases)."""
    deltas: dict = {}
    lines: dict = {}
    for rma_id, variant, quantity in ReturnLine.objects.values_list(
        "rma_id", "order_line__variant_id", "quantity"
    ):
        lines.setdefault(rma_id, []).append((variant, quantity))
    for rma in Return.objects.only(
        "created_at", "status", "status_changed_at", "reason_id", "origin"
    ).iterator():
        for key, values in tallies_of(rma, lines.get(rma.pk, [])).items():
            tally_sum(deltas, key, values)
    items = sorted(deltas.items())
    for chunk in range(0, len(items), 500):
        tally_add(
            ReturnTally._meta.db_table, RETURN_KEYS, RETURN_VALUES, dict(items[chunk : chunk + 500])
        )


def _sales_base():
    zone = timezone.get_default_timezone()
    return (
        OrderLine.objects.order_by()
        .annotate(day=TruncDate("order__placed_at", tzinfo=zone))
        .values("day", "variant_id")
        .annotate(sold=Sum("quantity"), held=Sum("returned_quantity"))
    )


def tallies_rebuild() -> None:
    """Recount ReturnTally and SalesTally from the returns and orders (after a bulk load,
    or to repair). Locks both tables while it counts, so no save moves a tally meanwhile."""
    with transaction.atomic():
        _lock_tallies()
        ReturnTally.objects.all().delete()
        SalesTally.objects.all().delete()
        if connection.vendor == "postgresql":
            for base in _return_bases():
                tally_rebuild(ReturnTally._meta.db_table, RETURN_KEYS, RETURN_VALUES, base)
        else:
            _python_rebuild()
        tally_rebuild(SalesTally._meta.db_table, SALES_KEYS, SALES_VALUES, _sales_base())


def _lock_tallies() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (ReturnTally, SalesTally):
                cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN EXCLUSIVE MODE')


def _kept() -> tuple[dict, dict]:
    kept_returns = {
        (row[0], row[1], row[2], row[3]): (row[4], row[5])
        for row in ReturnTally.objects.values_list(
            "grain", "day", "kind", "key", "returns", "items"
        )
        if row[4] or row[5]
    }
    kept_sales = {
        (row[0], row[1], row[2]): (row[3], row[4])
        for row in SalesTally.objects.values_list("grain", "day", "variant_id", "sold", "held")
        if row[3] or row[4]
    }
    return kept_returns, kept_sales


def tallies_check() -> int:
    """How many tally rows differ from a recount (0: all right); writes nothing. On
    PostgreSQL it recounts into temporary tables and compares in SQL, in one snapshot
    (REPEATABLE READ when it runs on its own), so saves go on meanwhile."""
    if connection.vendor != "postgresql":
        return _check_in_place()
    fresh = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if fresh:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        differ = 0
        for model, keys, values, bases in (
            (ReturnTally, RETURN_KEYS, RETURN_VALUES, _return_bases()),
            (SalesTally, SALES_KEYS, SALES_VALUES, [_sales_base()]),
        ):
            table = model._meta.db_table
            recount = f"_recount_{table}"
            cursor.execute(
                f'CREATE TEMPORARY TABLE "{recount}" '
                f'(LIKE "{table}" INCLUDING DEFAULTS INCLUDING IDENTITY) ON COMMIT DROP'
            )
            for base in bases:
                tally_rebuild(recount, keys, values, base)
            columns = ", ".join(f'"{name}"' for name in ("grain", "day", *keys))
            nonzero = " OR ".join(f'"{name}" <> 0' for name in values)
            distinct = " OR ".join(f'a."{name}" IS DISTINCT FROM b."{name}"' for name in values)
            cursor.execute(
                f'SELECT COUNT(*) FROM (SELECT * FROM "{table}" WHERE {nonzero}) AS a '  # noqa: S608
                f'FULL JOIN (SELECT * FROM "{recount}" WHERE {nonzero}) AS b '
                f"USING ({columns}) WHERE {distinct}"
            )
            differ += cursor.fetchone()[0]
        transaction.set_rollback(True)
    return differ


def _check_in_place() -> int:
    with transaction.atomic():
        _lock_tallies()
        before = _kept()
        tallies_rebuild()
        after = _kept()
        transaction.set_rollback(True)
    return sum(len(tally_diff(old, new)) for old, new in zip(before, after, strict=True))
