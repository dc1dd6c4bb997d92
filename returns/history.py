"""How each kind of a return's history entry reads on its page: one table of wording,
translated when shown (pretix's LogEntry display works the same way)."""

from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import HistoryEntry, Return, Status
from .workflow import CUSTOMER_HISTORY_KINDS, Condition, Disposition

EMAIL_KINDS = frozenset(
    {
        HistoryEntry.Kind.EMAIL_QUEUED,
        HistoryEntry.Kind.EMAIL_SENT,
        HistoryEntry.Kind.EMAIL_RETRY,
        HistoryEntry.Kind.EMAIL_FAILED,
    }
)
# A reason or an action is one field on the page, whether chosen from the list or typed:
# the history says "Return action: Refund → Send size L" on one line.
CHOICE_FIELDS = {"reason_text": "reason", "action_text": "action"}


@dataclass
class HistoryLine:
    """One history entry as a reader sees it. `text`: a note's or a message's words."""

    entry: HistoryEntry
    title: str
    details: list[str] = field(default_factory=list)
    css: str = ""
    text: str = ""


def _status(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def _value(value) -> str:
    if value is True:
        return _("on")
    if value is False:
        return _("off")
    if isinstance(value, dict):  # a catalog entry, with its names at the time
        names = value.get("names") or {}
        return names.get(translation.get_language()) or value.get("name") or "—"
    return str(value) if value not in (None, "") else "—"


def _label(field_name: str) -> str:
    try:
        return str(Return._meta.get_field(field_name).verbose_name)
    except Exception:  # a field removed since the entry was written
        return field_name


def _created(entry):
    origin = entry.data.get("origin")
    title = _("Return requested by the customer") if origin == "customer" else _("Return created")
    details = [
        _("%(quantity)s × %(sku)s") % {"quantity": line.get("quantity"), "sku": line.get("sku", "")}
        for line in entry.data.get("lines", [])
    ]
    return title, details, "history--status"


def _status_changed(entry):
    title = _("Status changed from %(from)s to %(to)s") % {
        "from": _status(entry.from_status),
        "to": _status(entry.to_status),
    }
    return (
        title,
        [_("Customer notified by e-mail")] if entry.data.get("notify") else [],
        "history--status",
    )


def _reopened(entry):
    title = _("Reopened: %(from)s → %(to)s") % {
        "from": _status(entry.from_status),
        "to": _status(entry.to_status),
    }
    return title, [], "history--status"


def _merged_choices(fields: dict) -> dict:
    """Entries written before reasons and actions were recorded as one field keep "action"
    (the catalog entry) and "action_text" apart: join them into one old → new."""
    fields = dict(fields)
    for text_field, choice_field in CHOICE_FIELDS.items():
        if text_field not in fields:
            continue
        text_old, text_new = fields.pop(text_field)
        entry_old, entry_new = fields.get(choice_field, (None, None))
        fields[choice_field] = [entry_old or text_old, entry_new or text_new]
    return fields


def _updated(entry):
    details = [
        _("%(field)s: %(old)s → %(new)s")
        % {"field": _label(name), "old": _value(old), "new": _value(new)}
        for name, (old, new) in _merged_choices(entry.data.get("fields", {})).items()
    ]
    return _("Details changed"), details, ""


def _quantity_changed(entry):
    details = [
        _("%(sku)s: %(old)s → %(new)s")
        % {"sku": line.get("sku", ""), "old": line.get("from"), "new": line.get("to")}
        for line in entry.data.get("lines", [])
    ]
    return _("Quantity returned changed"), details, ""


def _note(entry):
    return _("Staff note"), [], ""


def _message(entry):
    return (
        _("Message to the customer (%(to)s)") % {"to": entry.data.get("to", "")},
        [],
        "history--email",
    )


def _assigned(entry):
    before, after = entry.data.get("from"), entry.data.get("to")
    if after:
        title = _("Assigned to %(name)s") % {"name": after.get("name", "")}
    else:
        title = _("No longer assigned")
    details = [_("Before: %(name)s") % {"name": before.get("name", "")}] if before else []
    return title, details, ""


def _stock(entry):
    details = []
    for movement in entry.data.get("movements", []):
        if movement["delta"] > 0:
            text = _("%(sku)s: %(count)s back in stock")
        else:
            text = _("%(sku)s: %(count)s taken out of stock again")
        details.append(text % {"sku": movement.get("sku", ""), "count": abs(movement["delta"])})
    return _("Stock updated"), details, "history--stock"


def _received(entry):
    """ "LIN-M: 2 of 3 received, As new, Restock" per line; a change says what it was."""

    def receipt(values, quantity) -> str:
        received, condition, disposition = values
        words = [
            _("%(received)s of %(quantity)s received")
            % {"received": received, "quantity": quantity},
            _choice_label(Condition, condition),
        ]
        if disposition:
            words.append(_choice_label(Disposition, disposition))
        return ", ".join(words)

    details = []
    for line in entry.data.get("lines", []):
        quantity = line.get("quantity", "?")
        now = receipt(line.get("to") or [0, "", ""], quantity)
        if line.get("from"):
            now = _("%(old)s → %(new)s") % {"old": receipt(line["from"], quantity), "new": now}
        details.append(_("%(sku)s: %(receipt)s") % {"sku": line.get("sku", ""), "receipt": now})
    return _("Received and inspected"), details, "history--stock"


def _photos_added(entry):
    count = entry.data.get("count", 0)
    if entry.data.get("kind") == "customer":
        title = ngettext(
            "%(count)s photo from the customer", "%(count)s photos from the customer", count
        )
    else:
        title = ngettext(
            "%(count)s inspection photo added", "%(count)s inspection photos added", count
        )
    sku = entry.data.get("sku")
    return title % {"count": count}, [sku] if sku else [], ""


def _choice_label(choices, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _email(entry):
    data = entry.data
    values = {
        "to": data.get("to", ""),
        "attempt": data.get("attempt", 0),
        "error": data.get("error", ""),
    }
    titles = {
        HistoryEntry.Kind.EMAIL_QUEUED: _("E-mail to %(to)s queued"),
        HistoryEntry.Kind.EMAIL_SENT: _("E-mail to %(to)s sent"),
        HistoryEntry.Kind.EMAIL_RETRY: _(
            "E-mail to %(to)s not delivered yet (attempt %(attempt)s); trying again later"
        ),
        HistoryEntry.Kind.EMAIL_FAILED: _("E-mail to %(to)s failed"),
    }
    details = [data["subject"]] if data.get("subject") else []
    if values["error"]:
        details.append(values["error"])
    css = "history--failed" if entry.kind == HistoryEntry.Kind.EMAIL_FAILED else "history--email"
    return titles[entry.kind] % values, details, css


WORDING = {
    HistoryEntry.Kind.CREATED: _created,
    HistoryEntry.Kind.STATUS_CHANGED: _status_changed,
    HistoryEntry.Kind.REOPENED: _reopened,
    HistoryEntry.Kind.UPDATED: _updated,
    HistoryEntry.Kind.QUANTITY_CHANGED: _quantity_changed,
    HistoryEntry.Kind.NOTE_ADDED: _note,
    HistoryEntry.Kind.MESSAGE_SENT: _message,
    HistoryEntry.Kind.ASSIGNED: _assigned,
    HistoryEntry.Kind.STOCK_MOVED: _stock,
    HistoryEntry.Kind.RECEIVED: _received,
    HistoryEntry.Kind.PHOTOS_ADDED: _photos_added,
    HistoryEntry.Kind.EMAIL_QUEUED: _email,
    HistoryEntry.Kind.EMAIL_SENT: _email,
    HistoryEntry.Kind.EMAIL_RETRY: _email,
    HistoryEntry.Kind.EMAIL_FAILED: _email,
}


def _customer_title(entry) -> str:
    if entry.kind == HistoryEntry.Kind.CREATED:
        if entry.data.get("origin") == "customer":
            return _("You requested this return")
        return _("The shop created this return for you")
    if entry.kind == HistoryEntry.Kind.MESSAGE_SENT:
        return _("Message from the shop")
    return WORDING[entry.kind](entry)[0]


def _email_key(entry):
    """Which e-mail an e-mail entry is about: its outbox id (older entries: its address
    and subject)."""
    data = entry.data
    return data.get("email") or (data.get("to"), data.get("subject"))


def _email_line(first, latest) -> HistoryLine:
    """One line per e-mail: where it first appeared in the story (queued with the change
    that sent it), saying what became of it in the end."""
    title, details, css = _email(latest)
    if latest.pk != first.pk:
        when = formats.date_format(timezone.localtime(latest.created_at), "SHORT_DATETIME_FORMAT")
        details.append(_("Last update: %(when)s") % {"when": when})
    return HistoryLine(entry=first, title=title, details=details, css=css)


def history_lines(entries, *, for_customer: bool = False) -> list[HistoryLine]:
    """The entries (from selectors.return_history, newest first) as their readers see
    them. Staff read every entry, each e-mail once with its latest state; a customer reads
    only what returns.workflow.CUSTOMER_HISTORY_KINDS allows, in their own words."""
    entries = list(entries)
    if for_customer:
        return [
            HistoryLine(
                entry=entry,
                title=_customer_title(entry),
                css="history--status",
                text=entry.data.get("text", "")
                if entry.kind == HistoryEntry.Kind.MESSAGE_SENT
                else "",
            )
            for entry in entries
            if entry.kind in CUSTOMER_HISTORY_KINDS
        ]
    latest, first = {}, {}
    for entry in entries:  # newest first: the first seen is the latest state
        if entry.kind in EMAIL_KINDS:
            key = _email_key(entry)
            latest.setdefault(key, entry)
            first[key] = entry
    lines = []
    for entry in entries:
        if entry.kind in EMAIL_KINDS:
            key = _email_key(entry)
            if first[key].pk == entry.pk:
                lines.append(_email_line(entry, latest[key]))
            continue
        title, details, css = WORDING[entry.kind](entry)
        text = entry.data.get("text", "") if entry.kind == HistoryEntry.Kind.MESSAGE_SENT else ""
        lines.append(HistoryLine(entry=entry, title=title, details=details, css=css, text=text))
    return lines
