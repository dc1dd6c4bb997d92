from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("backoffice/login/", views.BackofficeLoginView.as_view(), name="backoffice-login"),
    path("backoffice/logout/", views.BackofficeLogoutView.as_view(), name="backoffice-logout"),
    path("backoffice/settings/audit/", views.audit_log, name="audit-log"),
    path("backoffice/settings/api-keys/", views.api_keys, name="api-keys"),
    path(
        "backoffice/settings/api-keys/<int:pk>/revoke/",
        views.api_key_revoke,
        name="api-key-revoke",
    ),
]
