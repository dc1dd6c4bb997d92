"""Read-only: returns, their lines, customers' requests, notes, history, the catalog, the
settings and the kept counts change only through returns.services, which check the rules,
lock rows and record history and audit entries. Staff and admins work in the backoffice;
this admin is for superusers to look things up."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import (
    CatalogEntry,
    HistoryEntry,
    Return,
    ReturnCount,
    ReturnLine,
    ReturnNote,
    ReturnRequest,
    ReturnSettings,
)


class ReturnLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReturnLine
    raw_id_fields = ["order_line"]
    extra = 0


class ReturnRequestInline(ReadOnlyAdminMixin, admin.StackedInline):
    """What the customer asked for (written once, never changed)."""

    model = ReturnRequest
    raw_id_fields = ["reason", "action"]
    extra = 0


@admin.register(Return)
class ReturnAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "order", "customer", "status", "origin", "created_at"]
    list_filter = ["status", "origin", "reason"]
    search_fields = ["id", "order__number", "customer__name", "customer__user__email"]
    raw_id_fields = ["order", "customer", "created_by"]
    date_hierarchy = "created_at"
    inlines = [ReturnRequestInline, ReturnLineInline]


@admin.register(CatalogEntry)
class CatalogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "active", "position", "visible_to_customers"]
    list_filter = ["kind", "active"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "rma", "kind", "actor"]
    raw_id_fields = ["rma", "actor", "note"]


@admin.register(ReturnNote)
class ReturnNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "rma", "author"]
    raw_id_fields = ["rma", "author"]


@admin.register(ReturnSettings)
class ReturnSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "allow_returns", "return_window_days"]


@admin.register(ReturnCount)
class ReturnCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["status", "reason_key", "count"]
