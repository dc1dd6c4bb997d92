"""Server-side timing of the pages that matter on a large shop.

Each request goes through Django's whole stack (middleware, sessions, templates) in this
process, timed from the handler's call to its response, with its SQL queries counted: what a
server spends per request, without the network or a browser in the way.
"""

import statistics
import time
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Figures:
    name: str
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    queries: int
    statuses: list[int] = field(default_factory=list)

    def as_dict(self):
        return asdict(self)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(name: str, client: Client, requests, *, warmup: int = 5) -> Figures:
    """Run `requests` (an iterable of (method, path, data)) and time each one."""
    requests = list(requests)
    for method, path, data in requests[:warmup]:
        getattr(client, method)(path, data or {})
    timings, queries, statuses = [], [], set()
    for method, path, data in requests:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method)(path, data or {})
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured.captured_queries))
        statuses.add(response.status_code)
    return Figures(
        name=name,
        requests=len(timings),
        p50_ms=round(statistics.median(timings), 2),
        p95_ms=round(percentile(timings, 0.95), 2),
        p99_ms=round(percentile(timings, 0.99), 2),
        queries=max(queries),
        statuses=sorted(statuses),
    )


def table(rows: list[Figures], admin_p50: float | None) -> str:
    lines = [
        f"{'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>8} {'vs admin':>9}",
        "-" * 84,
    ]
    for row in rows:
        ratio = f"{admin_p50 / row.p50_ms:8.1f}x" if admin_p50 and row.p50_ms else ""
        lines.append(
            f"{row.name:<38} {row.p50_ms:8.2f} {row.p95_ms:8.2f} {row.p99_ms:8.2f} "
            f"{row.queries:8d} {ratio:>9}"
        )
    return "\n".join(lines)
