"""core.compiled: a queryset's SQL built once, run with new values, giving what the
queryset itself gives."""

import pytest
from django.db.models import Count

from core.compiled import CompiledQuery
from orders.models import Order, OrderLine
from tests.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def _lines(order_id):
    return (
        OrderLine.objects.filter(order_id=order_id)
        .select_related("order__customer__user", "variant__product")
        .order_by("pk")
    )


def test_each_run_reads_the_rows_of_its_own_values_with_their_related_objects(
    django_assert_num_queries,
):
    first = OrderLineFactory(order__number="ORD-A")
    OrderLineFactory(order=first.order)
    second = OrderLineFactory(order__number="ORD-B")
    query = CompiledQuery(lambda order_id: _lines(order_id))

    for order in (first.order, second.order, first.order):
        with django_assert_num_queries(1):
            lines = query.run(order_id=order.pk)
            # The related objects came with the rows: no query to read them.
            described = [
                (line.pk, line.order.number, line.order.customer.user.email, line.variant.sku)
                for line in lines
            ]
        assert described == [
            (line.pk, line.order.number, line.order.customer.user.email, line.variant.sku)
            for line in _lines(order.pk)
        ]
        assert len(lines) == (2 if order == first.order else 1)


def test_strings_annotations_and_several_values_are_bound_on_every_run():
    OrderLineFactory(order__number="ORD-A", sku="RED-S", quantity=2)
    OrderLineFactory(order__number="ORD-B", sku="RED-S", quantity=5)
    query = CompiledQuery(
        lambda number, sku: (
            Order.objects.filter(number=number, lines__sku=sku)
            .annotate(line_count=Count("lines"))
            .order_by("pk")
        )
    )
    assert [(o.number, o.line_count) for o in query.run(number="ORD-B", sku="RED-S")] == [
        ("ORD-B", 1)
    ]
    assert [o.number for o in query.run(number="ORD-A", sku="RED-S")] == ["ORD-A"]
    assert query.run(number="ORD-A", sku="BLUE-S") == []


def test_a_value_the_sql_does_not_carry_is_refused_when_built():
    query = CompiledQuery(lambda order_id: Order.objects.filter(number="ORD-1"))
    with pytest.raises(ValueError, match="order_id"):
        query.run(order_id=1)


@pytest.mark.parametrize("value", [None, True, 1.5, "1"])
def test_values_other_than_ints_strings_and_moments_are_refused_on_any_run(value):
    query = CompiledQuery(lambda order_id: Order.objects.filter(pk=order_id))
    if isinstance(value, str):
        query.run(order_id=1)  # built with an int: a string later is another kind
    else:
        with pytest.raises(TypeError):
            query.run(order_id=value)
        query.run(order_id=1)
    with pytest.raises(TypeError):
        query.run(order_id=value)


def test_a_queryset_built_once_reads_the_rows_as_they_are_at_each_call():
    from core.compiled import built_once

    calls = []

    @built_once
    def numbers():
        calls.append(1)
        return Order.objects.order_by("number").values_list("number", flat=True)

    OrderLineFactory(order__number="ORD-A")
    assert list(numbers()) == ["ORD-A"]
    OrderLineFactory(order__number="ORD-B")
    assert list(numbers()) == ["ORD-A", "ORD-B"]
    assert list(numbers().filter(number="ORD-B")) == ["ORD-B"]
    assert list(numbers()) == ["ORD-A", "ORD-B"]  # a caller's filter stays its own
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_is_refused_outside_a_transaction_on_every_run():
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    order = OrderLineFactory().order
    query = CompiledQuery(lambda pk: Order.objects.select_for_update().filter(pk=pk))
    with transaction.atomic():
        assert query.run(pk=order.pk) == [order]
    with pytest.raises(TransactionManagementError):
        query.run(pk=order.pk)


def test_moments_are_bound_as_a_datetime_field_s_values():
    from datetime import UTC, datetime, timedelta

    first = OrderLineFactory(order__number="ORD-A").order
    second = OrderLineFactory(order__number="ORD-B").order
    Order.objects.filter(pk=first.pk).update(placed_at=datetime(2026, 1, 1, 12, tzinfo=UTC))
    Order.objects.filter(pk=second.pk).update(placed_at=datetime(2026, 6, 1, 12, tzinfo=UTC))
    query = CompiledQuery(
        lambda since, number: (
            Order.objects.filter(placed_at__gte=since).exclude(number=number).order_by("placed_at")
        )
    )
    moment = datetime(2026, 3, 1, tzinfo=UTC)
    assert [o.number for o in query.run(since=moment, number="X")] == ["ORD-B"]
    earlier = moment - timedelta(days=90)
    assert [o.number for o in query.run(since=earlier, number="X")] == ["ORD-A", "ORD-B"]
    assert [o.number for o in query.run(since=earlier, number="ORD-A")] == ["ORD-B"]
    with pytest.raises(ValueError, match="aware"):
        query.run(since=datetime(2026, 1, 1), number="X")
