from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("backoffice/outbox/", views.outbox_list, name="outbox"),
    path("backoffice/outbox/<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("backoffice/outbox/<int:pk>/resend/", views.outbox_resend, name="outbox-resend"),
    path(
        "backoffice/settings/notification-emails/",
        views.template_list,
        name="templates",
    ),
    path(
        "backoffice/settings/notification-emails/<slug:event>/<slug:language>/",
        views.template_edit,
        name="template-edit",
    ),
    path(
        "backoffice/settings/notification-emails/<slug:event>/<slug:language>/reset/",
        views.template_reset,
        name="template-reset",
    ),
]
