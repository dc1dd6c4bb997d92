from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import InventorySettings, Product, StockMovement, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    # On-hand moves only through inventory.services.stock_apply, with a ledger row.
    readonly_fields = ["on_hand"]
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "variants__sku"]
    inlines = [VariantInline]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: stock moves only through inventory.services."""

    list_display = ["created_at", "variant", "delta", "kind", "created_by"]
    list_select_related = ["variant__product", "created_by"]
    list_filter = ["kind"]


@admin.register(InventorySettings)
class InventorySettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: Settings > Inventory saves through inventory.services (audited)."""

    list_display = ["__str__", "stock_linked_to_pos"]
