"""Photos as evidence: what a customer or staff member uploads, checked by its content and
made safe to keep and show.

A file is accepted only when Pillow recognises it as one of the formats phones send (JPEG,
PNG, WebP, HEIC/HEIF) whatever its name or declared type says, is at most MAX_BYTES, and has
at most MAX_PIXELS pixels (a decompression bomb, a small file that unpacks into gigabytes,
is refused before it is decoded). It is then decoded, turned upright (the EXIF orientation)
and re-encoded as a new JPEG without any of the original's metadata: no EXIF, no GPS
position, no camera serial, no embedded thumbnail. Two sizes are kept: at most MAX_SIDE
pixels on the long side, and a thumbnail of THUMB_SIDE.

Pure: no database, no storage; returns.services.photos keeps the results.
"""

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import InvalidPhoto

pillow_heif.register_heif_opener()

MAX_PHOTOS = 5  # per customer request
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo is the largest expected
MAX_SIDE = 2560
THUMB_SIDE = 320
QUALITY = 85
# Pillow's names for what phones send. "MPO" is how Pillow reads many phones' JPEGs (a
# JPEG with a second, depth or preview, picture appended).
FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}
# The openers to try (Pillow's JPEG opener is the one that returns MPO images).
OPENERS = ["HEIF", "JPEG", "PNG", "WEBP"]
CONTENT_TYPE = "image/jpeg"
EXTENSION = "jpg"

# Pillow refuses outright above twice this (DecompressionBombError) and warns above it;
# the warning is turned into a refusal below.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes  # JPEG, at most MAX_SIDE on the long side, no metadata
    thumbnail: bytes  # JPEG, at most THUMB_SIDE on the long side
    width: int
    height: int
    name: str  # the name it was sent with, for messages only


def not_an_image(name: str) -> InvalidPhoto:
    return InvalidPhoto(
        _("“%(name)s” is not a photo we can read. Send a JPEG, PNG, WebP or HEIC photo.")
        % {"name": name}
    )


def too_many(limit: int = MAX_PHOTOS) -> InvalidPhoto:
    return InvalidPhoto(
        ngettext(
            "You can add at most %(limit)s photo.",
            "You can add at most %(limit)s photos.",
            limit,
        )
        % {"limit": limit}
    )


def process_photo(upload) -> ProcessedPhoto:
    """Check an uploaded file (a Django UploadedFile, or any file object with .name and
    .size) and re-encode it. InvalidPhoto, saying why in the reader's language, when it is
    empty, too large, not an image of an accepted format, or too many pixels."""
    name = getattr(upload, "name", "") or _("the file")
    size = getattr(upload, "size", None)
    if size == 0:
        raise InvalidPhoto(_("“%(name)s” is empty.") % {"name": name})
    if size is not None and size > MAX_BYTES:
        raise InvalidPhoto(too_large_message(name))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if not data:
        raise InvalidPhoto(_("“%(name)s” is empty.") % {"name": name})
    if len(data) > MAX_BYTES:
        raise InvalidPhoto(too_large_message(name))
    try:
        # The pixel count is checked from the header before decoding (_open_checked);
        # Pillow's own bomb warning is made an error too, for any decoder that finds more.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open_checked(data, name)
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size: no more than the kept
            # size is ever held in memory (a 40 MP photo would be 120 MB decoded).
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
            upright = _flattened(ImageOps.exif_transpose(image))
            del image
            upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            full, (width, height) = _encoded(upright, MAX_SIDE)
            thumbnail, _size = _encoded(upright, THUMB_SIDE)
    except InvalidPhoto:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidPhoto(too_many_pixels_message(name)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        # Truncated or corrupt data, or a decoder's complaint: not a photo we can read.
        raise not_an_image(name) from None
    return ProcessedPhoto(
        image=full,
        thumbnail=thumbnail,
        width=width,
        height=height,
        name=name,
    )


def too_large_message(name: str) -> str:
    return _("“%(name)s” is larger than %(limit)s MB.") % {
        "name": name,
        "limit": MAX_BYTES // (1024 * 1024),
    }


def too_many_pixels_message(name: str) -> str:
    return _("“%(name)s” has too many pixels (at most %(limit)s megapixels).") % {
        "name": name,
        "limit": MAX_PIXELS // 1_000_000,
    }


def _open_checked(data: bytes, name: str) -> Image.Image:
    # Identify from the content alone (formats=...: no guessing from the name), check the
    # format and the pixel count from the header, verify the file's structure, then open
    # it again to decode (verify() leaves the image unusable).
    probe = Image.open(io.BytesIO(data), formats=OPENERS)
    if probe.format not in FORMATS:
        raise not_an_image(name)
    width, height = probe.size
    if width < 1 or height < 1:
        raise not_an_image(name)
    if width * height > MAX_PIXELS:
        raise InvalidPhoto(too_many_pixels_message(name))
    probe.verify()
    image = Image.open(io.BytesIO(data), formats=OPENERS)
    if image.format != probe.format or image.size != probe.size:
        raise not_an_image(name)
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """RGB, transparency laid on white (a JPEG has none)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encoded(image: Image.Image, side: int) -> tuple[bytes, tuple[int, int]]:
    image = image.copy()
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new image: nothing of the original's info (EXIF, GPS, XMP, ICC, comments) is
    # passed on, and Pillow writes none of its own.
    image.save(out, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue(), image.size
