from django.db.models import Q, Sum

from core.config import cached

from .models import InventorySettings, Product, StockMovement, Variant


def inventory_settings() -> InventorySettings:
    return InventorySettings.objects.get_or_create(pk=1)[0]


def stock_linked_to_pos() -> bool:
    """Kept per process under the configuration version (core.config): the return page's
    form and the save's rule ask, on every request, for a rule that seldom changes."""
    return cached("inventory.stock_linked_to_pos", _load_stock_linked_to_pos)


def _load_stock_linked_to_pos() -> bool:
    settings = InventorySettings.objects.filter(pk=1).first()
    return settings.stock_linked_to_pos if settings else InventorySettings().stock_linked_to_pos


def product_list(*, search: str = ""):
    products = Product.objects.annotate(on_hand=Sum("variants__on_hand")).order_by("name", "pk")
    if search:
        products = products.filter(
            Q(name__icontains=search)
            | Q(pk__in=Variant.objects.filter(sku__iexact=search).values("product_id"))
        )
    return products.prefetch_related("variants")


def product_variants(product: Product):
    return Variant.objects.filter(product=product).order_by("pk")


def product_ledger(product: Product):
    """The product's ledger, newest first, with what caused each movement."""
    return (
        StockMovement.objects.filter(variant__product=product)
        .select_related("variant", "created_by", "reference_type")
        .prefetch_related("reference")
    )
