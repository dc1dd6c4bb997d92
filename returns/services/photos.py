"""Keeping photos: the customer's, sent with their request (returns.services.lifecycle.
return_request), and staff's inspection photos of a return or one of its lines.

The images arrive checked and re-encoded (returns.photos.process_photo). Their files are
written to the private photo storage before any transaction starts, so that no row lock is
held during storage I/O (an S3-compatible bucket is a network call); the rows and the history
entry are then written under the return's lock. When that transaction does not happen (a
refusal, an error, a request that was already sent) the files are removed again.
"""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import InvalidPhoto, InvalidReturnInput
from ..models import HistoryEntry, Return, ReturnPhoto, photo_name, photo_storage
from ..photos import MAX_PHOTOS, ProcessedPhoto, too_many
from .history import history_record

# Staff may add this many photos at a time (a return has no limit of its own).
MAX_INSPECTION_PHOTOS = 10


@dataclass(frozen=True)
class StoredPhoto:
    photo: ProcessedPhoto
    file: str
    thumbnail: str


def photos_store(photos: Sequence[ProcessedPhoto]) -> list[StoredPhoto]:
    """Write the images and their thumbnails under new random names. On a failure halfway
    the files written so far are removed and the error raised."""
    storage = photo_storage()
    stored = []
    try:
        for photo in photos:
            file = storage.save(photo_name(), ContentFile(photo.image))
            try:
                thumbnail = storage.save(photo_name(), ContentFile(photo.thumbnail))
            except BaseException:
                storage.delete(file)
                raise
            stored.append(StoredPhoto(photo=photo, file=file, thumbnail=thumbnail))
    except BaseException:
        photos_discard(stored)
        raise
    return stored


def photos_discard(stored: Sequence[StoredPhoto]) -> None:
    """Remove files no row refers to (the transaction that would have kept them did not
    happen). Best effort: a file left behind is unreachable (no row, a random name)."""
    storage = photo_storage()
    for item in stored:
        for name in (item.file, item.thumbnail):
            with contextlib.suppress(Exception):  # an orphan file harms nobody
                storage.delete(name)


def photos_attach(
    rma: Return, stored: Sequence[StoredPhoto], *, kind: str, user, line=None
) -> list[ReturnPhoto]:
    """The rows and their history entry, in the caller's transaction (it holds the
    return's lock)."""
    if not stored:
        return []
    now = timezone.now()
    rows = ReturnPhoto.objects.bulk_create(
        [
            ReturnPhoto(
                rma=rma,
                line=line,
                kind=kind,
                uploaded_by=user if getattr(user, "pk", None) else None,
                file=item.file,
                thumbnail=item.thumbnail,
                width=item.photo.width,
                height=item.photo.height,
                size=len(item.photo.image),
                created_at=now,
            )
            for item in stored
        ]
    )
    history_record(
        rma,
        HistoryEntry.Kind.PHOTOS_ADDED,
        user,
        data={
            "count": len(rows),
            "kind": kind,
            "sku": line.order_line.sku if line is not None else "",
        },
    )
    return rows


def check_customer_photos(photos: Sequence[ProcessedPhoto]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise InvalidPhoto(too_many(MAX_PHOTOS), field="photos")


def return_photos_add(
    *, rma: Return, user, photos: Sequence[ProcessedPhoto], line_id: int | None = None
) -> list[ReturnPhoto]:
    """Staff add inspection photos to a return, or to one of its lines (`line_id`).

    At most MAX_INSPECTION_PHOTOS at a time (InvalidPhoto), at least one; a line of another
    return is refused (InvalidReturnInput). The files are stored first, then, under the
    return's row lock, the rows and one history entry are written; the return's version
    does not change (a photo changes nothing anyone is editing). Inspection photos are
    the shop's: the customer never sees them."""
    if not photos:
        raise InvalidPhoto(_("Choose at least one photo."), field="photos")
    if len(photos) > MAX_INSPECTION_PHOTOS:
        raise InvalidPhoto(too_many(MAX_INSPECTION_PHOTOS), field="photos")
    stored = photos_store(photos)
    try:
        with transaction.atomic():
            rma = Return.objects.select_for_update(of=("self",)).get(pk=rma.pk)
            line = None
            if line_id is not None:
                line = rma.lines.select_related("order_line").filter(pk=line_id).first()
                if line is None:
                    raise InvalidReturnInput(_("A line is not part of this return."), field="line")
            return photos_attach(
                rma, stored, kind=ReturnPhoto.Kind.INSPECTION, user=user, line=line
            )
    except BaseException:
        photos_discard(stored)
        raise
