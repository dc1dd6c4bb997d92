from django.contrib import admin

from .models import DeliveryAttempt, EmailTemplate, OutgoingEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: e-mails and templates change only through notifications.services, which
    check template text, lock rows and audit (the backoffice pages use them)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "reference"]
    list_filter = ["state", "event", "language"]
    search_fields = ["to", "subject", "reference"]
    inlines = [DeliveryAttemptInline]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(ReadOnlyAdmin):
    list_display = ["event", "language", "subject", "updated_at", "updated_by"]
