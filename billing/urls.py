from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path(
        "backoffice/orders/<str:number>/credit-invoices/new/",
        views.credit_invoice_create,
        name="create",
    ),
    path("backoffice/credit-invoices/<int:pk>/", views.credit_invoice_detail, name="detail"),
    path("backoffice/credit-invoices/<int:pk>/issue/", views.credit_invoice_issue, name="issue"),
    path("backoffice/credit-invoices/<int:pk>/refund/", views.credit_invoice_refund, name="refund"),
    path("backoffice/credit-invoices/<int:pk>/cancel/", views.credit_invoice_cancel, name="cancel"),
    path("backoffice/credit-invoices/<int:pk>/pdf/", views.credit_invoice_pdf_download, name="pdf"),
    path("backoffice/settings/returns-refunds/", views.billing_settings, name="settings"),
    path("backoffice/returns/<int:pk>/exchange/", views.exchange_create, name="exchange"),
    path(
        "backoffice/exchanges/<int:pk>/credit-difference/",
        views.exchange_credit_difference,
        name="exchange-credit",
    ),
    path(
        "account/credit-invoices/<int:pk>/pdf/",
        views.account_credit_invoice_pdf,
        name="account-pdf",
    ),
]
