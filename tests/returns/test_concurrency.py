"""Real threads, real PostgreSQL connections, released together by a barrier."""

import random
import threading
import time
import uuid

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from inventory.models import StockMovement, Variant
from inventory.services import stock_receive_initial
from orders.models import OrderLine
from returns import exceptions, services
from returns.models import Return, ReturnLine
from tests.factories import (
    CatalogEntryFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    StaffUserFactory,
    VariantFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 24


def run_together(count, work):
    """Run work(i) in `count` threads that start at the same moment; return the results
    (or the exceptions) and how long it took."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # collected and asserted on by the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results, time.monotonic() - started


def new_return(order_lines, staff, quantity=2):
    reason = CatalogEntryFactory(kind="reason", name="Too small")
    return services.return_create(
        order=order_lines[0].order,
        quantities={line.pk: quantity for line in order_lines},
        user=staff,
        origin="staff",
        reason=services.Choice(entry=reason),
    )


def ledger_matches(variant):
    variant.refresh_from_db()
    return (
        variant.on_hand
        == StockMovement.objects.filter(variant=variant).aggregate(s=Sum("delta"))["s"]
    )


def test_many_saves_of_the_same_approval_restock_once():
    staff = StaffUserFactory()
    line = OrderLineFactory(quantity=3)
    stock_receive_initial(quantities={line.variant_id: 10})
    rma = new_return([line], staff, quantity=3)
    version = rma.version

    def approve(_i):
        # Everybody opened the page at the same version and presses Save together.
        return services.return_change(
            rma=rma, user=staff, version=version, status="approved", update_stock=True
        )

    results, seconds = run_together(THREADS, approve)
    saved = [r for r in results if isinstance(r, Return)]
    refused = [r for r in results if isinstance(r, exceptions.ReturnChangedMeanwhile)]
    assert (len(saved), len(refused)) == (1, THREADS - 1), results
    line.variant.refresh_from_db()
    assert line.variant.on_hand == 13
    assert StockMovement.objects.filter(kind="return_restock").count() == 1
    assert ledger_matches(line.variant)
    print(
        f"\n{THREADS} concurrent saves of one approval: "
        f"1 saved, {len(refused)} told it changed, {seconds:.2f}s"
    )


def test_many_saves_that_all_get_through_still_restock_once():
    """Even when every save is accepted (each retries with the version it finds), the
    reconciliation under the row lock posts the restock exactly once."""
    staff = StaffUserFactory()
    line = OrderLineFactory(quantity=3)
    stock_receive_initial(quantities={line.variant_id: 10})
    rma = new_return([line], staff, quantity=3)

    def approve_until_saved(_i):
        for _attempt in range(THREADS * 2):
            current = Return.objects.get(pk=rma.pk)
            status = "approved" if current.status == "new" else current.status
            try:
                return services.return_change(
                    rma=current,
                    user=staff,
                    version=current.version,
                    status=status,
                    update_stock=True,
                )
            except exceptions.ReturnChangedMeanwhile:
                continue
        raise AssertionError("never saved")

    results, seconds = run_together(THREADS, approve_until_saved)
    assert all(isinstance(r, Return) for r in results), results
    line.variant.refresh_from_db()
    assert line.variant.on_hand == 13
    assert StockMovement.objects.filter(kind="return_restock").count() == 1
    assert Return.objects.get(pk=rma.pk).version == 1 + THREADS
    print(f"\n{THREADS} saves all accepted one after the other: 1 restock, {seconds:.2f}s")


def test_approving_many_returns_of_overlapping_variants_neither_deadlocks_nor_drifts():
    staff = StaffUserFactory()
    variants = [VariantFactory() for _ in range(5)]
    stock_receive_initial(quantities={v.pk: 100 for v in variants})
    rng = random.Random(7)
    returns, expected = [], {v.pk: 100 for v in variants}
    for _ in range(THREADS):
        order = OrderFactory()
        # Each return touches 2-4 of the same variants, its lines made in a shuffled order.
        chosen = rng.sample(variants, rng.randint(2, 4))
        lines = [OrderLineFactory(order=order, variant=v, quantity=3) for v in chosen]
        returns.append(new_return(lines, staff, quantity=rng.randint(1, 3)))
        for return_line in ReturnLine.objects.filter(rma=returns[-1]).select_related("order_line"):
            expected[return_line.order_line.variant_id] += return_line.quantity

    def approve(i):
        rma = returns[i]
        return services.return_change(rma=rma, user=staff, version=rma.version, status="approved")

    results, seconds = run_together(THREADS, approve)
    assert all(isinstance(r, Return) for r in results), results
    for variant in Variant.objects.filter(pk__in=expected):
        assert variant.on_hand == expected[variant.pk]
        assert ledger_matches(variant)
    print(f"\n{THREADS} approvals over 5 shared variants: no error, no deadlock, {seconds:.2f}s")


def test_concurrent_creations_never_over_return_a_line():
    staff = StaffUserFactory()
    line = OrderLineFactory(quantity=3)
    reason = CatalogEntryFactory(kind="reason", name="Too small")

    def create(_i):
        return services.return_create(
            order=line.order,
            quantities={line.pk: 1},
            user=staff,
            origin="staff",
            reason=services.Choice(entry=reason),
        )

    results, seconds = run_together(THREADS, create)
    created = [r for r in results if isinstance(r, Return)]
    refused = [r for r in results if isinstance(r, exceptions.QuantityNotReturnable)]
    assert (len(created), len(refused)) == (3, THREADS - 3), results
    assert OrderLine.objects.get(pk=line.pk).returned_quantity == 3
    assert ReturnLine.objects.aggregate(s=Sum("quantity"))["s"] == 3
    print(
        f"\n{THREADS} concurrent creations on a line of 3: "
        f"3 created, {len(refused)} refused, {seconds:.2f}s"
    )


def test_the_return_is_locked_before_anything_is_written():
    staff = StaffUserFactory()
    line = OrderLineFactory(quantity=3)
    rma = new_return([line], staff, quantity=2)
    with CaptureQueriesContext(connection) as queries:
        services.return_change(rma=rma, user=staff, version=rma.version, status="approved")
    sql = [q["sql"] for q in queries.captured_queries]
    writes = [i for i, s in enumerate(sql) if s.startswith(("UPDATE", "INSERT"))]
    first_lock = next(i for i, s in enumerate(sql) if "FOR UPDATE" in s)
    assert 'FROM "returns_return"' in sql[first_lock]
    assert first_lock < min(writes)
    # One variant: its UPDATE ... SET on_hand = on_hand + n takes the row lock, after the
    # return's, and nothing reads on-hand before it (several variants are locked in key
    # order first: tests/inventory/test_services.py).
    touching = [i for i, s in enumerate(sql) if "inventory_variant" in s]
    assert sql[touching[0]].startswith('UPDATE "inventory_variant"')
    assert first_lock < touching[0]


def test_one_request_form_sent_many_times_at_once_creates_one_return():
    """A double click, or a customer pressing Send in two tabs: the same one-time token
    arrives on many connections at once, and one return comes out."""
    customer = CustomerFactory()
    line = OrderLineFactory(order__customer=customer, quantity=3)
    reason = CatalogEntryFactory(kind="reason", name="Too small")
    token = uuid.uuid4()

    def send(_i):
        return services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 1},
            reason=services.Choice(entry=reason),
            token=token,
        )

    results, seconds = run_together(THREADS, send)
    assert all(isinstance(r, tuple) for r in results), results
    assert [created for _rma, created in results].count(True) == 1
    assert {rma.pk for rma, _created in results} == {Return.objects.get().pk}
    assert OrderLine.objects.get(pk=line.pk).returned_quantity == 1
    print(f"\n{THREADS} concurrent sends of one request form: 1 return, {seconds:.2f}s")


def test_concurrent_requests_for_the_last_items_create_one_return():
    customer = CustomerFactory()
    line = OrderLineFactory(order__customer=customer, quantity=2)
    reason = CatalogEntryFactory(kind="reason", name="Too small")

    def send(_i):
        return services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 2},
            reason=services.Choice(entry=reason),
            token=uuid.uuid4(),
        )

    results, _seconds = run_together(THREADS, send)
    created = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, exceptions.ReturnsNotAllowed)]
    assert (len(created), len(refused)) == (1, THREADS - 1), results
    assert "already been returned" in refused[0].message
    assert Return.objects.count() == 1
