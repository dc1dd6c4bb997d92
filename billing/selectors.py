from core.compiled import CompiledQuery
from returns.workflow import Status as ReturnStatus
from returns.workflow import allowed_next

from . import calculation
from .exceptions import CreditInvoiceNotFound
from .models import CreditInvoice, Exchange

ISSUED_STATUSES = (CreditInvoice.Status.ISSUED, CreditInvoice.Status.REFUNDED)


def order_credit_invoices(order):
    return CreditInvoice.objects.filter(order=order).order_by("-created_at", "-pk")


# The return page's billing panel, on every request: built once per process.
_RETURN_INVOICES = CompiledQuery(
    lambda rma_id: CreditInvoice.objects.filter(rma_id=rma_id).order_by("-created_at", "-pk")
)
_RETURN_EXCHANGES = CompiledQuery(
    lambda rma_id: (
        Exchange.objects.filter(rma_id=rma_id)
        .select_related("replacement_order", "credit_invoice")
        .order_by("-created_at", "-pk")
    )
)


def return_credit_invoices(rma) -> list[CreditInvoice]:
    return _RETURN_INVOICES.run(rma_id=rma.pk)


def credit_invoice_detail(*, pk: int) -> CreditInvoice:
    try:
        return CreditInvoice.objects.select_related(
            "order__customer__user", "rma", "created_by"
        ).get(pk=pk)
    except (CreditInvoice.DoesNotExist, ValueError):
        raise CreditInvoiceNotFound from None


def credit_invoice_lines(invoice: CreditInvoice):
    return invoice.lines.select_related("order_line").order_by("pk")


def credit_invoice_totals(invoice: CreditInvoice, lines) -> calculation.Totals:
    """The totals and VAT per rate of a stored credit invoice, by the same arithmetic that
    made it (billing.calculation)."""
    return calculation.compute(
        lines=[(line.amount, line.vat_rate) for line in lines],
        shipping=invoice.shipping_refund,
        payment=invoice.payment_refund,
        costs_rate=invoice.costs_vat_rate,
        fee_kind=calculation.FeeKind.FIXED if invoice.restocking_fee else calculation.FeeKind.NONE,
        fee_value=invoice.restocking_fee,
        return_shipping_fee=invoice.return_shipping_fee,
        deduction_rate=invoice.deduction_vat_rate,
    )


def can_credit_return(invoice: CreditInvoice) -> bool:
    """Whether the credit invoice's return may move to Item(s) credited now."""
    rma = invoice.rma
    return rma is not None and ReturnStatus.CREDITED in allowed_next(rma.status)


def customer_credit_invoices(*, customer, order):
    """What a customer sees of an order's credit invoices: the issued ones."""
    return CreditInvoice.objects.filter(
        order=order, order__customer=customer, status__in=ISSUED_STATUSES
    ).order_by("-issued_at", "-pk")


def customer_credit_invoice(*, customer, pk: int) -> CreditInvoice:
    """One of the customer's own issued credit invoices; anything else is not found."""
    try:
        return CreditInvoice.objects.select_related("order__customer__user", "rma").get(
            pk=pk, order__customer=customer, status__in=ISSUED_STATUSES
        )
    except (CreditInvoice.DoesNotExist, ValueError):
        raise CreditInvoiceNotFound from None


def exchange_page_data(rma):
    """The return's lines and, per product, the variants to offer (with stock on hand)."""
    from inventory.models import Variant

    lines = list(rma.lines.select_related("order_line__variant").order_by("pk"))
    products = {line.order_line.variant.product_id for line in lines}
    same_product: dict[int, list] = {}
    for variant in Variant.objects.filter(product__in=products).order_by("product_id", "pk"):
        same_product.setdefault(variant.product_id, []).append(variant)
    return lines, same_product


def return_exchanges(rma) -> list[Exchange]:
    return _RETURN_EXCHANGES.run(rma_id=rma.pk)


def replacement_of(order):
    """The exchange an order is the replacement order of, or None."""
    return (
        Exchange.objects.filter(replacement_order=order)
        .select_related("rma", "original_order")
        .first()
    )


def exchange_detail(*, pk: int) -> Exchange:
    try:
        return Exchange.objects.select_related("rma", "original_order").get(pk=pk)
    except (Exchange.DoesNotExist, ValueError):
        raise CreditInvoiceNotFound from None
