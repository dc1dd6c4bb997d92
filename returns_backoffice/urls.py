from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Returns backoffice — Django admin"

urlpatterns = [
    path("", views.front_page, name="front"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("backoffice/", views.backoffice_home, name="backoffice-home"),
    path("backoffice/settings/", views.settings_home, name="settings"),
    path("", include("accounts.urls")),
    path("", include("inventory.urls")),
    path("", include("orders.urls")),
    path("", include("returns.urls")),
    path("", include("notifications.urls")),
    path("django-admin/", admin.site.urls),
]
