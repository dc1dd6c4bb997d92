from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone, translation

from accounts.permissions import backoffice_required
from accounts.views import SideLoginView
from core.csv_export import csv_response

from . import selectors
from .filters import OrderFilter
from .models import Order
from .permissions import customer_of, customer_required
from .signals import account_order_actions, order_page_panels


def _panels(request, order, side):
    return [
        html
        for _receiver, html in order_page_panels.send(
            sender=None, request=request, order=order, side=side
        )
        if html
    ]


# --- Backoffice -----------------------------------------------------------------------


@backoffice_required(perm="orders.view_order")
def order_list(request):
    filterset = OrderFilter(request.GET or None, queryset=selectors.order_list())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/order_list.html",
        {"filter": filterset, "page": page, "section": "orders"},
    )


@backoffice_required(perm="orders.view_order")
def order_export(request):
    """The orders of the list as it is filtered, as a CSV download (streamed)."""
    filterset = OrderFilter(request.GET or None, queryset=Order.objects.all())
    return csv_response(
        f"orders-{timezone.localdate().isoformat()}.csv",
        selectors.order_export_header(),
        selectors.order_export_lines(filterset.qs),
    )


@backoffice_required(perm="orders.view_order")
def order_detail(request, number):
    order = selectors.order_detail(number=number)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": selectors.order_lines(order),
            "panels": _panels(request, order, "backoffice"),
            "section": "orders",
        },
    )


# --- Customer account -----------------------------------------------------------------


class AccountLoginView(SideLoginView):
    template_name = "orders/account_login.html"
    next_page = reverse_lazy("orders:account")
    allowed = staticmethod(lambda user: customer_of(user) is not None)

    @property
    def session_age(self):
        # A shop customer expects to stay logged in between visits, like in any web shop;
        # the account can only see and request returns of their own orders.
        return settings.CUSTOMER_SESSION_AGE

    def form_valid(self, form):
        response = super().form_valid(form)
        # Customers see the shop in the language they chose before.
        language = customer_of(form.get_user()).language
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


@customer_required
def account_home(request):
    """My account: my orders, newest first, with a button per order where one applies."""
    page = Paginator(selectors.customer_orders(request.customer), 20).get_page(
        request.GET.get("page")
    )
    actions = {}
    for _receiver, result in account_order_actions.send(
        sender=None, request=request, orders=list(page.object_list)
    ):
        for order_id, buttons in (result or {}).items():
            actions.setdefault(order_id, []).extend(buttons)
    rows = [(order, actions.get(order.pk, [])) for order in page.object_list]
    return render(
        request,
        "orders/account_home.html",
        {"page": page, "rows": rows, "section": "orders"},
    )


@customer_required
def account_order_detail(request, number):
    order = selectors.customer_order(customer=request.customer, number=number)
    return render(
        request,
        "orders/account_order_detail.html",
        {
            "order": order,
            "lines": selectors.order_lines(order),
            "panels": _panels(request, order, "account"),
            "section": "orders",
        },
    )
