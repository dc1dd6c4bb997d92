from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("api/v1/returns/", views.ReturnListView.as_view(), name="return-list"),
    path("api/v1/returns/<int:pk>/", views.ReturnDetailView.as_view(), name="return-detail"),
    path("api/v1/returns/<int:pk>/notes/", views.ReturnNoteView.as_view(), name="return-notes"),
    path("api/v1/orders/", views.OrderUpsertView.as_view(), name="orders"),
    path("api/v1/orders/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("api/v1/customers/", views.CustomerUpsertView.as_view(), name="customers"),
    path("api/v1/products/", views.ProductUpsertView.as_view(), name="products"),
    path("api/v1/products/<str:sku>/", views.VariantDetailView.as_view(), name="product-detail"),
    path("api/v1/catalog/", views.CatalogView.as_view(), name="catalog"),
    path("api/v1/settings/", views.SettingsView.as_view(), name="settings"),
    path("api/v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("api/v1/docs/", views.DocsView.as_view(), name="docs"),
]
