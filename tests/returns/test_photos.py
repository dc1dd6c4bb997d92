"""Photos as evidence (issue 18): checked by content, re-encoded without metadata, stored
privately under random names, and shown only to the return's customer and to staff."""

import io
import re
import uuid
from pathlib import Path

import pillow_heif
import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from returns import services
from returns.exceptions import InvalidPhoto, PhotoRequired, ReturnsNotAllowed
from returns.models import HistoryEntry, Return, ReturnPhoto, ReturnSettings
from returns.photos import MAX_SIDE, THUMB_SIDE, process_photo
from tests.factories import CatalogEntryFactory, OrderLineFactory

pillow_heif.register_heif_opener()

GPS = ExifTags.IFD.GPSInfo


# --- Files made here, with Pillow ------------------------------------------------------


def image_bytes(fmt="JPEG", size=(800, 600), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_with_gps(size=(600, 400)) -> bytes:
    """A phone photo: GPS position, camera, and "rotate 90° to view" (orientation 6)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.Orientation] = 6
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 22.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (4.0, 53.0, 41.0),
    }
    return image_bytes(size=size, exif=exif)


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


PHP = b"<?php system($_GET['cmd']); ?>\n"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """50 megapixels of one colour: a PNG of some 50 KB that decodes to 50 MB and more."""
    out = io.BytesIO()
    Image.new("L", (8000, 6250), 255).save(out, format="PNG", optimize=True)
    data = out.getvalue()
    assert len(data) < 200_000
    return data


def stored_files() -> set[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {str(path) for path in root.rglob("*") if path.is_file()}


# --- Checked by content, re-encoded -------------------------------------------------------


def test_a_phone_photo_comes_out_upright_without_exif_or_gps():
    original = Image.open(io.BytesIO(jpeg_with_gps()))
    assert original.getexif().get_ifd(GPS)  # the test photo does carry a position

    photo = process_photo(upload(jpeg_with_gps()))

    kept = Image.open(io.BytesIO(photo.image))
    assert kept.format == "JPEG"
    assert kept.getexif().get_ifd(GPS) == {}
    assert len(kept.getexif()) == 0
    assert "exif" not in kept.info
    assert b"PhoneMaker" not in photo.image and b"Exif" not in photo.image[:200]
    # Orientation 6 was applied: 600×400 as stored is 400×600 as seen.
    assert (photo.width, photo.height) == kept.size == (400, 600)
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert max(thumb.size) == THUMB_SIDE
    assert thumb.getexif().get_ifd(GPS) == {}


def test_large_photos_are_resized_and_every_accepted_format_becomes_a_jpeg():
    for fmt, name in (("PNG", "a.png"), ("WEBP", "b.webp"), ("HEIF", "c.heic")):
        photo = process_photo(upload(image_bytes(fmt, size=(3000, 1000)), name=name))
        assert Image.open(io.BytesIO(photo.image)).format == "JPEG", fmt
        assert (photo.width, photo.height) == (MAX_SIDE, 853), fmt


def test_a_heic_photo_from_a_phone_is_accepted():
    photo = process_photo(upload(image_bytes("HEIF", size=(640, 480)), name="IMG_0001.HEIC"))
    assert (photo.width, photo.height) == (640, 480)


def test_a_transparent_png_is_laid_on_white():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, format="PNG")
    kept = Image.open(io.BytesIO(process_photo(upload(out.getvalue(), "t.png")).image))
    assert kept.convert("RGB").getpixel((25, 25)) == pytest.approx((255, 255, 255), abs=2)


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("x.jpg", PHP, "“x.jpg” is not a photo we can read"),
        ("cat.svg", SVG, "“cat.svg” is not a photo we can read"),
        ("empty.jpg", b"", "“empty.jpg” is empty."),
        ("huge.jpg", b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024), "larger than 10 MB"),
        ("gif.jpg", image_bytes("GIF"), "is not a photo we can read"),
        ("cut.jpg", image_bytes()[:300], "is not a photo we can read"),
    ],
)
def test_files_that_are_not_photos_are_refused_by_content(name, data, message):
    with pytest.raises(InvalidPhoto) as refused:
        process_photo(upload(data, name=name))
    assert message in refused.value.message


def test_a_decompression_bomb_is_refused_before_it_is_decoded(bomb):
    with pytest.raises(InvalidPhoto) as refused:
        process_photo(upload(bomb, name="bomb.png", content_type="image/png"))
    assert refused.value.message == "“bomb.png” has too many pixels (at most 40 megapixels)."


# --- The customer's request form ----------------------------------------------------------


def request_url(order):
    return f"/account/orders/{order.number}/request-return/"


def form_data(line, *, photos=(), **changes):
    data = {
        f"line_{line.pk}": "1",
        "reason_text": "It broke",
        "action_text": "",
        "comment": "",
        "token": str(uuid.uuid4()),
        "photos": list(photos),
    }
    data.update(changes)
    return data


@pytest.fixture
def line(customer):
    return OrderLineFactory(order__customer=customer, order__number="ORD-1", quantity=3)


def test_the_request_form_is_multipart_and_offers_photos(customer_client, line):
    page = customer_client.get(request_url(line.order)).text
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="photos"' in page
    assert 'accept="image/*"' in page and " multiple" in page
    assert "At most 5 photos (JPEG, PNG, WebP or HEIC), each at most 10 MB." in page


def test_a_customer_attaches_photos_to_their_request(customer_client, customer, line):
    response = customer_client.post(
        request_url(line.order),
        form_data(
            line,
            photos=[
                upload(jpeg_with_gps(), "IMG_1.jpg"),
                upload(image_bytes("HEIF"), "IMG_2.HEIC", "image/heic"),
            ],
        ),
    )
    rma = Return.objects.get()
    assert response.status_code == 302
    photos = list(rma.photos.order_by("pk"))
    assert [photo.kind for photo in photos] == ["customer", "customer"]
    assert all(photo.uploaded_by == customer.user for photo in photos)
    stored = Image.open(photos[0].file.open("rb"))
    assert stored.getexif().get_ifd(GPS) == {}
    # Random names that say nothing of the return, the customer or the file sent.
    for photo in photos:
        for name in (photo.file.name, photo.thumbnail.name):
            assert re.fullmatch(r"returns/[A-Za-z0-9_-]{43}\.jpg", name), name
    entry = rma.history.get(kind=HistoryEntry.Kind.PHOTOS_ADDED)
    assert entry.data == {"count": 2, "kind": "customer", "sku": ""}

    page = customer_client.get(f"/account/returns/{rma.pk}/").text
    assert "Your photos" in page
    assert f"/account/returns/{rma.pk}/photos/{photos[0].pk}-thumb.jpg" in page


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("x.jpg", PHP, "“x.jpg” is not a photo we can read. Send a JPEG, PNG, WebP or HEIC"),
        ("drawing.svg", SVG, "“drawing.svg” is not a photo we can read."),
        ("empty.jpg", b"", "“empty.jpg” is empty."),
        ("big.jpg", b"\xff\xd8" + b"1" * (11 * 1024 * 1024), "“big.jpg” is larger than 10 MB."),
    ],
)
def test_the_form_refuses_what_is_not_a_photo_with_a_message(
    customer_client, line, name, data, message
):
    before = stored_files()
    response = customer_client.post(
        request_url(line.order), form_data(line, photos=[upload(data, name)])
    )
    assert response.status_code == 200
    assert message in response.text
    assert "Please choose your photos again." in response.text
    assert not Return.objects.exists()
    assert stored_files() == before


def test_the_form_refuses_a_decompression_bomb(customer_client, line, bomb):
    response = customer_client.post(
        request_url(line.order), form_data(line, photos=[upload(bomb, "bomb.png", "image/png")])
    )
    assert "“bomb.png” has too many pixels (at most 40 megapixels)." in response.text
    assert not Return.objects.exists()


def test_more_than_five_photos_are_refused(customer_client, line):
    photos = [upload(image_bytes(size=(40, 40)), f"{n}.jpg") for n in range(6)]
    response = customer_client.post(request_url(line.order), form_data(line, photos=photos))
    assert "You can add at most 5 photos." in response.text
    assert not Return.objects.exists()


def test_the_service_refuses_more_than_five_photos_too(customer, line):
    photo = process_photo(upload(image_bytes(size=(40, 40))))
    with pytest.raises(InvalidPhoto):
        services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 1},
            reason=services.Choice(text="Broken"),
            token=uuid.uuid4(),
            photos=[photo] * 6,
        )


def test_errors_are_in_the_customers_language(customer_client, line):
    customer_client.cookies["django_language"] = "nl"
    response = customer_client.post(
        request_url(line.order),
        form_data(line, photos=[upload(PHP, "x.jpg")]),
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert "“x.jpg” is geen foto die we kunnen lezen." in response.text


def test_files_of_a_request_that_is_refused_are_removed(customer, line):
    line.order.status = "cancelled"
    line.order.save()
    before = stored_files()
    with pytest.raises(ReturnsNotAllowed):
        services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 1},
            reason=services.Choice(text="Broken"),
            token=uuid.uuid4(),
            photos=[process_photo(upload(image_bytes()))],
        )
    assert stored_files() == before


def test_the_same_request_sent_twice_keeps_one_set_of_photos(customer, line):
    token = uuid.uuid4()
    photo = process_photo(upload(image_bytes()))
    kwargs = {
        "customer": customer,
        "order": line.order,
        "quantities": {line.pk: 1},
        "reason": services.Choice(text="Broken"),
        "token": token,
        "photos": [photo],
    }
    first, created = services.return_request(**kwargs)
    files = stored_files()
    again, created_again = services.return_request(**kwargs)
    assert (created, created_again, again) == (True, False, first)
    assert ReturnPhoto.objects.count() == 1
    assert stored_files() == files


# --- Require a photo for these reasons ----------------------------------------------------


@pytest.fixture
def damaged(db):
    return CatalogEntryFactory(kind="reason", name="Damaged")


def test_settings_require_a_photo_for_chosen_reasons(admin_client, customer, line, damaged):
    other = CatalogEntryFactory(kind="reason", name="Too small")
    page = admin_client.get("/backoffice/settings/account-service/").text
    assert "Require a photo for these reasons" in page
    admin_client.post(
        "/backoffice/settings/account-service/",
        {"allow_returns": "on", "return_window_days": "30", "photo_required_reasons": [damaged.pk]},
    )
    assert list(ReturnSettings.objects.get().photo_required_reasons.all()) == [damaged]

    shopper = Client()
    shopper.force_login(customer.user)
    form = shopper.get(request_url(line.order)).text
    assert "We need at least one photo for these reasons: Damaged." in form
    refused = shopper.post(
        request_url(line.order), form_data(line, reason=damaged.pk, reason_text="")
    )
    assert refused.status_code == 200
    assert "For this reason we need a photo" in refused.text
    assert not Return.objects.exists()

    # Another reason, or a typed one, needs none; the required reason with a photo passes.
    shopper.post(request_url(line.order), form_data(line, reason=other.pk, reason_text=""))
    assert Return.objects.count() == 1
    shopper.post(
        request_url(line.order),
        form_data(line, reason=damaged.pk, reason_text="", photos=[upload(image_bytes(), "d.jpg")]),
    )
    assert Return.objects.count() == 2


def test_the_service_enforces_the_required_photo(customer, line, damaged, shop_admin):
    services.return_settings_update(actor=shop_admin, photo_required_reasons=[damaged])
    with pytest.raises(PhotoRequired):
        services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 1},
            reason=services.Choice(entry=damaged),
            token=uuid.uuid4(),
        )


def test_only_reasons_can_require_a_photo(shop_admin):
    action = CatalogEntryFactory(kind="action", name="Refund")
    with pytest.raises(Exception, match="Choose return reasons only"):
        services.return_settings_update(actor=shop_admin, photo_required_reasons=[action])


# --- Who sees which photo -----------------------------------------------------------------


@pytest.fixture
def requested(customer, line):
    rma, _created = services.return_request(
        customer=customer,
        order=line.order,
        quantities={line.pk: 1},
        reason=services.Choice(text="Broken"),
        token=uuid.uuid4(),
        photos=[process_photo(upload(jpeg_with_gps()))],
    )
    return rma


def account_url(photo, thumb=False):
    return f"/account/returns/{photo.rma_id}/photos/{photo.pk}{'-thumb' if thumb else ''}.jpg"


def staff_url(photo, thumb=False):
    return f"/backoffice/returns/{photo.rma_id}/photos/{photo.pk}{'-thumb' if thumb else ''}.jpg"


def test_the_customer_gets_their_photo_privately(customer_client, requested):
    photo = requested.photos.get()
    for thumb in (False, True):
        response = customer_client.get(account_url(photo, thumb))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline;")
        body = b"".join(response.streaming_content)
        image = Image.open(io.BytesIO(body))
        assert image.format == "JPEG"
        assert max(image.size) == (THUMB_SIDE if thumb else 600)


def test_another_customer_gets_404_and_a_visitor_the_login(requested, other_customer, client):
    photo = requested.photos.get()
    response = client.get(account_url(photo))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")
    response = client.get(staff_url(photo))
    assert response["Location"].startswith("/backoffice/login/?next=")

    client.force_login(other_customer.user)
    assert client.get(account_url(photo)).status_code == 404
    assert client.get(account_url(photo, thumb=True)).status_code == 404
    # Their own return number with this photo's id: still not theirs.
    theirs = OrderLineFactory(order__customer=other_customer, order__number="THEIRS")
    rma, _ = services.return_request(
        customer=other_customer,
        order=theirs.order,
        quantities={theirs.pk: 1},
        reason=services.Choice(text="x"),
        token=uuid.uuid4(),
    )
    assert client.get(f"/account/returns/{rma.pk}/photos/{photo.pk}.jpg").status_code == 404
    # And no backoffice page for a customer.
    assert client.get(staff_url(photo)).status_code == 403


def test_staff_see_the_customers_photos_on_the_return_page(staff_client, requested):
    photo = requested.photos.get()
    page = staff_client.get(f"/backoffice/returns/{requested.pk}/").text
    assert "The customer&#x27;s photos" in page or "The customer's photos" in page
    assert staff_url(photo, thumb=True) in page
    assert "1 photo from the customer" in page
    response = staff_client.get(staff_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")


def test_staff_add_inspection_photos_that_the_customer_never_sees(
    staff_client, customer, requested, staff
):
    customer_client = Client()
    customer_client.force_login(customer.user)
    line = requested.lines.get()
    response = staff_client.post(
        f"/backoffice/returns/{requested.pk}/photos/",
        {"line": line.pk, "photos": [upload(image_bytes(), "scratch.jpg")]},
        follow=True,
    )
    assert "1 photo added." in response.text
    inspection = requested.photos.get(kind="inspection")
    assert (inspection.line, inspection.uploaded_by) == (line, staff)
    entry = requested.history.get(kind=HistoryEntry.Kind.PHOTOS_ADDED, data__kind="inspection")
    assert entry.actor == staff and entry.data["sku"] == line.order_line.sku
    assert staff_url(inspection, thumb=True) in response.text
    assert "1 inspection photo added" in response.text

    page = customer_client.get(f"/account/returns/{requested.pk}/").text
    assert f"/photos/{inspection.pk}" not in page
    assert "inspection photo" not in page.lower()
    assert customer_client.get(account_url(inspection)).status_code == 404
    assert customer_client.get(account_url(inspection, thumb=True)).status_code == 404


def test_staff_upload_refuses_bad_files_and_foreign_lines(staff_client, requested, line):
    response = staff_client.post(
        f"/backoffice/returns/{requested.pk}/photos/", {"photos": [upload(SVG, "x.svg")]}
    )
    assert "“x.svg” is not a photo we can read." in response.text
    response = staff_client.post(f"/backoffice/returns/{requested.pk}/photos/", {})
    assert "Choose at least one photo." in response.text
    other = OrderLineFactory(order=line.order)
    rma = services.return_create(
        order=line.order,
        quantities={other.pk: 1},
        user=None,
        origin="staff",
        reason=services.Choice(text="x"),
    )
    response = staff_client.post(
        f"/backoffice/returns/{requested.pk}/photos/",
        {"line": rma.lines.get().pk, "photos": [upload(image_bytes())]},
    )
    assert response.status_code == 200
    assert not requested.photos.filter(kind="inspection").exists()


# --- Never public ---------------------------------------------------------------------------


def test_photos_are_not_under_the_static_root_nor_reachable_by_a_public_url(client, requested):
    photo = requested.photos.get()
    storage = storages["photos"]
    path = Path(storage.path(photo.file.name)).resolve()
    assert path.is_file()
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not path.is_relative_to(Path(public).resolve())
    with pytest.raises(NotImplementedError):
        storage.url(photo.file.name)
    name = photo.file.name
    for url in (
        f"/static/{name}",
        f"/static/{Path(name).name}",
        f"/media/{name}",
        f"/{name}",
        f"/private-media/{name}",
    ):
        assert client.get(url).status_code == 404, url


def test_a_request_with_more_than_ten_files_is_refused_before_any_is_kept(customer_client, line):
    photos = [upload(image_bytes(size=(8, 8)), f"{n}.jpg") for n in range(11)]
    before = stored_files()
    response = customer_client.post(request_url(line.order), form_data(line, photos=photos))
    assert response.status_code == 400
    assert not Return.objects.exists()
    assert stored_files() == before


def test_the_return_page_reads_photos_in_one_query_however_many(
    staff_client, requested, query_count
):
    url = f"/backoffice/returns/{requested.pk}/"
    one = query_count(lambda: staff_client.get(url))
    for _ in range(2):
        services.return_photos_add(
            rma=requested,
            user=None,
            photos=[process_photo(upload(image_bytes(size=(30, 30))))] * 3,
            line_id=requested.lines.get().pk,
        )
    assert query_count(lambda: staff_client.get(url)) == one
    assert staff_client.get(url).text.count("-thumb.jpg") == 7
