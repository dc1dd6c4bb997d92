from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("backoffice/settings/webhooks/", views.endpoint_list, name="endpoints"),
    path("backoffice/settings/webhooks/new/", views.endpoint_create, name="endpoint-create"),
    path("backoffice/settings/webhooks/<int:pk>/", views.endpoint_detail, name="endpoint"),
    path("backoffice/settings/webhooks/<int:pk>/edit/", views.endpoint_edit, name="endpoint-edit"),
    path(
        "backoffice/settings/webhooks/<int:pk>/rotate/",
        views.endpoint_rotate,
        name="endpoint-rotate",
    ),
    path(
        "backoffice/settings/webhooks/<int:pk>/pause/", views.endpoint_pause, name="endpoint-pause"
    ),
    path(
        "backoffice/settings/webhooks/<int:pk>/resume/",
        views.endpoint_resume,
        name="endpoint-resume",
    ),
    path("backoffice/settings/webhooks/<int:pk>/test/", views.endpoint_test, name="endpoint-test"),
    path(
        "backoffice/settings/webhooks/deliveries/<int:pk>/",
        views.delivery_detail,
        name="delivery",
    ),
    path(
        "backoffice/settings/webhooks/deliveries/<int:pk>/resend/",
        views.delivery_resend,
        name="delivery-resend",
    ),
]
