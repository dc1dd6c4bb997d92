from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("backoffice/returns/", views.return_list, name="list"),
    path("backoffice/returns/bulk/", views.return_bulk, name="bulk"),
    path("backoffice/returns/slips.pdf", views.return_slips, name="slips"),
    path("backoffice/returns/export.csv", views.return_export, name="export"),
    path("backoffice/returns/<int:pk>/", views.return_detail, name="detail"),
    path("backoffice/returns/<int:pk>/message/", views.return_message, name="message"),
    path("backoffice/returns/<int:pk>/receive/", views.return_receive, name="receive-lines"),
    path("backoffice/returns/<int:pk>/slip.pdf", views.return_slip, name="slip"),
    path("backoffice/returns/<int:pk>/photos/", views.return_photos_add, name="photos-add"),
    path(
        "backoffice/returns/<int:pk>/photos/<int:photo_pk>.jpg",
        views.return_photo,
        name="photo",
    ),
    path(
        "backoffice/returns/<int:pk>/photos/<int:photo_pk>-thumb.jpg",
        views.return_photo,
        {"size": "thumb"},
        name="photo-thumb",
    ),
    path("backoffice/receive/", views.receive, name="receive"),
    path("backoffice/returns/<int:pk>/assign/", views.return_assign, name="assign"),
    path("backoffice/orders/<str:number>/create-return/", views.return_create, name="create"),
    path("backoffice/returns/reasons-and-actions/", views.catalog, name="catalog"),
    path(
        "backoffice/returns/reasons-and-actions/<int:pk>/",
        views.catalog_entry_edit,
        name="catalog-edit",
    ),
    path(
        "backoffice/returns/reasons-and-actions/<int:pk>/move/",
        views.catalog_entry_move,
        name="catalog-move",
    ),
    path(
        "backoffice/returns/reasons-and-actions/<int:pk>/delete/",
        views.catalog_entry_delete,
        name="catalog-delete",
    ),
    path("backoffice/settings/account-service/", views.account_service_settings, name="settings"),
    path(
        "account/orders/<str:number>/request-return/",
        views.account_request,
        name="account-request",
    ),
    path("account/returns/", views.account_return_list, name="account-list"),
    path("account/returns/<int:pk>/", views.account_return_detail, name="account-detail"),
    path("account/returns/<int:pk>/slip.pdf", views.account_return_slip, name="account-slip"),
    path(
        "account/returns/<int:pk>/photos/<int:photo_pk>.jpg",
        views.account_return_photo,
        name="account-photo",
    ),
    path(
        "account/returns/<int:pk>/photos/<int:photo_pk>-thumb.jpg",
        views.account_return_photo,
        {"size": "thumb"},
        name="account-photo-thumb",
    ),
]
