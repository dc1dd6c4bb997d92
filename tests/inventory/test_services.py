import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from inventory.models import StockMovement, Variant
from inventory.services import StockChange, stock_apply, stock_receive_initial
from tests.factories import OrderLineFactory, StaffUserFactory, VariantFactory


def ledger_sum(variant):
    return StockMovement.objects.filter(variant=variant).aggregate(s=Sum("delta"))["s"] or 0


@pytest.mark.django_db
def test_every_change_is_a_ledger_row_and_on_hand_equals_the_ledger():
    variant = VariantFactory()
    user = StaffUserFactory()
    stock_receive_initial(quantities={variant.pk: 10})
    stock_apply(changes=[StockChange(variant.pk, 3, StockMovement.Kind.ADJUSTMENT)], user=user)
    stock_apply(changes=[StockChange(variant.pk, -5, StockMovement.Kind.SALE)], user=user)
    variant.refresh_from_db()
    assert variant.on_hand == 8
    assert ledger_sum(variant) == 8
    assert list(
        StockMovement.objects.filter(variant=variant).order_by("pk").values_list("delta", flat=True)
    ) == [10, 3, -5]
    assert StockMovement.objects.filter(created_by=user).count() == 2


@pytest.mark.django_db
def test_several_changes_of_several_variants_apply_together_with_their_reference():
    a, b = VariantFactory(), VariantFactory()
    line = OrderLineFactory(variant=a)
    movements = stock_apply(
        changes=[
            StockChange(b.pk, 2, StockMovement.Kind.ADJUSTMENT),
            StockChange(a.pk, 4, StockMovement.Kind.RETURN_RESTOCK, reference=line),
            StockChange(a.pk, -1, StockMovement.Kind.RETURN_REVERSAL, reference=line),
        ]
    )
    assert len(movements) == 3
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.on_hand, b.on_hand) == (3, 2)
    assert StockMovement.objects.get(variant=a, delta=4).reference == line


@pytest.mark.django_db
def test_an_unknown_variant_changes_nothing_at_all():
    variant = VariantFactory()
    with pytest.raises(Variant.DoesNotExist), transaction.atomic():  # as a caller would
        stock_apply(
            changes=[
                StockChange(variant.pk, 5, StockMovement.Kind.ADJUSTMENT),
                StockChange(999999, 1, StockMovement.Kind.ADJUSTMENT),
            ]
        )
    variant.refresh_from_db()
    assert variant.on_hand == 0
    assert not StockMovement.objects.exists()


@pytest.mark.django_db
def test_zero_changes_write_nothing():
    variant = VariantFactory()
    assert stock_apply(changes=[StockChange(variant.pk, 0, StockMovement.Kind.ADJUSTMENT)]) == []
    assert not StockMovement.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_ledger_row_without_a_change():
    variant = VariantFactory()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(variant=variant, delta=0, kind=StockMovement.Kind.ADJUSTMENT)


@pytest.mark.postgres
@pytest.mark.django_db
def test_variant_rows_are_locked_in_key_order_before_they_are_updated():
    first, second = VariantFactory(), VariantFactory()
    with CaptureQueriesContext(connection) as queries:
        stock_apply(
            changes=[
                StockChange(second.pk, 1, StockMovement.Kind.ADJUSTMENT),
                StockChange(first.pk, 1, StockMovement.Kind.ADJUSTMENT),
            ]
        )
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, s in enumerate(sql) if "FOR UPDATE" in s)
    updates = [i for i, s in enumerate(sql) if s.startswith("UPDATE")]
    assert updates and lock < min(updates)
    assert "ORDER BY 1 ASC" in sql[lock] or 'ORDER BY "inventory_variant"."id" ASC' in sql[lock]
    # Then one UPDATE moves both (the locks are held): a statement per save, not per variant.
    assert len(updates) == 1
    assert f"{first.pk}" in sql[updates[0]] and f"{second.pk}" in sql[updates[0]]
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.on_hand, second.on_hand) == (1, 1)
