"""Every read the returns pages need, with its joins, so each page runs a fixed number of
queries however much data there is."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.http import Http404

from orders.models import Order, OrderLine
from orders.selectors import customer_search

from .models import (
    CatalogEntry,
    Return,
    ReturnEvent,
    ReturnLine,
    ReturnSettings,
    Status,
    parse_number,
)


def return_settings() -> ReturnSettings:
    return ReturnSettings.objects.get_or_create(pk=1)[0]


# --- Lists ------------------------------------------------------------------------------


def return_list():
    """Returns with what a list row shows: order, customer, reason and the item count."""
    items = (
        ReturnLine.objects.filter(rma=OuterRef("pk"))
        .order_by()
        .values("rma")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Return.objects.select_related("order", "customer__user", "reason").annotate(
        item_count=Subquery(items, output_field=IntegerField())
    )


def search_returns(returns, text: str):
    """By return number, order number, or customer name or e-mail."""
    text = text.strip()
    condition = Q(order__in=Order.objects.filter(number__iexact=text).values("pk")) | Q(
        customer__in=customer_search(text).values("pk")
    )
    pk = parse_number(text)
    if pk is not None:
        condition |= Q(pk=pk)
    return returns.filter(condition)


def status_counts(returns) -> dict[str, int]:
    """{status: count} over `returns` (already filtered, but not by status)."""
    counts = dict.fromkeys(Status.values, 0)
    for row in returns.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def order_returns(order: Order):
    return return_list().filter(order=order).order_by("-created_at", "-pk")


# --- One return ---------------------------------------------------------------------------


def return_detail(*, pk) -> Return:
    try:
        return Return.objects.select_related(
            "order", "customer__user", "reason", "action", "created_by"
        ).get(pk=pk)
    except (Return.DoesNotExist, ValueError):
        raise Http404 from None


def return_lines(rma: Return) -> list[ReturnLine]:
    return list(
        ReturnLine.objects.filter(rma=rma)
        .select_related("order_line__variant__product")
        .order_by("pk")
    )


def return_timeline(rma: Return, *, for_customer: bool = False):
    """The return's history, newest first, with who did it and the notes' text.
    Customers see status changes only: never staff notes, stock or e-mail details."""
    events = ReturnEvent.objects.filter(rma=rma).select_related("actor", "note")
    if for_customer:
        events = events.filter(
            kind__in=[
                ReturnEvent.Kind.CREATED,
                ReturnEvent.Kind.STATUS_CHANGED,
                ReturnEvent.Kind.REOPENED,
            ]
        ).select_related(None)
    return events.order_by("-created_at", "-pk")


# --- Catalog ------------------------------------------------------------------------------


def catalog_entries(*, kind: str | None = None):
    entries = CatalogEntry.objects.order_by("kind", "position", "name", "pk")
    return entries.filter(kind=kind) if kind else entries


def catalog_for_form(*keep: CatalogEntry | None) -> list[CatalogEntry]:
    """Active reasons and actions in one query, plus inactive entries a return still uses
    (so editing that return keeps its reason)."""
    keep_ids = [entry.pk for entry in keep if entry is not None]
    return list(catalog_entries().filter(Q(active=True) | Q(pk__in=keep_ids)))


def catalog_with_usage():
    """All entries, each with `in_use`: whether any return uses it (an indexed EXISTS per
    entry, cheap however many returns there are)."""
    return catalog_entries().annotate(
        in_use=Exists(Return.objects.filter(reason=OuterRef("pk")))
        | Exists(Return.objects.filter(action=OuterRef("pk")))
    )


def returnable_lines(order: Order) -> list[OrderLine]:
    return list(
        OrderLine.objects.filter(order=order).select_related("variant__product").order_by("pk")
    )
