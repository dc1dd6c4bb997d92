"""What `make bench` measures, and how it compares.

The yardstick is Django's admin changelist of the same returns registered the plain way
(returns_backoffice.bench_admin: the related rows in the same query, a status filter, a
search on order number and e-mail, no date hierarchy), measured in the same run and
interleaved with our pages: request i of every page is sent in round i, so anything else
the machine does at that moment slows both alike. The figures are given as ratios
(admin p50 ÷ our p50), which mean the same on a faster or slower machine.

The same plan runs in-process (bench_pages: Django's test client, the handler's time, SQL
queries counted) and over HTTP through gunicorn with 2 workers (bench_load: the client's
time, including the WSGI server and the socket).
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import quote

from django.db import connection
from django.db.models import Count, Min

# The admin changelist path; the bench's own URL configuration mounts it (see above).
ADMIN = "/bench-admin/returns/return/"
PROJECT_ADMIN = "/django-admin/returns/return/"


@dataclass
class Figures:
    name: str
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    queries: int  # the most any request ran (a page's count must be flat)
    statuses: list[int] = field(default_factory=list)
    # What a typical request ran: a process's first save also fills its per-process caches
    # (content types, the catalog, each language's e-mail template) once.
    queries_p50: int = 0
    against: str = ""
    ratio: float | None = None

    def as_dict(self):
        return asdict(self)


@dataclass
class Page:
    """One row of the table: who asks, the requests (method, path, data), which admin row
    it is compared with, and how often it is asked (every `every` rounds)."""

    name: str
    role: str
    requests: list
    against: str = ""
    every: int = 1
    kind: str = "page"  # "list", "search", "page", "save", "admin", "other"
    # A streamed download: timed until this many lines have arrived (its first byte is
    # the BOM, written before any query), then closed.
    first_lines: int = 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run_interleaved(pages: list[Page], send: Callable, *, warmup: int = 3) -> list[Figures]:
    """Send every page's requests round-robin; `send(page, request)` returns
    (status, milliseconds, queries). The first `warmup` requests of each GET page are sent
    once untimed (a POST is never repeated: each save writes)."""
    for page in pages:
        for request in page.requests[:warmup]:
            if request[0] == "get":
                send(page, request)
    timings = {page.name: [] for page in pages}
    queries = {page.name: [] for page in pages}
    statuses = {page.name: set() for page in pages}
    rounds = max(len(page.requests) * page.every for page in pages)
    for i in range(rounds):
        for page in pages:
            if i % page.every or i // page.every >= len(page.requests):
                continue
            status, ms, count = send(page, page.requests[i // page.every])
            timings[page.name].append(ms)
            queries[page.name].append(count)
            statuses[page.name].add(status)
    rows = []
    for page in pages:
        values = timings[page.name]
        rows.append(
            Figures(
                name=page.name,
                requests=len(values),
                p50_ms=round(statistics.median(values), 2),
                p95_ms=round(percentile(values, 0.95), 2),
                p99_ms=round(percentile(values, 0.99), 2),
                queries=max(queries[page.name]),
                queries_p50=round(statistics.median(queries[page.name])),
                statuses=sorted(statuses[page.name]),
                against=page.against,
            )
        )
    by_name = {row.name: row for row in rows}
    for row in rows:
        if row.against in by_name and row.p50_ms:
            row.ratio = round(by_name[row.against].p50_ms / row.p50_ms, 1)
    return rows


def table(rows: list[Figures], *, with_queries: bool = True) -> str:
    lines = [
        f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'queries' if with_queries else '':>8} {'n':>5}  admin ÷ this",
        "-" * 100,
    ]
    for row in rows:
        ratio = f"{row.ratio:6.1f}× ({row.against})" if row.ratio else ""
        count = f"{row.queries:8d}" if with_queries else " " * 8
        lines.append(
            f"{row.name:<40} {row.p50_ms:8.2f} {row.p95_ms:8.2f} {row.p99_ms:8.2f} "
            f"{count} {row.requests:5d}  {ratio}"
        )
    return "\n".join(lines)


# --- Targets (issue 20) ------------------------------------------------------------------

LIST_RATIO, SEARCH_RATIO, PAGE_RATIO, SAVE_RATIO, THROUGHPUT_RATIO = 10, 50, 10, 6, 10
SAVE_STATEMENTS = 15


def verdicts(rows: list[Figures], pages: list[Page]) -> list[tuple[str, str, bool]]:
    """(target, figure, met) for every row that has one."""
    kinds = {page.name: page.kind for page in pages}
    out = []
    for row in rows:
        kind = kinds.get(row.name)
        if row.ratio is None or kind not in ("list", "search", "page", "save"):
            continue
        need = {"list": LIST_RATIO, "search": SEARCH_RATIO, "page": PAGE_RATIO}.get(
            kind, SAVE_RATIO
        )
        out.append((f"{row.name}: ≥ {need}× {row.against}", f"{row.ratio}×", row.ratio >= need))
        if kind in ("list", "search"):
            out.append(
                (
                    f"{row.name}: p95 ≤ 2 × p50",
                    f"p95 {row.p95_ms} ms, p50 {row.p50_ms} ms",
                    row.p95_ms <= 2 * row.p50_ms,
                )
            )
        if kind == "save" and row.queries:  # counted in-process only
            # Every round trip of the request: with BEGIN, COMMIT and the task's row.
            out.append(
                (
                    f"{row.name}: ≤ {SAVE_STATEMENTS} statements",
                    f"{row.queries_p50} (a process's first save: {row.queries})",
                    0 < row.queries_p50 <= SAVE_STATEMENTS,
                )
            )
    return out


def verdict_lines(results: list[tuple[str, str, bool]]) -> str:
    return "\n".join(
        f"  {'met   ' if met else 'MISSED'}  {target:<62} {figure}"
        for target, figure, met in results
    )


# --- The plan: the same pages in-process and over HTTP -----------------------------------


def bench_plan(n: int, rng, *, admin_every: int = 4, project_admin: bool = True) -> list[Page]:
    """The issue's table: each of our pages beside the admin row it is compared with."""
    from orders.models import Customer
    from returns.filters import SORTS
    from returns.models import Return, Status

    total = Return.objects.count()
    sample = sample_returns(n, rng)
    customers = list(
        Customer.objects.filter(pk__in={r.customer_id for r in sample}).select_related("user")
    )
    emails = [c.user.email for c in customers]
    reasons = (
        Return.objects.exclude(reason=None)
        .values("reason")
        .annotate(n=Count("pk"), first=Min("pk"))
        .order_by("-n")
    )
    reason_id = reasons[0]["reason"] if reasons else ""
    depth = min(999_900, max(0, total - 60))
    last_year = date.today().year - 1
    # The admin's substring searches take seconds on a million returns: fewer of them.
    slow_every = admin_every * 4

    def pick(items):
        return [rng.choice(items) for _ in range(n)]

    def get(paths):
        return [("get", path, None) for path in paths]

    pages = [
        Page("returns list", "staff", get(["/backoffice/returns/"] * n), "admin list", kind="list"),
        # The API's list (issue 15), read with staff's session: the same rows as JSON. Its
        # ratio is the HTML list's p50 over its own.
        Page(
            "API returns list (JSON)",
            "staff",
            get(["/api/v1/returns/"] * n),
            "returns list",
            kind="other",
        ),
        Page(
            "status tab",
            "staff",
            get([f"/backoffice/returns/?status={s}" for s in pick(Status.values)]),
            "admin status filter",
            kind="list",
        ),
        Page(
            "reason filter",
            "staff",
            get([f"/backoffice/returns/?reason={reason_id}"] * n),
            "admin list",
            kind="list",
        ),
        Page(
            "search e-mail",
            "staff",
            get([f"/backoffice/returns/?q={quote(e)}" for e in pick(emails)]),
            "admin search e-mail",
            kind="search",
        ),
        Page(
            "search return number",
            "staff",
            get([f"/backoffice/returns/?q={r.number}" for r in pick(sample)]),
            "admin search number",
            kind="search",
        ),
    ]
    for sort, ordering in SORTS.items():
        deep = Return.objects.order_by(*ordering).values("pk", ordering[0].lstrip("-"))[depth]
        value = deep[ordering[0].lstrip("-")].isoformat()
        cursor = quote(f"{value}~{deep['pk']}")
        pages.append(
            Page(
                f"page {depth:,} deep, {sort}",
                "staff",
                get([f"/backoffice/returns/?sort={sort}&after={cursor}"] * n),
                "admin list",
                kind="list",
            )
        )
    pages += [
        Page(
            "return page",
            "staff",
            get([f"/backoffice/returns/{r.pk}/" for r in pick(sample)]),
            "admin list",
        ),
        Page("save: approve, restock, e-mail", "staff", saves(n, rng), "admin list", kind="save"),
        Page(
            "order page",
            "staff",
            get([f"/backoffice/orders/{r.order.number}/" for r in pick(sample)]),
            "admin list",
            kind="other",
        ),
        # The dashboard aggregates every return of its range (seconds on a million): as
        # seldom as the admin's searches, so the run still ends.
        Page(
            "dashboard, last 30 days",
            "staff",
            get(["/backoffice/"] * max(1, n // slow_every)),
            "admin list",
            every=slow_every,
            kind="other",
        ),
        Page(
            "dashboard, a whole year",
            "staff",
            get(
                [f"/backoffice/?start={last_year}-01-01&end={last_year}-12-31"]
                * max(1, n // slow_every)
            ),
            "admin list",
            every=slow_every,
            kind="other",
        ),
        Page(
            "returns export (CSV), first 500 rows",
            "staff",
            get(["/backoffice/returns/export.csv"] * max(1, n // admin_every)),
            "returns list",
            every=admin_every,
            kind="other",
            first_lines=501,
        ),
        Page(
            "customer's My returns",
            "customer",
            get(["/account/returns/"] * n),
            "admin list",
            kind="other",
        ),
        Page("admin list", "admin", get([ADMIN] * max(1, n // admin_every)), every=admin_every),
        Page(
            "admin status filter",
            "admin",
            get(
                [
                    f"{ADMIN}?status__exact={s}"
                    for s in pick(Status.values)[: max(1, n // admin_every)]
                ]
            ),
            every=admin_every,
        ),
        Page(
            "admin search e-mail",
            "admin",
            get([f"{ADMIN}?q={quote(e)}" for e in pick(emails)[: max(1, n // slow_every)]]),
            every=slow_every,
        ),
        Page(
            "admin search number",
            "admin",
            get(
                [
                    f"{ADMIN}?q={quote(r.order.number)}"
                    for r in pick(sample)[: max(1, n // slow_every)]
                ]
            ),
            every=slow_every,
        ),
    ]
    if project_admin:
        pages.append(
            Page(
                "project's ReturnAdmin",
                "admin",
                get([PROJECT_ADMIN] * max(1, n // slow_every)),
                every=slow_every,
                kind="admin",
            )
        )
    pages.append(Page("/healthz (same middleware)", "staff", get(["/healthz"] * n), kind="other"))
    for page in pages:
        if page.role == "admin":
            page.kind = "admin"
    return pages


def sample_returns(n, rng):
    """About n returns spread over the whole table (random keys, no ORDER BY random())."""
    from returns.models import Return

    low = Return.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Return.objects.order_by("-pk").values_list("pk", flat=True).first()
    keys = {rng.randint(low, high) for _ in range(n * 2)}
    sample = list(Return.objects.filter(pk__in=keys).select_related("order")[:n])
    return sample or list(Return.objects.select_related("order")[:n])


def saves(n, rng, *, exclude=()):
    """POSTs of the return page's form: New → Return approved with Update stock and Notify
    customer, on returns nobody else saves (each once), so each one really restocks,
    writes history and queues an e-mail."""
    from returns.models import Return, ReturnLine, Status

    new = Return.objects.filter(status=Status.NEW, update_stock=True).exclude(pk__in=exclude)
    start = rng.randint(0, max(0, new.count() - n - 10))
    candidates = list(new.order_by("pk")[start : start + n])
    lines = {}
    for line in ReturnLine.objects.filter(rma__in=candidates):
        lines.setdefault(line.rma_id, []).append(line)
    requests = []
    for rma in candidates:
        data = {
            "version": rma.version,
            "status": Status.APPROVED,
            "update_stock": "on",
            "notify_customer": "on",
            "customer_comment": rma.customer_comment,
        }
        if rma.reason_id:
            data["reason"] = rma.reason_id
        else:
            data["reason_text"] = rma.reason_text or "Does not fit"
        if rma.action_id:
            data["action"] = rma.action_id
        for line in lines.get(rma.pk, []):
            data[f"line_{line.pk}"] = line.quantity
        requests.append(("post", f"/backoffice/returns/{rma.pk}/", data))
    return requests


def timed(call) -> tuple[float, int]:
    """(milliseconds, SQL queries) of call() in this process."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = call()
        ms = (time.perf_counter() - started) * 1000
    return result, ms, len(captured.captured_queries)


def read_lines(chunks, count: int) -> int:
    """Consume `chunks` (bytes) until `count` lines have arrived; the lines read."""
    lines = 0
    for chunk in chunks:
        lines += chunk.count(b"\n")
        if lines >= count:
            break
    return lines
