from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("backoffice/orders/", views.order_list, name="list"),
    path("backoffice/orders/export.csv", views.order_export, name="export"),
    path("backoffice/orders/<str:number>/", views.order_detail, name="detail"),
    path("backoffice/settings/import-orders/", views.import_orders, name="import"),
    path(
        "backoffice/settings/import-orders/example.csv",
        views.import_example,
        name="import-example",
    ),
    path("backoffice/settings/import-orders/<int:pk>/", views.import_job, name="import-job"),
    path(
        "backoffice/settings/import-orders/<int:pk>/confirm/",
        views.import_confirm,
        name="import-confirm",
    ),
    path(
        "backoffice/settings/import-orders/<int:pk>/discard/",
        views.import_discard,
        name="import-discard",
    ),
    path("account/", views.account_home, name="account"),
    path("account/login/", views.AccountLoginView.as_view(), name="account-login"),
    path("account/logout/", LogoutView.as_view(next_page="front"), name="account-logout"),
    path("account/orders/<str:number>/", views.account_order_detail, name="account-order"),
]
