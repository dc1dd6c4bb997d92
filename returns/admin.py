from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import CatalogEntry, Return, ReturnEvent, ReturnLine, ReturnNote, ReturnSettings


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    raw_id_fields = ["order_line"]
    readonly_fields = ["restocked_quantity"]
    extra = 0


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    """Django's admin for returns, registered the way a developer typically would. The
    backoffice (returns.views) is where staff work; this is for superusers."""

    list_display = ["id", "order", "customer", "status", "origin", "created_at"]
    list_filter = ["status", "origin", "reason"]
    search_fields = ["id", "order__number", "customer__name", "customer__user__email"]
    raw_id_fields = ["order", "customer", "created_by"]
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline]


@admin.register(CatalogEntry)
class CatalogEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active", "position", "visible_to_customers"]
    list_filter = ["kind", "active"]


@admin.register(ReturnEvent)
class ReturnEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "rma", "kind", "actor"]
    raw_id_fields = ["rma", "actor", "note"]


admin.site.register(ReturnNote)
admin.site.register(ReturnSettings)
