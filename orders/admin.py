"""Orders come from the shop (the demo generator, and later the API and the import);
order lines carry the quantity the returns services keep under the order's lock, so they
are read-only here. Customers' names and languages may be corrected."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Customer, Order, OrderLine


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "language"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email"]
    raw_id_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        # A customer with orders cannot go (PROTECT); nobody should try it here.
        return False


class OrderLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderLine
    raw_id_fields = ["variant"]
    extra = 0


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "customer", "status", "placed_at", "shipped_at", "total_paid"]
    list_select_related = ["customer"]
    list_filter = ["status"]
    search_fields = ["number", "customer__name", "customer__user__email"]
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline]
