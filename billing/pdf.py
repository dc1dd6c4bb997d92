"""The PDF of an issued credit invoice, drawn by WeasyPrint from a template, in the
customer's language.

Nothing is fetched while drawing: the template is self-contained (its CSS inline, fonts
from the system: DejaVu Sans, Debian's fonts-dejavu-core), and the URL fetcher refuses
every URL, so a text typed by staff or a customer can never make the server fetch one."""

from django.template.loader import render_to_string
from django.utils import translation

from . import selectors
from .exceptions import CreditInvoiceNotFound
from .models import CreditInvoice
from .services import billing_settings


def _no_fetching(url, *args, **kwargs):
    raise ValueError(f"Credit invoice PDFs load nothing ({url!r}).")


def credit_invoice_filename(invoice: CreditInvoice) -> str:
    return f"{invoice.number}.pdf"


def credit_invoice_pdf(invoice: CreditInvoice) -> bytes:
    """The PDF of an issued (or refunded) credit invoice; a draft has none
    (CreditInvoiceNotFound: it is not an invoice yet)."""
    from weasyprint import HTML  # loads Pango: only when a PDF is drawn

    if not invoice.number:
        raise CreditInvoiceNotFound
    lines = list(selectors.credit_invoice_lines(invoice))
    language = invoice.order.customer.language
    with translation.override(language):
        html = render_to_string(
            "billing/credit_invoice_pdf.html",
            {
                "invoice": invoice,
                "order": invoice.order,
                "customer": invoice.order.customer,
                "lines": lines,
                "totals": selectors.credit_invoice_totals(invoice, lines),
                "shop": billing_settings(),
                "language": language,
            },
        )
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()
