from django.contrib import admin
from django.urls import include, path

from core.metrics import metrics_view

from . import views

admin.site.site_header = "Returns backoffice — Django admin"

# Error pages of the side they belong to, in the visitor's language (errors.py).
handler400 = "returns_backoffice.errors.bad_request"
handler403 = "returns_backoffice.errors.permission_denied"
handler404 = "returns_backoffice.errors.page_not_found"
handler500 = "returns_backoffice.errors.server_error"

urlpatterns = [
    path("", views.front_page, name="front"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("backoffice/", views.backoffice_home, name="backoffice-home"),
    path("backoffice/settings/", views.settings_home, name="settings"),
    path("", include("accounts.urls")),
    path("", include("inventory.urls")),
    path("", include("orders.urls")),
    path("", include("returns.urls")),
    path("", include("billing.urls")),
    path("", include("notifications.urls")),
    path("", include("webhooks.urls")),
    path("", include("api.urls")),
    path("django-admin/", admin.site.urls),
]
