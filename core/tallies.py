"""Kept tallies per day, month and year: what a dashboard sums over any date range
without reading the rows it counts.

A tally table has a `grain` ("d", "m" or "y"), a `day` (the first day of its period), key
columns and value columns. Every change is written to all three grains in one
INSERT ... ON CONFLICT DO UPDATE that adds to the counters, rows in key order, so
concurrent writers take the rows' locks in the same order and never deadlock; the
callers write tallies last in their transaction (after every other lock they take).
A date range is read as whole years, then whole months, then the days at its edges
(`range_parts`): at most about 2 × 31 day rows, 2 × 11 month rows and the years, per key,
however long the range.
"""

from datetime import date, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone

DAY, MONTH, YEAR = "d", "m", "y"
GRAINS = (DAY, MONTH, YEAR)


def local_day(moment) -> date:
    """The shop's day of a moment (settings.TIME_ZONE): the day a tally counts it on."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def period_start(day: date, grain: str) -> date:
    if grain == YEAR:
        return day.replace(month=1, day=1)
    if grain == MONTH:
        return day.replace(day=1)
    return day


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def range_parts(start: date, end: date, *, grains=GRAINS) -> list[tuple[str, date, date]]:
    """[(grain, first period, last period)] covering the days `start` to `end` (both
    included) exactly once, with the coarsest periods that fit inside it."""
    parts: list[tuple[str, date, date]] = []

    def cover(first: date, last: date, grain: str) -> None:
        # The whole periods of `grain` inside first..last, the rest with the finer grain.
        if first > last:
            return
        finer = {YEAR: MONTH, MONTH: DAY}.get(grain)
        if grain not in grains:
            if finer:
                cover(first, last, finer)
            return
        if grain == DAY:
            parts.append((DAY, first, last))
            return
        step = (lambda d: d.replace(year=d.year + 1)) if grain == YEAR else _next_month
        begin = first if period_start(first, grain) == first else step(period_start(first, grain))
        stop = period_start(last + timedelta(days=1), grain)  # first period not whole
        if begin >= stop:
            cover(first, last, finer)
            return
        cover(first, begin - timedelta(days=1), finer)
        parts.append((grain, begin, period_start(stop - timedelta(days=1), grain)))
        cover(stop, last, finer)

    cover(start, end, YEAR)
    return parts


def range_q(start: date, end: date, *, grains=GRAINS) -> Q:
    """The rows of a tally table that cover start..end once."""
    condition = Q(pk__in=[])
    for grain, first, last in range_parts(start, end, grains=grains):
        condition |= Q(grain=grain, day__gte=first, day__lte=last)
    return condition


def tally_add(table: str, keys: tuple[str, ...], values: tuple[str, ...], deltas: dict) -> None:
    """Add `deltas` ({(day, *key values): (value deltas)}) to every grain of `table`,
    one statement. The unique constraint is (grain, day, *keys)."""
    rows: dict[tuple, list[int]] = {}
    for (day, *key), amounts in deltas.items():
        for grain in GRAINS:
            row = rows.setdefault((grain, period_start(day, grain), *key), [0] * len(values))
            for i, amount in enumerate(amounts):
                row[i] += amount
    ordered = [(*key, *amounts) for key, amounts in sorted(rows.items()) if any(amounts)]
    if not ordered:
        return
    columns = ("grain", "day", *keys, *values)
    quoted = ", ".join(f'"{name}"' for name in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f'"{name}" = t."{name}" + excluded."{name}"' for name in values)
    conflict = ", ".join(f'"{name}"' for name in ("grain", "day", *keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" AS t ({quoted}) VALUES '  # noqa: S608
            + ", ".join([placeholders] * len(ordered))
            + f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
            [value for row in ordered for value in row],
        )


def tally_diff(before: dict, after: dict) -> dict:
    """after − before, key by key ({key: (values)})."""
    diff = {}
    for key in set(before) | set(after):
        old = before.get(key)
        new = after.get(key)
        width = len(old or new)
        delta = tuple((new[i] if new else 0) - (old[i] if old else 0) for i in range(width))
        if any(delta):
            diff[key] = delta
    return diff


def tally_sum(into: dict, key, values) -> None:
    """Add `values` to into[key] ({key: tuple})."""
    old = into.get(key)
    into[key] = tuple(a + b for a, b in zip(old, values, strict=True)) if old else tuple(values)


def tally_rebuild(table: str, columns: tuple[str, ...], values: tuple[str, ...], base) -> None:
    """Fill `table` (emptied by the caller) from `base`, a queryset of rows with a `day`,
    the key `columns` and the summed `values`, at every grain. On PostgreSQL one
    INSERT ... SELECT, set-based (seconds on a million rows); elsewhere row by row."""
    names = ("day", *columns, *values)
    if connection.vendor != "postgresql":
        deltas: dict = {}
        for row in base.values_list(*names):
            tally_sum(deltas, tuple(row[: 1 + len(columns)]), tuple(row[1 + len(columns) :]))
        items = sorted(deltas.items())
        for chunk in range(0, len(items), 500):
            tally_add(table, columns, values, dict(items[chunk : chunk + 500]))
        return
    sql, params = base.query.sql_with_params()
    period = (
        f"CASE g.grain WHEN '{DAY}' THEN b.day "
        f"WHEN '{MONTH}' THEN date_trunc('month', b.day)::date "
        "ELSE date_trunc('year', b.day)::date END"
    )
    keys = ", ".join(f'b."{name}"' for name in columns)
    sums = ", ".join(f'SUM(b."{name}")' for name in values)
    target = ", ".join(f'"{name}"' for name in ("grain", "day", *columns, *values))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({target}) '  # noqa: S608
            f"SELECT g.grain, {period}, {keys}{', ' if keys else ''}{sums} "
            f"FROM ({sql}) AS b CROSS JOIN (VALUES ('{DAY}'), ('{MONTH}'), ('{YEAR}')) AS g(grain) "
            f"GROUP BY 1, 2{''.join(f', {3 + i}' for i in range(len(columns)))}",
            params,
        )
