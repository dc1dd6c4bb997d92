"""Photos in a real Chromium: a customer on a phone attaches photos to a return request,
sees them on their return, and staff see the thumbnails and add an inspection photo that
the customer never sees."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from returns.models import ReturnPhoto

from .helpers import assert_accessible, log_in, screenshot
from .test_customer_journeys import SHIRT, open_request_form
from .test_layout import OVERFLOW

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


def jpeg(color, size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def expect_thumbnails_shown(page, count: int) -> None:
    """`count` photo thumbnails, each really loaded (lazy ones once scrolled to)."""
    images = page.get_by_role("img", name=re.compile(r"^Photo \d+$"))
    expect(images).to_have_count(count)
    for image in images.all():
        image.scroll_into_view_if_needed()
    page.wait_for_function(
        """(count) => {
            const shown = [...document.images].filter((img) => /^Photo \\d+$/.test(img.alt));
            return shown.length === count
                && shown.every((img) => img.complete && img.naturalWidth > 0);
        }""",
        arg=count,
    )


def assert_no_sideways_scroll(page):
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scrollWidth"] <= overflow["innerWidth"], overflow["culprits"]


def test_a_customer_attaches_photos_on_a_phone_and_staff_see_them(new_context, shop):
    customer = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(customer, shop.customer.user.email, side="account")
    open_request_form(customer, shop.order.number)
    assert_no_sideways_scroll(customer)

    customer.get_by_label(SHIRT).fill("1")
    customer.get_by_label("Return reason").select_option(label="Defective")
    photos = customer.get_by_label("Photos")
    expect(photos).to_have_attribute("accept", "image/*")
    photos.set_input_files(
        [
            {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": jpeg((200, 40, 40))},
            {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": jpeg((40, 40, 200))},
        ]
    )
    screenshot(customer, "request-return-photos-phone")
    customer.get_by_role("button", name="Request return").click()

    expect(customer.get_by_role("status")).to_contain_text("We received your return request")
    expect(customer.get_by_role("heading", name="Your photos")).to_be_visible()
    expect_thumbnails_shown(customer, 2)
    assert_no_sideways_scroll(customer)
    assert_accessible(customer, "customer-return-photos")
    number = re.search(r"RET-\d+", customer.get_by_role("heading", level=1).text_content()).group()
    rma_url = customer.url

    staff = new_context().new_page()
    log_in(staff, shop.staff.email)
    staff.goto(f"/backoffice/returns/{int(number.removeprefix('RET-'))}/")
    request_panel = staff.get_by_role("region", name="The customer's request")
    expect(request_panel.get_by_role("img", name=re.compile(r"^Photo \d$"))).to_have_count(2)
    expect_thumbnails_shown(staff, 2)
    # The thumbnail links to the full photo, kept at most 2560 px wide (here as sent).
    full = request_panel.get_by_role("link").first.get_attribute("href")
    response = staff.request.get(full)
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(response.body())).size == (1200, 900)

    # Staff add an inspection photo of the line.
    staff.get_by_label("Of").select_option(label=SHIRT)
    # A JPEG named .png: the content decides, not the name.
    staff.get_by_role("form", name="Inspection photos").get_by_label("Photos").set_input_files(
        {"name": "scratch.png", "mimeType": "image/png", "buffer": jpeg((90, 90, 90))}
    )
    staff.get_by_role("button", name="Add photos").click()
    expect(staff.get_by_role("status")).to_contain_text("1 photo added.")
    expect(staff.get_by_text("1 inspection photo added")).to_be_visible()
    screenshot(staff, "return-photos-staff")
    assert_accessible(staff, "return-photos-staff")
    inspection = ReturnPhoto.objects.get(kind="inspection")

    # The customer still sees their two photos only, and cannot open the shop's.
    customer.goto(rma_url)
    expect(customer.get_by_role("img", name=re.compile(r"^Photo \d$"))).to_have_count(2)
    response = customer.request.get(
        f"/account/returns/{inspection.rma_id}/photos/{inspection.pk}.jpg"
    )
    assert response.status == 404
