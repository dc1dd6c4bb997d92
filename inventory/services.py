"""Every write to stock goes through here."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from core.exceptions import DomainError
from core.services import model_update

from .models import InventorySettings, Product, StockMovement, Variant


@dataclass(frozen=True)
class StockChange:
    variant_id: int
    delta: int
    kind: str
    reference: models.Model | None = None


def stock_apply(*, changes: Iterable[StockChange], user=None) -> list[StockMovement]:
    """Apply stock changes and write their ledger rows, all or nothing.

    Guarantees: the variant rows are locked (SELECT ... FOR UPDATE; a single variant by
    its UPDATE) in primary-key order before anything is written, so two callers touching
    the same variants in a different order wait for each other instead of deadlocking;
    on-hand is updated with F() in the database, never from a value read earlier; each
    change becomes one ledger row in the same transaction. So on-hand always equals the
    sum of the ledger.

    An unknown variant raises before anything is written; inside a caller's transaction
    the failure fails that transaction (no savepoint of its own).
    """
    changes = [change for change in changes if change.delta]
    if not changes:
        return []
    totals: dict[int, int] = defaultdict(int)
    for change in changes:
        totals[change.variant_id] += change.delta
    # No savepoint when called inside a caller's transaction: a failure here fails theirs.
    with transaction.atomic(savepoint=False):
        if len(totals) == 1:
            # One row: its UPDATE takes the row lock itself, so there is no order to keep
            # and no separate SELECT ... FOR UPDATE to pay for (the common save).
            [(variant_id, total)] = totals.items()
            if not Variant.objects.filter(pk=variant_id).update(on_hand=F("on_hand") + total):
                raise Variant.DoesNotExist(f"Unknown variants: [{variant_id}]")
        else:
            locked = list(
                Variant.objects.select_for_update(of=("self",))
                .filter(pk__in=totals)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if len(locked) != len(totals):
                missing = sorted(set(totals) - set(locked))
                raise Variant.DoesNotExist(f"Unknown variants: {missing}")
            # All of them in one UPDATE: the locks are held already, in key order.
            moved = {pk: totals[pk] for pk in locked if totals[pk]}
            if moved:
                Variant.objects.filter(pk__in=moved).update(
                    on_hand=F("on_hand")
                    + Case(
                        *(When(pk=pk, then=Value(delta)) for pk, delta in moved.items()),
                        output_field=models.IntegerField(),
                    )
                )
        return StockMovement.objects.bulk_create(
            [
                StockMovement(
                    variant_id=change.variant_id,
                    delta=change.delta,
                    kind=change.kind,
                    reference_type=(
                        ContentType.objects.get_for_model(change.reference)
                        if change.reference is not None
                        else None
                    ),
                    reference_id=change.reference.pk if change.reference is not None else None,
                    created_by=user if getattr(user, "pk", None) else None,
                )
                for change in changes
            ]
        )


def stock_receive_initial(*, quantities: dict[int, int], at: datetime | None = None) -> None:
    """Bulk-load opening stock for new variants (the demo and benchmark shops), received
    `at` (now by default; a shop with a past dates it before its first order, so no ledger
    row moves stock that was not there yet).

    Writes the ledger rows and sets on-hand to their sum in one transaction; meant for
    variants that have no movements yet, so the ledger invariant holds from the start.
    """
    quantities = {pk: qty for pk, qty in quantities.items() if qty}
    at = at or timezone.now()
    with transaction.atomic():
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    variant_id=pk, delta=qty, kind=StockMovement.Kind.RECEIVED, created_at=at
                )
                for pk, qty in quantities.items()
            ],
            batch_size=5000,
        )
        variants = list(Variant.objects.filter(pk__in=quantities).only("pk"))
        for variant in variants:
            variant.on_hand = quantities[variant.pk]
        Variant.objects.bulk_update(variants, ["on_hand"], batch_size=2000)


def inventory_settings_update(*, actor, stock_linked_to_pos: bool) -> InventorySettings:
    """Save the inventory settings under a row lock and audit what changed."""
    with transaction.atomic():
        InventorySettings.objects.get_or_create(pk=1)
        current = InventorySettings.objects.select_for_update().get(pk=1)
        changes = model_update(current, {"stock_linked_to_pos": stock_linked_to_pos})
        audit_record(actor=actor, area="settings.inventory", instance=current, changes=changes)
        return current


# --- The catalog of products, from the shop ---------------------------------------------


class ProductConflict(DomainError):
    """The SKUs of one product upsert belong to different products."""


def product_upsert(
    *, name: str, description: str = "", variants: list[dict]
) -> tuple[Product, bool]:
    """Create or update a product with its variants ({sku, title, price}), found by SKU:
    (the product, created?). Sending the same data again changes nothing. Variants not
    named stay as they are; on-hand never changes here (only stock_apply moves stock).

    SKUs are unique, so two parallel calls for a new product race on the unique index:
    the loser's transaction is undone and it runs again as an update, so the same body
    twice, however timed, makes one product."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _product_upsert(name=name, description=description, variants=variants)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _product_upsert(*, name, description, variants):
    skus = [variant["sku"] for variant in variants]
    existing = {
        variant.sku: variant
        for variant in Variant.objects.select_for_update(of=("self",))
        .filter(sku__in=skus)
        .order_by("pk")
    }
    products = {variant.product_id for variant in existing.values()}
    if len(products) > 1:
        raise ProductConflict(
            _("These SKUs belong to different products: send each product on its own."),
            field="variants",
        )
    created = not products
    if created:
        product = Product.objects.create(name=name, description=description)
    else:
        product = Product.objects.select_for_update().get(pk=products.pop())
        model_update(product, {"name": name, "description": description})
    for data in variants:
        variant = existing.get(data["sku"])
        if variant is None:
            Variant.objects.create(
                product=product, sku=data["sku"], title=data["title"], price=data["price"]
            )
        else:
            model_update(variant, {"title": data["title"], "price": data["price"]})
    return product, created


def variants_ensure(*, lines: list[dict], created: set | None = None) -> dict[str, Variant]:
    """{sku: variant} for the SKUs of an order's lines ({sku, title, unit_price}); a SKU
    the shop has not sent as a product yet becomes a product of its own, named after the
    line, with no stock (its SKU is added to `created`, when given). Runs in the caller's
    transaction."""
    skus = {line["sku"] for line in lines}
    found = {variant.sku: variant for variant in Variant.objects.filter(sku__in=skus)}
    for line in lines:
        if line["sku"] not in found:
            product = Product.objects.create(name=line["title"][:200])
            found[line["sku"]] = Variant.objects.create(
                product=product, sku=line["sku"], title="", price=line["unit_price"]
            )
            if created is not None:
                created.add(line["sku"])
    return found
