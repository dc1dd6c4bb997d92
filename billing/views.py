from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import backoffice_required, settings_required
from core.exceptions import DomainError
from orders.permissions import customer_required
from orders.selectors import order_detail, order_lines
from returns.models import Return
from returns.selectors import return_detail

from . import exchanges, selectors, services
from .exceptions import InvalidCreditInvoiceState
from .forms import BillingSettingsForm, CreditInvoiceForm, ExchangeForm, IssueForm, RefundForm
from .pdf import credit_invoice_filename, credit_invoice_pdf


def _return_of(order, value):
    """The return a credit invoice is made from (?return=<pk>), of this order only."""
    if not value:
        return None
    try:
        return Return.objects.get(pk=int(value), order=order)
    except (ValueError, OverflowError, Return.DoesNotExist):
        raise Http404 from None


@backoffice_required(perm="billing.add_creditinvoice")
def credit_invoice_create(request, number):
    order = order_detail(number=number)
    rma = _return_of(order, request.POST.get("return") or request.GET.get("return"))
    quantities = {}
    if rma is not None:
        quantities = dict(rma.lines.values_list("order_line_id", "quantity"))
    form = CreditInvoiceForm(
        request.POST or None,
        order=order,
        order_lines=list(order_lines(order)),
        quantities=quantities,
        settings=services.billing_settings(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.credit_invoice_create(
                order=order, user=request.user, rma=rma, **form.service_kwargs()
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Draft credit invoice created."))
            return redirect(invoice)
    return render(
        request,
        "billing/credit_invoice_create.html",
        {"form": form, "order": order, "rma": rma, "section": "orders"},
    )


def _detail_page(request, invoice, *, issue_form=None, refund_form=None):
    lines = list(selectors.credit_invoice_lines(invoice))
    offer = selectors.can_credit_return(invoice)
    return render(
        request,
        "billing/credit_invoice_detail.html",
        {
            "invoice": invoice,
            "order": invoice.order,
            "lines": lines,
            "totals": selectors.credit_invoice_totals(invoice, lines),
            "issue_form": issue_form or IssueForm(offer_return=offer),
            "refund_form": refund_form or RefundForm(offer_return=offer),
            "can_change": request.user.has_perm("billing.change_creditinvoice"),
            "section": "orders",
        },
    )


@backoffice_required(perm="billing.view_creditinvoice")
def credit_invoice_detail(request, pk):
    return _detail_page(request, selectors.credit_invoice_detail(pk=pk))


@backoffice_required(perm="billing.change_creditinvoice")
@require_POST
def credit_invoice_issue(request, pk):
    invoice = selectors.credit_invoice_detail(pk=pk)
    form = IssueForm(request.POST, offer_return=selectors.can_credit_return(invoice))
    if form.is_valid():
        try:
            invoice = services.credit_invoice_issue(
                invoice=invoice, user=request.user, **form.return_kwargs()
            )
        except DomainError as error:
            # Issued meanwhile, or the return may not become Item(s) credited: the page as
            # it is now says which.
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Credit invoice %(number)s issued.") % {"number": invoice.number}
            )
        return redirect(invoice)
    return _detail_page(request, selectors.credit_invoice_detail(pk=pk), issue_form=form)


@backoffice_required(perm="billing.change_creditinvoice")
@require_POST
def credit_invoice_refund(request, pk):
    invoice = selectors.credit_invoice_detail(pk=pk)
    form = RefundForm(request.POST, offer_return=selectors.can_credit_return(invoice))
    if form.is_valid():
        try:
            invoice = services.credit_invoice_mark_refunded(
                invoice=invoice,
                user=request.user,
                method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"],
                iban=form.cleaned_data["iban"],
                **form.return_kwargs(),
            )
        except InvalidCreditInvoiceState as error:
            messages.error(request, error.message)
            return redirect(invoice)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Credit invoice %(number)s marked refunded.") % {"number": invoice.number},
            )
            return redirect(invoice)
    return _detail_page(request, selectors.credit_invoice_detail(pk=pk), refund_form=form)


@backoffice_required(perm="billing.change_creditinvoice")
@require_POST
def credit_invoice_cancel(request, pk):
    invoice = selectors.credit_invoice_detail(pk=pk)
    try:
        services.credit_invoice_cancel(invoice=invoice, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Draft credit invoice cancelled."))
    return redirect(invoice)


def _pdf_response(invoice):
    response = HttpResponse(credit_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{credit_invoice_filename(invoice)}"'
    return response


@backoffice_required(perm="billing.view_creditinvoice")
def credit_invoice_pdf_download(request, pk):
    """The PDF of an issued credit invoice; a draft has none (404)."""
    return _pdf_response(selectors.credit_invoice_detail(pk=pk))


@customer_required
def account_credit_invoice_pdf(request, pk):
    """A customer downloads the PDF of one of their own issued credit invoices; any other
    (another customer's, a draft, a cancelled one) is a 404, as if it did not exist."""
    invoice = selectors.customer_credit_invoice(customer=request.customer, pk=pk)
    return _pdf_response(invoice)


@settings_required
def billing_settings(request):
    form = BillingSettingsForm(request.POST or None, instance=services.billing_settings())
    if request.method == "POST" and form.is_valid():
        try:
            services.billing_settings_update(actor=request.user, **form.service_values())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Returns & refunds settings saved."))
            return redirect("billing:settings")
    return render(request, "billing/settings.html", {"form": form, "section": "settings"})


@backoffice_required(perm="billing.add_creditinvoice")
def exchange_create(request, pk):
    rma = return_detail(pk=pk)
    if not exchanges.exchangeable(rma):
        messages.error(request, _("Only an approved return can be exchanged."))
        return redirect(rma)
    lines, same_product = selectors.exchange_page_data(rma)
    form = ExchangeForm(request.POST or None, return_lines=lines, same_product=same_product)
    if request.method == "POST" and form.is_valid():
        try:
            exchange = exchanges.exchange_create(
                rma=rma,
                user=request.user,
                lines={
                    pk: exchanges.ExchangeInput(variant_id, quantity)
                    for pk, (variant_id, quantity) in form.choices.items()
                },
                mark_repaired=form.cleaned_data["mark_repaired"],
                notify_customer=form.cleaned_data["notify_customer"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Replacement order %(number)s created.")
                % {"number": exchange.replacement_order.number},
            )
            return redirect(rma)
    return render(
        request,
        "billing/exchange_create.html",
        {"form": form, "rma": rma, "section": "returns"},
    )


@backoffice_required(perm="billing.add_creditinvoice")
@require_POST
def exchange_credit_difference(request, pk):
    exchange = selectors.exchange_detail(pk=pk)
    try:
        invoice = exchanges.exchange_credit_difference(exchange=exchange, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(exchange.rma)
    messages.success(request, _("Draft credit invoice created."))
    return redirect(invoice)
