from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import backoffice_required, settings_required
from accounts.views import SideLoginView
from core.csv_export import csv_response

from . import importing, selectors
from .filters import OrderFilter
from .forms import ImportUploadForm
from .models import ImportJob, Order
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


# --- Settings > Import orders (admins) -------------------------------------------------


@settings_required
def import_orders(request):
    """The format, the example file, an upload form and the recent imports."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = importing.import_job_create(
            upload=form.cleaned_data["file"],
            user=request.user,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        return redirect(job)
    return render(
        request,
        "orders/import.html",
        {
            "form": form,
            "jobs": selectors.import_jobs()[:10],
            "required": importing.REQUIRED,
            "optional": importing.OPTIONAL,
            "section": "settings",
            "subsection": "import",
        },
    )


@settings_required
def import_example(request):
    response = HttpResponse(importing.example_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orders-example.csv"'
    return response


@settings_required
@require_GET
def import_job(request, pk):
    """One upload: its check and preview, its progress, its result. While the worker is
    busy the page reloads itself (a meta refresh: the CSP allows no inline script)."""
    job = get_object_or_404(ImportJob, pk=pk)
    return render(
        request,
        "orders/import_job.html",
        {"job": job, "states": ImportJob.State, "section": "settings", "subsection": "import"},
    )


@settings_required
@require_POST
def import_confirm(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    if not importing.import_job_confirm(job=job):
        messages.error(request, _("This file is not waiting to be imported."))
    return redirect(job)


@settings_required
@require_POST
def import_discard(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    if importing.import_job_discard(job=job):
        messages.success(request, _("The file was discarded; nothing was imported."))
        return redirect("orders:import")
    messages.error(request, _("This file is not waiting to be imported."))
    return redirect(job)
