from django.contrib import admin

from .models import Customer, Order, OrderLine


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "language"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email"]
    raw_id_fields = ["user"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    raw_id_fields = ["variant"]
    readonly_fields = ["returned_quantity"]
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "status", "placed_at", "shipped_at"]
    list_select_related = ["customer"]
    list_filter = ["status"]
    search_fields = ["number", "customer__name", "customer__user__email"]
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline]
