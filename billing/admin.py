"""Credit invoices change only through billing.services (the money rule, the numbering):
read-only here, for a superuser too."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import (
    BillingSettings,
    CreditInvoice,
    CreditInvoiceLine,
    StoreCredit,
    StoreCreditEntry,
)


class CreditInvoiceLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CreditInvoiceLine
    raw_id_fields = ["order_line"]
    extra = 0


@admin.register(CreditInvoice)
class CreditInvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "order", "status", "total", "created_at", "issued_at"]
    list_select_related = ["order"]
    list_filter = ["status"]
    search_fields = ["number", "order__number"]
    raw_id_fields = ["order", "rma", "created_by"]
    inlines = [CreditInvoiceLineInline]


@admin.register(BillingSettings)
class BillingSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class StoreCreditEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StoreCreditEntry
    raw_id_fields = ["invoice", "created_by"]
    extra = 0


@admin.register(StoreCredit)
class StoreCreditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "customer", "balance", "created_at"]
    list_select_related = ["customer"]
    search_fields = ["code", "customer__name"]
    raw_id_fields = ["customer"]
    inlines = [StoreCreditEntryInline]
