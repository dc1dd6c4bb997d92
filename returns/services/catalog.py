"""The catalog of return reasons and actions (admins). Every change is audited."""

from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.services import audit_record
from core.services import model_update

from ..exceptions import CatalogEntryInUse, CatalogNameTaken
from ..models import CatalogEntry, Return

AUDIT_AREA = "catalog"


def _check_name_free(*, kind: str, name: str, exclude_pk: int | None = None) -> None:
    # The database refuses it too (a unique constraint on kind and lower(name)); asking
    # first gives the message without a failed statement in the caller's transaction.
    taken = CatalogEntry.objects.filter(kind=kind, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise CatalogNameTaken(field="name")


def catalog_entry_create(
    *, actor, kind: str, name: str, visible_to_customers: bool = True
) -> CatalogEntry:
    """Add an entry at the end of its list. A name its kind already has, in any
    capitalisation, is refused (CatalogNameTaken)."""
    name = name.strip()
    with transaction.atomic():
        # Entries of a kind are created one at a time: the next position is then unique.
        list(CatalogEntry.objects.select_for_update().filter(kind=kind).values_list("pk"))
        _check_name_free(kind=kind, name=name)
        last = CatalogEntry.objects.filter(kind=kind).aggregate(last=Max("position"))["last"]
        try:
            with transaction.atomic():
                entry = CatalogEntry.objects.create(
                    kind=kind,
                    name=name,
                    position=(last or 0) + 1,
                    visible_to_customers=visible_to_customers,
                )
        except IntegrityError:
            raise CatalogNameTaken(field="name") from None
        audit_record(
            actor=actor,
            area=AUDIT_AREA,
            instance=entry,
            changes={"name": (None, entry.name), "active": (None, True)},
        )
        return entry


def catalog_entry_update(*, actor, entry: CatalogEntry, **values) -> CatalogEntry:
    """Rename, (de)activate, reposition or change visibility; audited. A name its kind
    already has, in any capitalisation, is refused (CatalogNameTaken)."""
    if "name" in values:
        values["name"] = values["name"].strip()
    with transaction.atomic():
        entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
        if "name" in values:
            _check_name_free(kind=entry.kind, name=values["name"], exclude_pk=entry.pk)
        try:
            with transaction.atomic():
                changes = model_update(entry, values)
        except IntegrityError:
            raise CatalogNameTaken(field="name") from None
        audit_record(actor=actor, area=AUDIT_AREA, instance=entry, changes=changes)
        return entry


def catalog_entry_move(*, actor, entry: CatalogEntry, up: bool) -> None:
    """Swap an entry with its neighbour in the list."""
    with transaction.atomic():
        siblings = list(
            CatalogEntry.objects.select_for_update()
            .filter(kind=entry.kind)
            .order_by("position", "name", "pk")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == entry.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            model_update(sibling, {"position": position})
        audit_record(
            actor=actor,
            area=AUDIT_AREA,
            instance=entry,
            changes={"position": (index + 1, other + 1)},
        )


def catalog_entry_delete(*, actor, entry: CatalogEntry) -> None:
    """Delete an entry no return uses; an entry in use is refused (CatalogEntryInUse)."""
    with transaction.atomic():
        entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
        if (
            Return.objects.filter(reason=entry).exists()
            or Return.objects.filter(action=entry).exists()
        ):
            raise CatalogEntryInUse
        audit_record(
            actor=actor, area=AUDIT_AREA, instance=entry, changes={"name": (entry.name, None)}
        )
        entry.delete()
