from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("backoffice/products/", views.product_list, name="product-list"),
    path("backoffice/products/<int:pk>/", views.product_detail, name="product-detail"),
    path("backoffice/settings/inventory/", views.inventory_settings, name="settings"),
]
