"""The return slip (returns/slip.py): a PDF in the customer's language that whoever opens
the parcel can scan. Read back as a customer's printer and a warehouse scanner would: the
text with pypdf, the barcode and the QR code decoded by zxing-cpp from the images in the
PDF itself."""

import io
import uuid

import pypdf
import pytest
import zxingcpp
from django.conf import settings
from PIL import Image

from notifications.models import OutgoingEmail
from returns import services
from returns.models import Return, ReturnSettings
from returns.selectors import receive_matches

SETTINGS = {
    "return_address": "Demo Shop Returns\nDock 4\n1234 AB Example City",
    "return_instructions": {
        "en": "Keep your proof of postage.",
        "nl": "Bewaar uw verzendbewijs.",
    },
}


@pytest.fixture
def shop_settings(db):
    ReturnSettings.objects.update_or_create(pk=1, defaults=SETTINGS)


def pdf_of(response) -> pypdf.PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(
        io.BytesIO(b"".join(response) if response.streaming else response.content)
    )


def text_of(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def decoded(reader) -> dict[str, str]:
    """{format name: text} of every barcode zxing-cpp finds in the PDF's images."""
    found = {}
    for page in reader.pages:
        for image in page.images:
            for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data))):
                found[result.format.name] = result.text
    return found


def test_the_slip_carries_the_return_number_as_code_128_and_qr_that_scan_back_to_the_return(
    customer_client, customer, line, make_return, shop_settings
):
    rma = make_return(line, quantity=2, origin=Return.Origin.STAFF)
    reader = pdf_of(customer_client.get(f"/account/returns/{rma.pk}/slip.pdf"))

    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4, in mm
    codes = decoded(reader)
    assert codes["Code128"] == rma.number
    assert codes["QRCode"].endswith(f"/backoffice/receive/?code={rma.number}")
    # What either code types into the Receive field opens this very return.
    assert receive_matches(codes["Code128"]).rma == rma
    assert receive_matches(codes["QRCode"]).rma == rma


def test_the_slip_lists_the_order_the_items_and_where_and_how_to_send_the_parcel(
    customer_client, customer, line, make_return, shop_settings
):
    rma = make_return(line, quantity=2)
    text = text_of(pdf_of(customer_client.get(f"/account/returns/{rma.pk}/slip.pdf")))

    assert "Return slip" in text
    assert rma.number in text
    assert "ORD-1" in text
    assert "Chris Customer" in text
    assert line.title in text and line.sku in text
    assert "Dock 4" in text and "1234 AB Example City" in text
    assert "Keep your proof of postage." in text


def test_the_slip_is_in_the_customers_language_whoever_prints_it(
    staff_client, customer, line, make_return, shop_settings
):
    customer.language = "nl"
    customer.save()
    rma = make_return(line)

    text = text_of(pdf_of(staff_client.get(f"/backoffice/returns/{rma.pk}/slip.pdf")))

    assert "Retourbon" in text
    assert "Bewaar uw verzendbewijs." in text
    assert "Keep your proof of postage." not in text


def test_the_slip_shows_what_the_customer_asked_for_not_staffs_later_edits(
    customer_client, customer, staff, line, shop_settings
):
    rma, _created = services.return_request(
        customer=customer,
        order=line.order,
        quantities={line.pk: 2},
        reason=services.Choice(text="Too big"),
        token=uuid.uuid4(),
    )
    services.return_change(
        rma=rma,
        user=staff,
        version=rma.version,
        quantities={rma.lines.get().pk: 1},
        reason=services.Choice(text="Staff's own words"),
    )

    text = text_of(pdf_of(customer_client.get(f"/account/returns/{rma.pk}/slip.pdf")))

    assert "Too big" in text
    assert "Staff's own words" not in text
    assert f"{line.sku} 2" in text


def test_another_customers_slip_is_not_found(
    client, other_customer, line, make_return, shop_settings
):
    rma = make_return(line)
    client.force_login(other_customer.user)
    assert client.get(f"/account/returns/{rma.pk}/slip.pdf").status_code == 404


def test_customer_text_cannot_make_the_renderer_fetch_anything(
    customer_client, customer, line, make_return, db
):
    ReturnSettings.objects.update_or_create(
        pk=1,
        defaults={
            "return_address": '<img src="file:///etc/passwd"><link rel=stylesheet href="http://x">',
            "return_instructions": {},
        },
    )
    rma = make_return(line)
    reader = pdf_of(customer_client.get(f"/account/returns/{rma.pk}/slip.pdf"))
    # The markup is text on the slip, escaped, never an element the renderer would load.
    assert '<img src="file:///etc/passwd">' in text_of(reader).replace("\n", "")


def test_the_return_pages_link_the_slip(client, customer, staff, line, make_return):
    rma = make_return(line)
    client.force_login(customer.user)
    page = client.get(f"/account/returns/{rma.pk}/").content.decode()
    assert f'href="/account/returns/{rma.pk}/slip.pdf"' in page
    client.force_login(staff)
    page = client.get(f"/backoffice/returns/{rma.pk}/").content.decode()
    assert f'href="/backoffice/returns/{rma.pk}/slip.pdf"' in page


def test_a_finished_return_offers_the_customer_no_slip(
    customer_client, customer, line, make_return
):
    rma = make_return(line, status="rejected")
    page = customer_client.get(f"/account/returns/{rma.pk}/").content.decode()
    assert "slip.pdf" not in page


def test_the_confirmation_and_return_created_emails_link_the_slip(
    customer, staff, line, make_return, shop_settings
):
    requested, _created = services.return_request(
        customer=customer,
        order=line.order,
        quantities={line.pk: 1},
        reason=services.Choice(text="Too big"),
        token=uuid.uuid4(),
    )
    created = make_return(line, notify_customer=True)
    bodies = {
        email.event: email.body
        for email in OutgoingEmail.objects.filter(
            event__in=["return_request_received", "return_created"]
        )
    }
    assert (
        f"{settings.SITE_URL}/account/returns/{requested.pk}/slip.pdf"
        in bodies["return_request_received"]
    )
    assert f"/account/returns/{created.pk}/slip.pdf" in bodies["return_created"]
    assert "return slip" in bodies["return_created"]
