"""Read-only: e-mails and templates change only through notifications.services, which
check template text, lock rows and audit (the backoffice pages use them)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import DeliveryAttempt, EmailTemplate, OutgoingEmail


class DeliveryAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "reference"]
    list_filter = ["state", "event", "language"]
    search_fields = ["to", "subject", "reference"]
    inlines = [DeliveryAttemptInline]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "language", "subject", "updated_at", "updated_by"]
