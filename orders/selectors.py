import re

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.csv_export import keyset_rows

from .exceptions import OrderNotFound
from .models import Customer, ImportJob, Order, OrderLine


def order_list():
    """Backoffice orders, newest first, with what each row shows in one query."""
    return (
        Order.objects.select_related("customer__user")
        .annotate(line_count=Count("lines"))
        .order_by("-placed_at", "-pk")
    )


# An order number: a short prefix ("ORD-", "#", none), then its digits.
_NUMBER = re.compile(r"^(?P<prefix>\D{0,10})(?P<digits>\d{1,12})$")


def order_number_candidates(text: str) -> set[str]:
    """The order numbers `text` may mean, as the returns search reads return numbers: "42",
    "0000042", "#42" and "ord-42" all mean ORD-0000042. The shop's own prefix and width are
    read from its latest order, so that every candidate is an exact (indexed) match."""
    text = text.strip()
    candidates = {text, text.upper()}
    match = _NUMBER.match(text)
    if match is None:
        return candidates
    number = int(match["digits"])
    prefixes = {"", match["prefix"].upper()}
    latest = Order.objects.order_by("-pk").values_list("number", flat=True).first()
    shop = _NUMBER.match(latest or "")
    if shop is not None:
        prefixes.add(shop["prefix"])
    shortest = len(str(number))
    for prefix in prefixes:
        for width in range(shortest, 13):
            candidates.add(f"{prefix}{number:0{width}d}")
    return candidates


def search_orders(orders, search: str):
    """Orders by order number ("42", "0000042", "ORD-0000042": see
    `order_number_candidates`), or by their customer's name or e-mail. A text with a digit
    and no "@" names a number, never a customer: no substring scan over every customer."""
    search = search.strip()
    by_number = Q(number__in=order_number_candidates(search))
    if "@" not in search and any(char.isdigit() for char in search):
        return orders.filter(by_number)
    return orders.filter(by_number | Q(customer__in=customer_search(search).values("pk")))


def customer_search(search: str):
    """Customers whose name or e-mail contains `search`."""
    return Customer.objects.filter(Q(name__icontains=search) | Q(user__email__icontains=search))


def order_detail(*, number: str) -> Order:
    return _get_order(Order.objects.select_related("customer__user"), number=number)


def order_lines(order: Order):
    return OrderLine.objects.filter(order=order).select_related("variant__product").order_by("pk")


def customer_orders(customer: Customer):
    return (
        Order.objects.filter(customer=customer)
        .annotate(line_count=Count("lines"))
        .order_by("-placed_at", "-pk")
    )


def customer_order(*, customer: Customer, number: str) -> Order:
    """A customer's own order; any other number is OrderNotFound, the same as one that
    does not exist (a 404, never a 403: SPEC §1)."""
    return _get_order(Order.objects.filter(customer=customer), number=number)


def _get_order(queryset, *, number: str) -> Order:
    # No order number holds a NUL byte, and PostgreSQL refuses to even compare with one.
    if "\x00" in number:
        raise OrderNotFound
    try:
        return queryset.get(number=number)
    except Order.DoesNotExist:
        raise OrderNotFound from None


def order_export_header() -> list[str]:
    """The orders export's column names, in the reader's language."""
    return [
        _("Order number"),
        _("Customer"),
        _("E-mail"),
        _("Placed"),
        _("Status"),
        _("Shipped"),
        _("Lines"),
        _("Items"),
    ]


def order_export_lines(orders):
    """The cells of each order of `orders` (the list's filtered queryset) for the CSV
    export, in key-ordered chunks (core.csv_export.keyset_rows); labels looked up now, in
    the reader's language, as the rows are written while the response streams."""
    statuses = {code: str(label) for code, label in Order.Status.choices}
    lines = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(n=Count("pk"), items=Sum("quantity"))
    )
    rows = (
        orders.order_by()
        .annotate(
            line_total=Subquery(lines.values("n"), output_field=IntegerField()),
            item_total=Subquery(lines.values("items"), output_field=IntegerField()),
        )
        .values(
            "pk",
            "number",
            "customer__name",
            "customer__user__email",
            "placed_at",
            "status",
            "shipped_at",
            "line_total",
            "item_total",
        )
    )

    zone = timezone.get_current_timezone()

    def moment(value):
        # "2026-03-01 14:05" in the shop's time zone; isoformat is the fast way there.
        return value.astimezone(zone).isoformat(sep=" ", timespec="minutes")[:16] if value else ""

    def cells():
        for row in keyset_rows(rows):
            yield [
                row["number"],
                row["customer__name"],
                row["customer__user__email"],
                moment(row["placed_at"]),
                statuses.get(row["status"], row["status"]),
                moment(row["shipped_at"]),
                row["line_total"] or 0,
                row["item_total"] or 0,
            ]

    return cells()


def import_jobs():
    """The order imports, newest first, with who uploaded them."""
    return ImportJob.objects.select_related("created_by").order_by("-created_at", "-pk")
