from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["url", "active", "paused_at", "failing_since", "created_at"]
    list_filter = ["active"]
    # The signing secrets never show here.
    exclude = ["secret", "previous_secret"]


class WebhookAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_type", "endpoint", "state", "attempts", "created_at"]
    list_filter = ["state", "event_type"]
    list_select_related = ["endpoint"]
    inlines = [WebhookAttemptInline]
