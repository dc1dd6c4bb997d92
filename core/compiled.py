"""Querysets whose SQL is built once per process and then run with new values.

Django compiles a queryset to SQL on every evaluation: for the return page's 11-table
lookup that costs more than PostgreSQL takes to plan and run it (the database already
keeps the statement prepared, settings.DATABASES' `prepare_threshold`). A page's hottest
queries have one fixed shape whose only variable is a key, so their SQL can be built
once and reused, the Python side of a prepared statement:

    _HISTORY = CompiledQuery(
        lambda rma_id: HistoryEntry.objects.filter(rma_id=rma_id).order_by("-pk")
    )
    entries = _HISTORY.run(rma_id=rma.pk)  # a list of HistoryEntry, as list(queryset)

`build` gets a marker for each keyword and must use it only as a value to compare with
(never in Python logic): the SQL built from the markers must not depend on the values.
The markers are found again in the compiled parameters and replaced on every run; a
marker that vanished in compilation (or a value other than an int, a str or an aware
datetime, which goes to the database as a DateTimeField's value) is refused when the
query is first built. Everything else in the SQL (including any
other parameters) is frozen at that first build, so `build` must not read the clock,
settings that change, or anything else per request.

Rows become model instances (with select_related, annotations, prefetch_related) by
Django's own iterable, given a compiler that hands it the SQL built before."""

import copy
import functools
import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError

_markers = itertools.count(1)


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._using = using
        self._compiled: dict[str, tuple] = {}  # by database vendor
        self._lock = threading.Lock()

    def run(self, **values) -> list:
        connection = connections[self._using]
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(connection.vendor) or self._compile(values)
                self._compiled[connection.vendor] = compiled
        queryset, compiler, sql, params, slots, kinds = compiled
        if queryset.query.select_for_update and connection.get_autocommit():
            # What Django's compiler checks on every build of such a query.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        for name, value in values.items():
            if _kind(value) is not kinds.get(name):
                raise TypeError(f"CompiledQuery: {name} is not of the kind it was built with.")
        params = list(params)
        for index, name, adapt in slots:
            params[index] = adapt(values[name], connection) if adapt else values[name]
        run_compiler = copy.copy(compiler)
        run_compiler.connection = connection
        run_compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        run = QuerySet(model=queryset.model, query=_Built(queryset.query, run_compiler))
        run._db = self._using
        run._prefetch_related_lookups = queryset._prefetch_related_lookups[:]
        run._known_related_objects = queryset._known_related_objects
        run._iterable_class = queryset._iterable_class
        run._fields = queryset._fields
        return list(run)

    def _compile(self, values: dict) -> tuple:
        connection = connections[self._using]
        markers, adapted = {}, {}
        for name, value in values.items():
            number = next(_markers)
            if isinstance(value, datetime):
                # An aware moment no page asks for; the database gets it as a datetime
                # field's value (a string on SQLite), and so will each run's value.
                markers[name] = datetime(1111, 1, 1, 1, 1, 1, number % 10**6, tzinfo=UTC)
                adapted[name] = _adapt_datetime(markers[name], connection)
            elif isinstance(value, bool) or not isinstance(value, int | str):
                raise TypeError(f"CompiledQuery: {name} must be an int, a str or a datetime.")
            else:
                markers[name] = -(10**15) - number if isinstance(value, int) else f"\x00cq{number}"
                adapted[name] = markers[name]
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        slots = []
        for index, param in enumerate(params):
            for name, marker in adapted.items():
                if type(param) is type(marker) and param == marker:
                    adapt = _adapt_datetime if isinstance(markers[name], datetime) else None
                    slots.append((index, name, adapt))
        missing = set(markers) - {name for _index, name, _adapt in slots}
        if missing:
            raise ValueError(f"CompiledQuery: {sorted(missing)} not found in the compiled SQL.")
        kinds = {name: _kind(value) for name, value in values.items()}
        return queryset, compiler, sql, tuple(params), tuple(slots), kinds


def _kind(value):
    """int, str or datetime: what a value may be (bool, None and the rest: None)."""
    if isinstance(value, bool):
        return None
    for kind in (int, str, datetime):
        if isinstance(value, kind):
            return kind
    return None


def _adapt_datetime(value: datetime, connection):
    """A moment as Django sends a DateTimeField's value to this database."""
    if value.tzinfo is None:
        raise ValueError("CompiledQuery: datetimes must be aware.")
    return connection.ops.adapt_datetimefield_value(value)


class _Built:
    """The queryset's query, handing out the compiler that holds the built SQL."""

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, *args, **kwargs):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


def built_once(build: Callable[[], QuerySet]) -> Callable[[], QuerySet]:
    """For a function of no arguments that builds a queryset: build it once per process
    and give each caller a clone (`.all()`), to filter, slice and read as its own.
    Resolving subqueries and unions is most of what building some querysets costs (the
    assignable staff: ~1.5 ms), a clone a small part of it. `build` must not read the
    clock or anything else that changes."""
    built = []

    @functools.wraps(build)
    def clone() -> QuerySet:
        if not built:
            built.append(build())
        return built[0].all()

    return clone
