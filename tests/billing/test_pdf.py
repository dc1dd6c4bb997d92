"""The credit invoice's PDF: drawn by WeasyPrint, read back with pypdf, in the customer's
language; downloadable by staff and by the customer it belongs to; attached to the
customer's e-mail."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from billing import services
from billing.calculation import FeeKind
from billing.pdf import credit_invoice_pdf
from billing.services import Fee, LineInput
from notifications.models import OutgoingEmail
from notifications.services import email_deliver
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def issued(order, shirts, books, staff):
    services.billing_settings_update(
        actor=staff,
        shop_name="Fietsen & Co",
        shop_address="Kerkstraat 1\n1011 AA Amsterdam",
        vat_number="NL123456789B01",
        coc_number="12345678",
    )
    draft = services.credit_invoice_create(
        order=order,
        user=staff,
        lines={shirts.pk: LineInput(2), books.pk: LineInput(1)},
        shipping=Decimal("4.95"),
        restocking_fee=Fee(FeeKind.PERCENT, Decimal(10), "Tags removed"),
    )
    return services.credit_invoice_issue(invoice=draft, user=staff)


def test_the_pdf_in_english(issued):
    text = text_of(credit_invoice_pdf(issued))
    assert f"Credit invoice {issued.number}" in text
    for fact in ["Fietsen & Co", "NL123456789B01", "12345678", issued.order.number]:
        assert fact in text
    # Lines, the fee with its reason, VAT per rate and the total, to the cent:
    # goods 49.90 + 22.50, shipping 4.95, fee 7.24 → 70.11.
    for amount in ["€49.90", "€22.50", "€4.95", "−€7.24", "Tags removed", "€70.11"]:
        assert amount in text
    # 21 %: 49.90 + 4.95 − 7.24 = 47.61 → VAT 8.26; 9 %: 22.50 → VAT 1.86.
    assert "21 %" in text and "9 %" in text
    assert "€8.26" in text and "€1.86" in text and "€10.12" in text
    assert "Total to refund" in text


def test_the_pdf_in_the_customers_language(issued):
    customer = issued.order.customer
    customer.language = "nl"
    customer.save()
    issued.order.customer.refresh_from_db()
    text = text_of(credit_invoice_pdf(issued))
    assert f"Creditfactuur {issued.number}" in text
    assert "Totaal terug te betalen" in text and "Btw per tarief" not in text
    for amount in ["€ 49,90", "€ 70,11", "€ 8,26", "Verwerkingskosten"]:
        assert amount in text.replace("\xa0", " ")


def test_staff_download_it_and_a_draft_has_none(staff_client, issued, order, shirts, staff):
    response = staff_client.get(f"/backoffice/credit-invoices/{issued.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert issued.number in response["Content-Disposition"]
    assert issued.number in text_of(response.content)
    draft = services.credit_invoice_create(order=order, user=staff, lines={shirts.pk: LineInput(1)})
    assert staff_client.get(f"/backoffice/credit-invoices/{draft.pk}/pdf/").status_code == 404


def test_only_the_owning_customer_downloads_it(client, issued):
    url = f"/account/credit-invoices/{issued.pk}/pdf/"
    client.force_login(issued.order.customer.user)
    page = client.get(f"/account/orders/{issued.order.number}/")
    assert f'<a href="{url}">' in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert issued.number in text_of(response.content)
    client.force_login(CustomerFactory().user)
    assert client.get(url).status_code == 404


def test_issuing_e_mails_the_customer_with_the_pdf_attached(order, shirts, staff, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    draft = services.credit_invoice_create(order=order, user=staff, lines={shirts.pk: LineInput(1)})
    invoice = services.credit_invoice_issue(invoice=draft, user=staff, email_customer=True)
    email = OutgoingEmail.objects.get(event="credit_invoice_issued")
    assert email.to == order.customer.user.email
    assert invoice.number in email.subject and "€24.95" in email.body
    assert [a.filename for a in email.attachments.all()] == [f"{invoice.number}.pdf"]
    email_deliver(email_id=email.pk)
    (sent,) = mail.outbox
    ((filename, content, mimetype),) = sent.attachments
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert invoice.number in text_of(content)


def test_a_draft_is_never_e_mailed(order, shirts, staff):
    services.credit_invoice_create(order=order, user=staff, lines={shirts.pk: LineInput(1)})
    assert not OutgoingEmail.objects.exists()
