"""How each kind of a return's history entry reads on its page: one table of wording,
translated when shown (pretix's LogEntry display works the same way)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import HistoryEntry, Return, Status
from .workflow import CUSTOMER_HISTORY_KINDS


@dataclass
class HistoryLine:
    """One history entry as a reader sees it."""

    entry: HistoryEntry
    title: str
    details: list[str] = field(default_factory=list)
    css: str = ""


def _status(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def _value(value) -> str:
    if value is True:
        return _("on")
    if value is False:
        return _("off")
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


def _updated(entry):
    details = [
        _("%(field)s: %(old)s → %(new)s")
        % {"field": _label(name), "old": _value(old), "new": _value(new)}
        for name, (old, new) in entry.data.get("fields", {}).items()
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


def _stock(entry):
    details = []
    for movement in entry.data.get("movements", []):
        if movement["delta"] > 0:
            text = _("%(sku)s: %(count)s back in stock")
        else:
            text = _("%(sku)s: %(count)s taken out of stock again")
        details.append(text % {"sku": movement.get("sku", ""), "count": abs(movement["delta"])})
    return _("Stock updated"), details, "history--stock"


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
    HistoryEntry.Kind.STOCK_MOVED: _stock,
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
    return WORDING[entry.kind](entry)[0]


def history_lines(entries, *, for_customer: bool = False) -> list[HistoryLine]:
    """The entries (from selectors.return_history) as their readers see them. A customer
    reads only what returns.workflow.CUSTOMER_HISTORY_KINDS allows, in their own words."""
    lines = []
    for entry in entries:
        if for_customer:
            if entry.kind in CUSTOMER_HISTORY_KINDS:
                lines.append(
                    HistoryLine(entry=entry, title=_customer_title(entry), css="history--status")
                )
            continue
        title, details, css = WORDING[entry.kind](entry)
        lines.append(HistoryLine(entry=entry, title=title, details=details, css=css))
    return lines
