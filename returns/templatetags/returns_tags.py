"""Status badges and labels for lists: a filter per row instead of an {% include %} and
two lazy translations, which made up much of a 50-row page's rendering time."""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core import charts
from core.forms import escape
from returns.models import Return, Status, format_number

register = template.Library()


@lru_cache(maxsize=16)
def _labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            **{code: str(label) for code, label in Status.choices},
            **{f"origin:{code}": str(label) for code, label in Return.Origin.choices},
        }


@register.filter
def status_badge(status: str):
    """<span class="badge badge--approved">Return approved</span>, in the page's language."""
    label = _labels(translation.get_language() or "en").get(status, status)
    return format_html('<span class="badge badge--{}">{}</span>', status, label)


@register.filter
def origin_label(origin: str) -> str:
    return _labels(translation.get_language() or "en").get(f"origin:{origin}", origin)


# Rendered filter forms of the returns list, per process: (language, the form's data, the
# catalog's reasons in order) -> HTML. The reasons are read on every request anyway (they
# name the rows' reasons), so an edit to the catalog changes the key at once, in every
# process; rendering the form's fields through their templates cost ~2 ms a page.
_FILTER_FORMS: dict[tuple, str] = {}
_FILTER_FORMS_MAX = 512


@register.simple_tag
def filter_form(filterset, reason_labels):
    """`{{ filterset.form }}`, rendered once per process for each distinct key."""
    data = filterset.data or {}
    values = data.getlist if hasattr(data, "getlist") else (lambda name: [data[name]])
    fields = filterset.form.fields
    items = tuple(sorted((name, tuple(values(name))) for name in data if name in fields))
    if any(len(value) > 200 for _name, values in items for value in values):
        return filterset.form.render()  # odd input: render it, keep it out of the cache
    key = (translation.get_language(), items, tuple(reason_labels.items()))
    html = _FILTER_FORMS.get(key)
    if html is None:
        if len(_FILTER_FORMS) >= _FILTER_FORMS_MAX:
            _FILTER_FORMS.clear()
        html = _FILTER_FORMS[key] = filterset.form.render()
    return html


# The bulk form's field groups (status, notify, assignee), rendered once per process for
# each language and list of assignable staff: the list page reads that list on every request
# anyway, and the groups' field templates cost ~2 ms a page. The form is never bound there.
_BULK_FIELDS: dict[tuple, str] = {}
_BULK_FIELDS_MAX = 64
BULK_GROUPS = (("status", "notify_customer"), ("assignee",))


@register.simple_tag
def bulk_field_groups(form, staff_key, index):
    """`{{ field.as_field_group }}` for the fields of BULK_GROUPS[index] of the returns
    list's unbound bulk form; `staff_key` names the assignable staff it lists."""
    names = BULK_GROUPS[index]
    if form.is_bound:
        return mark_safe("\n".join(form[name].as_field_group() for name in names))  # noqa: S308
    key = (translation.get_language(), staff_key, index)
    html = _BULK_FIELDS.get(key)
    if html is None:
        if len(_BULK_FIELDS) >= _BULK_FIELDS_MAX:
            _BULK_FIELDS.clear()
        html = _BULK_FIELDS[key] = mark_safe(  # noqa: S308 (Django's own field rendering)
            "\n".join(form[name].as_field_group() for name in names)
        )
    return html


def _received(row, text: str):
    """Under the item count, "received 1 of 3" once a line of the return was inspected."""
    if row.get("received_count") is None:
        return ""
    complete = row["received_count"] >= (row["item_count"] or 0)
    return format_html(
        '<br><span class="received{}">{}</span>',
        " received--complete" if complete else "",
        text % {"received": row["received_count"], "items": row["item_count"]},
    )


def waited(delta) -> str:
    """How long a return has waited, in the unit that matters for ageing: days from the
    first day on (never weeks or months: "16 days" reads as late, "2 weeks" hides it),
    else hours, else minutes."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds >= 86400:
        days = seconds // 86400
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if seconds >= 3600:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = seconds // 60
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


_ROW = (
    '<tr><td class="select-cell"><input type="checkbox" name="ids" value="{}" form="bulk" '
    'aria-label="{}"></td><td class="nowrap"><a href="{}">{}</a></td>'
    '<td class="nowrap"><a href="{}">{}</a></td>'
    '<td>{}<br><span class="muted">{}</span></td>'
    '<td><span class="badge badge--{}">{}</span></td><td>{}</td>'
    '<td class="num">{}{}</td><td>{}</td><td>{}</td><td class="nowrap">{}</td>'
    '<td class="nowrap"><time datetime="{}">{}</time></td></tr>'
)


# The date parts the shops' short formats use (returns_backoffice/formats, Django's nl, de
# and fr: "d-m-Y H:i" and the like), as dateformat.format writes them.
_DATE_PARTS = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}


@lru_cache(maxsize=32)
def _date_formatter(date_format: str):
    """A function writing `date_format` as dateformat.format does, built once: fifty
    rows of dateformat.format were a third of the rows' cost. A format with any other
    letter (or an escape) is left to dateformat.format."""
    if any((c.isalpha() and c not in _DATE_PARTS) or c == "\\" for c in date_format):
        return lambda value: dateformat.format(value, date_format)
    parts = [_DATE_PARTS.get(c, c) for c in date_format]
    return lambda value: "".join(p(value) if callable(p) else p for p in parts)


@register.simple_tag
def return_rows(returns, reason_labels):
    """The rows of the returns list, built in Python as Django's admin builds its changelist
    rows: fifty rows of eleven template variables each cost more than the page's queries.
    `returns` are values() rows (selectors.return_rows); reasons are named from
    `reason_labels` (selectors.reason_labels). Every value is escaped except the
    "received" note, which _received builds with format_html."""
    language = translation.get_language() or "en"
    labels = _labels(language)
    date = _date_formatter(formats.get_format("SHORT_DATETIME_FORMAT", lang=language))
    # Two reverse() calls per row cost more than the rest of the row: one per page will do.
    return_url = reverse("returns:detail", args=[0]).removesuffix("0/") + "{}/"
    order_url = reverse("orders:detail", args=["0"]).removesuffix("0/") + "{}/"
    received_text = gettext("received %(received)s of %(items)s")
    now = timezone.now()
    select = gettext("Select %(number)s")
    rows = []
    for row in returns:
        number = format_number(row["pk"])
        status = row["status"]
        reason = reason_labels.get(row["reason_id"], "") if row["reason_id"] else row["reason_text"]
        rows.append(
            _ROW.format(
                row["pk"],
                escape(select % {"number": number}),
                return_url.format(row["pk"]),
                number,
                escape(order_url.format(quote(row["order__number"], safe=""))),
                escape(row["order__number"]),
                escape(row["customer__name"]),
                escape(row["customer__user__email"]),
                escape(status),
                escape(labels.get(status, status)),
                escape(reason or ""),
                row["item_count"] if row["item_count"] is not None else "",
                _received(row, received_text),
                escape(labels.get(f"origin:{row['origin']}", row["origin"])),
                escape(row["assigned_to__full_name"] or row["assigned_to__email"] or ""),
                escape(date(timezone.localtime(row["created_at"]))),
                row["status_changed_at"].isoformat(),
                escape(waited(now - row["status_changed_at"])),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value above is escaped)


@register.simple_tag
def dashboard_chart(board, name: str):
    """One of the dashboard's charts as inline SVG (core.charts); the page shows the same
    numbers in a table under it."""
    if name == "by_day":
        return charts.column_chart(
            chart_id="chart-by-day",
            title=gettext("Returns and items per month")
            if board.monthly
            else gettext("Returns and items per day"),
            summary=gettext("%(returns)s returns with %(items)s items from %(start)s to %(end)s.")
            % {
                "returns": board.total_returns,
                "items": board.total_items,
                "start": formats.date_format(board.start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(board.end, "SHORT_DATE_FORMAT"),
            },
            items=[
                (formats.date_format(day, "M Y" if board.monthly else "j M"), returns, items)
                for day, _label, returns, items in board.by_day
            ],
            legend=(gettext("Returns"), gettext("Items")),
        )
    if name == "by_variant":
        items = [
            (
                label,
                returned,
                f"{returned} ({formats.number_format(rate, 1)}%)"
                if rate is not None
                else str(returned),
            )
            for label, returned, _sold, rate in board.by_variant
        ]
        title = gettext("Items returned per product variant")
    else:
        rows = board.by_reason if name == "by_reason" else board.by_origin
        items = [(label, count, str(count)) for label, count in rows]
        title = (
            gettext("Returns by reason") if name == "by_reason" else gettext("Returns by origin")
        )
    summary = "; ".join(f"{label}: {shown}" for label, _value, shown in items[:5])
    return charts.bar_chart(
        chart_id=f"chart-{name.replace('_', '-')}",
        title=title,
        summary=summary or gettext("No returns in this range."),
        items=items,
    )


@register.filter
def hours_as_days(hours: float) -> str:
    """A duration in hours as people say it: "3.5 days", or "5 hours" under a day."""
    if hours < 24:
        count = round(hours)
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    days = formats.number_format(round(hours / 24, 1), 1)
    return gettext("%(days)s days") % {"days": days}


@register.filter
def photos_of_kind(photos, kind: str) -> list:
    """The photos of one kind (customer, inspection), from a list already loaded."""
    return [photo for photo in photos or () if photo.kind == kind]
