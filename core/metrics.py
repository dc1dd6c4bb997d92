"""Prometheus metrics for the production topology (README, Production): requests and their
latency (django-prometheus' middleware), time spent in the database per statement, and
what apps register at scrape time (the outbox's states, the task queue's depth).

`/metrics` answers only to clients in METRICS_ALLOWED_NETWORKS (a 404 for anyone else, so
it does not advertise itself): scrape each gunicorn host directly, not through the proxy.
With several worker processes per host set PROMETHEUS_MULTIPROC_DIR (prometheus_client's
multiprocess mode) so a scrape sums every process, not whichever one answered."""

import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)

DB_TIME = Histogram(
    "returns_db_statement_seconds",
    "Time spent executing one database statement, by database alias.",
    ["alias"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

# name -> function returning metric families; called at scrape time, outside any request
_scrape_time: dict[str, Callable[[], Iterable[Metric]]] = {}


def register_scrape_time(name: str, collect: Callable[[], Iterable[Metric]]) -> None:
    """Apps add what is read at scrape time (e.g. counts of rows by state) here."""
    _scrape_time[name] = collect


def gauge(name: str, documentation: str, labels: list[str], values: dict) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for key, value in values.items():
        family.add_metric(list(key) if isinstance(key, tuple) else [key], value)
    return family


class _ScrapeTime:
    def collect(self):
        for name, collect in _scrape_time.items():
            try:
                yield from collect()
            except Exception:  # a scrape must answer even when the database does not
                logger.warning("Metrics: %s could not be read.", name, exc_info=True)


def time_statements(execute, sql, params, many, context):
    """A connection execute wrapper (see core.apps) that times every statement."""
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        DB_TIME.labels(context["connection"].alias).observe(time.perf_counter() - start)


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_NETWORKS)


@require_GET
def metrics_view(request):
    # A request relayed by a reverse proxy comes from the proxy's address (often 127.0.0.1,
    # allowed): whatever carries a forwarding header is refused. Prometheus scrapes hosts
    # directly and sends none.
    relayed = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META
    if relayed or not _allowed(request.META.get("REMOTE_ADDR", "")):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scrape = CollectorRegistry()
    scrape.register(_ScrapeTime())
    body = generate_latest(registry) + generate_latest(scrape)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
