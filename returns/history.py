"""How each kind of history entry reads on the timeline: one table of wording, translated
when shown (pretix's LogEntry display works the same way)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Return, ReturnEvent, Status


@dataclass
class TimelineEntry:
    event: ReturnEvent
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


def _created(event):
    origin = event.data.get("origin")
    title = _("Return requested by the customer") if origin == "customer" else _("Return created")
    details = [
        _("%(quantity)s × %(sku)s") % {"quantity": line.get("quantity"), "sku": line.get("sku", "")}
        for line in event.data.get("lines", [])
    ]
    return title, details, "timeline--status"


def _status_changed(event):
    title = _("Status changed from %(from)s to %(to)s") % {
        "from": _status(event.from_status),
        "to": _status(event.to_status),
    }
    return (
        title,
        [_("Customer notified by e-mail")] if event.data.get("notify") else [],
        "timeline--status",
    )


def _reopened(event):
    title = _("Reopened: %(from)s → %(to)s") % {
        "from": _status(event.from_status),
        "to": _status(event.to_status),
    }
    return title, [], "timeline--status"


def _updated(event):
    details = [
        _("%(field)s: %(old)s → %(new)s")
        % {"field": _label(name), "old": _value(old), "new": _value(new)}
        for name, (old, new) in event.data.get("fields", {}).items()
    ]
    return _("Details changed"), details, ""


def _quantity_changed(event):
    details = [
        _("%(sku)s: %(old)s → %(new)s")
        % {"sku": line.get("sku", ""), "old": line.get("from"), "new": line.get("to")}
        for line in event.data.get("lines", [])
    ]
    return _("Quantity returned changed"), details, ""


def _note(event):
    return _("Staff note"), [], ""


def _stock(event):
    details = []
    for movement in event.data.get("movements", []):
        if movement["delta"] > 0:
            text = _("%(sku)s: %(count)s back in stock")
        else:
            text = _("%(sku)s: %(count)s taken out of stock again")
        details.append(text % {"sku": movement.get("sku", ""), "count": abs(movement["delta"])})
    return _("Stock updated"), details, "timeline--stock"


def _email(event):
    data = event.data
    values = {
        "to": data.get("to", ""),
        "attempt": data.get("attempt", 0),
        "error": data.get("error", ""),
    }
    titles = {
        ReturnEvent.Kind.EMAIL_QUEUED: _("E-mail to %(to)s queued"),
        ReturnEvent.Kind.EMAIL_SENT: _("E-mail to %(to)s sent"),
        ReturnEvent.Kind.EMAIL_RETRY: _(
            "E-mail to %(to)s not delivered yet (attempt %(attempt)s); trying again later"
        ),
        ReturnEvent.Kind.EMAIL_FAILED: _("E-mail to %(to)s failed"),
    }
    details = [data["subject"]] if data.get("subject") else []
    if values["error"]:
        details.append(values["error"])
    css = "timeline--failed" if event.kind == ReturnEvent.Kind.EMAIL_FAILED else "timeline--email"
    return titles[event.kind] % values, details, css


WORDING = {
    ReturnEvent.Kind.CREATED: _created,
    ReturnEvent.Kind.STATUS_CHANGED: _status_changed,
    ReturnEvent.Kind.REOPENED: _reopened,
    ReturnEvent.Kind.UPDATED: _updated,
    ReturnEvent.Kind.QUANTITY_CHANGED: _quantity_changed,
    ReturnEvent.Kind.NOTE_ADDED: _note,
    ReturnEvent.Kind.STOCK_MOVED: _stock,
    ReturnEvent.Kind.EMAIL_QUEUED: _email,
    ReturnEvent.Kind.EMAIL_SENT: _email,
    ReturnEvent.Kind.EMAIL_RETRY: _email,
    ReturnEvent.Kind.EMAIL_FAILED: _email,
}


# What a customer may read of the history (My returns): the status story only, without who
# in the shop did it, stock or e-mail details (the events come from
# selectors.return_timeline(rma, for_customer=True)).
CUSTOMER_KINDS = frozenset(
    {ReturnEvent.Kind.CREATED, ReturnEvent.Kind.STATUS_CHANGED, ReturnEvent.Kind.REOPENED}
)


def _customer_title(event) -> str:
    if event.kind == ReturnEvent.Kind.CREATED:
        if event.data.get("origin") == "customer":
            return _("You requested this return")
        return _("The shop created this return for you")
    return WORDING[event.kind](event)[0]


def timeline(events, *, for_customer: bool = False) -> list[TimelineEntry]:
    entries = []
    for event in events:
        if for_customer:
            if event.kind in CUSTOMER_KINDS:
                entries.append(
                    TimelineEntry(event=event, title=_customer_title(event), css="timeline--status")
                )
            continue
        title, details, css = WORDING[event.kind](event)
        entries.append(TimelineEntry(event=event, title=title, details=details, css=css))
    return entries
