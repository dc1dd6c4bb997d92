"""The kept number of returns per status and catalog reason (ReturnCount), so the list's
status tabs read a few rows instead of counting a million.

Every service that creates a return or changes its status or reason moves the counts in
the same transaction, after the return's row lock, with `counts_move`; `return_counts_rebuild`
recounts from the returns themselves after a bulk load.
"""

from django.db import connection, transaction
from django.db.models import Count

from ..models import Return, ReturnCount


def count_key(status: str, reason_id: int | None) -> tuple[str, int]:
    """The counter a return is counted in (reason 0: a typed reason)."""
    return status, reason_id or 0


def counts_move(deltas: dict[tuple[str, int], int]) -> None:
    """Move the counts by `deltas` ({(status, reason key): delta}), in key order: every
    writer takes these rows' locks in the same order, after the return's, so no deadlock.
    One statement, whatever the number of counters."""
    rows = [(status, reason, delta) for (status, reason), delta in sorted(deltas.items()) if delta]
    if not rows:
        return
    table = ReturnCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" AS c ("status", "reason_key", "count") VALUES '  # noqa: S608
            + ", ".join(["(%s, %s, %s)"] * len(rows))
            + " ON CONFLICT (status, reason_key)"
            + ' DO UPDATE SET "count" = c."count" + excluded."count"',
            [value for row in rows for value in row],
        )


def counts_change(before: tuple[str, int], after: tuple[str, int]) -> None:
    """One return moved from one counter to another (status or reason changed)."""
    if before != after:
        counts_move({before: -1, after: 1})


def return_counts_rebuild() -> None:
    """Recount ReturnCount from the returns themselves (after a bulk load, or to repair).
    Locks the counts table while it counts, so no save moves a count meanwhile."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{ReturnCount._meta.db_table}" IN EXCLUSIVE MODE')
        ReturnCount.objects.all().delete()
        counts: dict[tuple[str, int], int] = {}
        for row in Return.objects.order_by().values("status", "reason_id").annotate(n=Count("pk")):
            key = count_key(row["status"], row["reason_id"])
            counts[key] = counts.get(key, 0) + row["n"]
        ReturnCount.objects.bulk_create(
            [ReturnCount(status=s, reason_key=r, count=n) for (s, r), n in sorted(counts.items())]
        )
