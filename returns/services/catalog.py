"""The catalog of return reasons and actions (admins). Every change is audited.

An entry's `name` is its name in the shop's language, unique per kind however it is
capitalised (a database constraint); `names` holds its names in the other languages, also
unique per kind and language (checked here, under the kind's lock)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.services import audit_record
from core.services import model_update

from ..exceptions import CatalogEntryInUse, CatalogNameTaken, InvalidReturnInput
from ..models import CatalogEntry, Return, ReturnRequest

AUDIT_AREA = "catalog"
NAME_LENGTH = CatalogEntry._meta.get_field("name").max_length


def _clean_names(names: dict[str, str] | None) -> dict[str, str]:
    """{language: name} for the languages other than the shop's, stripped, empty ones
    left out. A language the site does not speak, or a name too long, is refused."""
    names = names or {}
    languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    if set(names) - languages - {settings.LANGUAGE_CODE}:
        raise InvalidReturnInput(_("The shop does not offer that language."), field="name")
    cleaned = {}
    for language in sorted(languages):
        text = (names.get(language) or "").strip()
        if len(text) > NAME_LENGTH:
            raise InvalidReturnInput(
                _("A name is at most %(limit)s characters.") % {"limit": NAME_LENGTH},
                field=f"name_{language}",
            )
        if text:
            cleaned[language] = text
    return cleaned


def _check_names_free(
    *, kind: str, name: str, names: dict[str, str], exclude_pk: int | None = None
) -> None:
    """No two entries of a kind share a name in any language, however it is capitalised
    ("Too small" and "too small" would be two entries nobody can tell apart in a
    drop-down). The database refuses it too for the shop's language (a unique constraint
    on kind and lower(name)); asking first gives the message without a failed statement
    in the caller's transaction. Runs under the kind's lock."""
    others = CatalogEntry.objects.filter(kind=kind).exclude(pk=exclude_pk)
    if others.filter(name__iexact=name).exists():
        raise CatalogNameTaken(field="name")
    for language, text in names.items():
        if any(other.name_in(language).casefold() == text.casefold() for other in others):
            raise CatalogNameTaken(field=f"name_{language}")


def _target(entry: CatalogEntry) -> dict:
    """What the audit log needs to say which entry changed, in any reader's language."""
    return {"kind": entry.kind, "name": entry.name, "names": dict(entry.names or {})}


def _lock_kind(kind: str) -> None:
    # Entries of a kind change one at a time: positions and names stay unique.
    list(CatalogEntry.objects.select_for_update().filter(kind=kind).values_list("pk"))


def catalog_entry_create(
    *,
    actor,
    kind: str,
    name: str,
    names: dict[str, str] | None = None,
    visible_to_customers: bool = True,
) -> CatalogEntry:
    """Add an entry at the end of its list, with its name in the shop's language and
    (`names`, {language: name}) in the others. A name its kind already has in that
    language, in any capitalisation, is refused (CatalogNameTaken)."""
    name = name.strip()
    names = _clean_names(names)
    with transaction.atomic():
        _lock_kind(kind)
        _check_names_free(kind=kind, name=name, names=names)
        last = CatalogEntry.objects.filter(kind=kind).aggregate(last=Max("position"))["last"]
        try:
            with transaction.atomic():
                entry = CatalogEntry.objects.create(
                    kind=kind,
                    name=name,
                    names=names,
                    position=(last or 0) + 1,
                    visible_to_customers=visible_to_customers,
                )
        except IntegrityError:
            raise CatalogNameTaken(field="name") from None
        audit_record(
            actor=actor,
            area=AUDIT_AREA,
            instance=entry,
            action="create",
            target=_target(entry),
            changes={
                "name": (None, entry.name),
                "names": ({}, entry.names),
                "visible_to_customers": (None, entry.visible_to_customers),
            },
        )
        return entry


def catalog_entry_update(*, actor, entry: CatalogEntry, **values) -> CatalogEntry:
    """Rename (in any language: `name`, `names`), (de)activate, reposition or change
    visibility; audited. A name its kind already has in that language, in any
    capitalisation, is refused (CatalogNameTaken)."""
    if "name" in values:
        values["name"] = values["name"].strip()
    if "names" in values:
        values["names"] = _clean_names(values["names"])
    with transaction.atomic():
        _lock_kind(entry.kind)
        entry = CatalogEntry.objects.get(pk=entry.pk)
        if "name" in values or "names" in values:
            _check_names_free(
                kind=entry.kind,
                name=values.get("name", entry.name),
                names=values.get("names", entry.names),
                exclude_pk=entry.pk,
            )
        try:
            with transaction.atomic():
                changes = model_update(entry, values)
        except IntegrityError:
            raise CatalogNameTaken(field="name") from None
        audit_record(
            actor=actor, area=AUDIT_AREA, instance=entry, target=_target(entry), changes=changes
        )
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
            target=_target(entry),
            changes={"position": (index + 1, other + 1)},
        )


def catalog_entry_delete(*, actor, entry: CatalogEntry) -> None:
    """Delete an entry no return (and no customer's request) uses; an entry in use is
    refused (CatalogEntryInUse)."""
    with transaction.atomic():
        entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
        if (
            Return.objects.filter(reason=entry).exists()
            or Return.objects.filter(action=entry).exists()
            or ReturnRequest.objects.filter(reason=entry).exists()
            or ReturnRequest.objects.filter(action=entry).exists()
        ):
            raise CatalogEntryInUse
        audit_record(
            actor=actor,
            area=AUDIT_AREA,
            instance=entry,
            action="delete",
            target=_target(entry),
            changes={"name": (entry.name, None), "names": (entry.names, {})},
        )
        entry.delete()
