"""Every read the returns pages need, with its joins, so each page runs a fixed number of
queries however much data there is."""

import operator
import uuid
from dataclasses import dataclass, field
from functools import reduce
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.query import ValuesIterable
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import ROLE_PERMISSIONS
from core.compiled import CompiledQuery, built_once
from core.csv_export import keyset_rows
from orders.models import Customer, Order, OrderLine
from orders.selectors import customer_search

from . import workflow
from .exceptions import CatalogEntryNotFound, PhotoNotFound, ReturnNotFound
from .models import (
    CatalogEntry,
    HistoryEntry,
    Return,
    ReturnCount,
    ReturnLine,
    ReturnPhoto,
    ReturnRequest,
    ReturnSettings,
    Status,
    format_number,
    parse_number,
)
from .workflow import Eligibility


def return_settings() -> ReturnSettings:
    """The saved settings, or the defaults while nobody has saved any. A read, never a
    write: every customer page asks, so it must cost one query and no transaction."""
    return ReturnSettings.objects.filter(pk=1).first() or ReturnSettings(pk=1)


def photo_required_reasons() -> set[int]:
    """The reasons (catalog entry ids) for which a customer's request needs a photo."""
    through = ReturnSettings.photo_required_reasons.through
    return set(
        through.objects.filter(returnsettings_id=1).values_list("catalogentry_id", flat=True)
    )


# --- May the customer return this order? (SPEC §5) -------------------------------------


def return_eligibility(
    order: Order, *, settings: ReturnSettings | None = None, lines=None
) -> Eligibility:
    """SPEC §5 for one order that is already known to be the customer's own (fetch it with
    orders.selectors.customer_order, which is OrderNotFound for anybody else's).

    The facts the rule (returns.workflow.decide_eligibility) decides on, read once: the
    Request return button, the request pages and the service (under the order's row lock,
    with `lines` it read under the lock) all ask here.
    """
    if lines is None:
        lines = OrderLine.objects.filter(order=order).only(
            "pk", "shipped_quantity", "returned_quantity"
        )
    return _eligibility(order, settings or return_settings(), _returnable(lines))


def _returnable(lines) -> dict[int, int]:
    """{order line id: how many can still be returned} for the lines with any left."""
    amounts = {
        line.pk: workflow.returnable(shipped=line.shipped_quantity, held=line.returned_quantity)
        for line in lines
    }
    return {pk: amount for pk, amount in amounts.items() if amount}


def return_eligibilities(orders, *, settings: ReturnSettings | None = None):
    """{order id: Eligibility} for a page of orders, in two queries however many there are
    (the settings and the returnable quantities of all their lines)."""
    orders = list(orders)
    settings = settings or return_settings()
    returnable: dict[int, dict[int, int]] = {order.pk: {} for order in orders}
    if settings.allow_returns and orders:
        rows = (
            OrderLine.objects.filter(
                order__in=[order.pk for order in orders if order.has_shipped],
                returned_quantity__lt=F("shipped_quantity"),
            )
            .annotate(left=F("shipped_quantity") - F("returned_quantity"))
            .values_list("order_id", "pk", "left")
        )
        for order_id, pk, left in rows:
            returnable[order_id][pk] = left
    return {order.pk: _eligibility(order, settings, returnable[order.pk]) for order in orders}


def _eligibility(order: Order, settings: ReturnSettings, returnable: dict[int, int]):
    return workflow.decide_eligibility(
        allow_returns=settings.allow_returns,
        order_status=order.status,
        shipped_on=timezone.localdate(order.shipped_at) if order.has_shipped else None,
        today=timezone.localdate(),
        window_days=settings.return_window_days,
        returnable=returnable,
    )


def staff_returnability(order: Order, *, lines=None) -> tuple[str, dict[int, int]]:
    """Whether staff can create a return for `order` (returns.workflow.order_refusal):
    ("", {order line id: how many can still be returned}) or (why not, {})."""
    if workflow.order_refusal(order_status=order.status, has_shipped=order.has_shipped):
        lines = []
    elif lines is None:
        lines = OrderLine.objects.filter(order=order).only(
            "pk", "shipped_quantity", "returned_quantity"
        )
    returnable = _returnable(lines)
    refusal = workflow.order_refusal(
        order_status=order.status, has_shipped=order.has_shipped, returnable=returnable
    )
    return refusal, ({} if refusal else returnable)


# --- Lists ------------------------------------------------------------------------------


def _item_count():
    """The number of items of each return, as a subquery (evaluated for the rows shown)."""
    items = (
        ReturnLine.objects.filter(rma=OuterRef("pk"))
        .order_by()
        .values("rma")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Subquery(items, output_field=IntegerField())


def _received_count():
    """How many items of each return have arrived, over its inspected lines; None while no
    line was inspected (the list then says nothing about receiving)."""
    received = (
        ReturnLine.objects.filter(rma=OuterRef("pk"), received_at__isnull=False)
        .order_by()
        .values("rma")
        .annotate(total=Sum("received_quantity"))
        .values("total")
    )
    return Subquery(received, output_field=IntegerField())


def return_list():
    """Returns with what a list row shows: order, customer, reason and the item count."""
    # Only the columns a row shows: building fifty rows of five models is a good part of
    # the page's time, and users' password hashes have no business in a list anyway.
    return (
        Return.objects.select_related("order", "customer__user", "reason")
        .only(
            "status",
            "origin",
            "reason_text",
            "created_at",
            "updated_at",
            "order__number",
            "customer__name",
            "customer__user__email",
            "reason__name",
            "reason__names",
        )
        .annotate(item_count=_item_count())
    )


# What a row of the backoffice's returns list shows, and the sort columns its cursor needs.
ROW_COLUMNS = (
    "pk",
    "status",
    "origin",
    "reason_id",
    "reason_text",
    "created_at",
    "updated_at",
    "status_changed_at",
    "order__number",
    "customer__name",
    "customer__user__email",
    "assigned_to__full_name",
    "assigned_to__email",
)


class ReturnRow(dict):
    """One row of the returns list: its values by column name, also as attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def number(self) -> str:
        return format_number(self["pk"])


class _ReturnRows(ValuesIterable):
    def __iter__(self):
        return map(ReturnRow, super().__iter__())


@built_once
def return_rows():
    """The returns list's rows as plain values (ReturnRow): exactly the columns a row shows,
    no model objects to build and no join to the catalog (see `reason_labels`). Built once
    per process: resolving the two subqueries cost about 1 ms a page."""
    rows = Return.objects.annotate(
        item_count=_item_count(), received_count=_received_count()
    ).values(*ROW_COLUMNS, "item_count", "received_count")
    rows._iterable_class = _ReturnRows
    return rows


EXPORT_COLUMNS = (
    "pk",
    "order__number",
    "customer__name",
    "customer__user__email",
    "status",
    "reason_id",
    "reason_text",
    "action_id",
    "action_text",
    "origin",
    "assigned_to__full_name",
    "assigned_to__email",
    "created_at",
    "status_changed_at",
    "updated_at",
)


def export_header() -> list[str]:
    """The export's column names, in the reader's language."""
    return [
        _("Return"),
        _("Order"),
        _("Customer"),
        _("E-mail"),
        _("Status"),
        _("Return reason"),
        _("Return action"),
        _("Items"),
        _("Origin"),
        _("Assigned to"),
        _("Created"),
        _("Waiting since"),
        _("Last changed"),
    ]


def export_lines(returns):
    """The cells of each return of `returns` (the list's filtered queryset) for the CSV
    export, read in key-ordered chunks (core.csv_export.keyset_rows). Every label is looked
    up now, in the reader's language: the rows are written later, while the response
    streams."""
    labels = catalog_labels()
    statuses = {code: str(label) for code, label in Status.choices}
    origins = {code: str(label) for code, label in Return.Origin.choices}
    rows = returns.annotate(item_count=_item_count()).values(*EXPORT_COLUMNS, "item_count")

    zone = timezone.get_current_timezone()

    def moment(value):
        # "2026-03-01 14:05" in the shop's time zone; isoformat is the fast way there.
        return value.astimezone(zone).isoformat(sep=" ", timespec="minutes")[:16]

    def lines():
        for row in keyset_rows(rows):
            yield [
                format_number(row["pk"]),
                row["order__number"],
                row["customer__name"],
                row["customer__user__email"],
                statuses.get(row["status"], row["status"]),
                labels.get(row["reason_id"], "") if row["reason_id"] else row["reason_text"],
                labels.get(row["action_id"], "") if row["action_id"] else row["action_text"],
                row["item_count"] or 0,
                origins.get(row["origin"], row["origin"]),
                row["assigned_to__full_name"] or row["assigned_to__email"] or "",
                moment(row["created_at"]),
                moment(row["status_changed_at"]),
                moment(row["updated_at"]),
            ]

    return lines()


def catalog_labels() -> dict[int, str]:
    """{catalog entry id: its name in the reader's language}, reasons and actions."""
    language = translation.get_language()
    return {
        pk: (names or {}).get(language) or name
        for pk, name, names in CatalogEntry.objects.values_list("pk", "name", "names")
    }


def reason_labels() -> dict[int, str]:
    """{catalog reason id: its name in the reader's language}, in the order the list's
    reason filter offers them."""
    language = translation.get_language()
    return {
        pk: (names or {}).get(language) or name
        for pk, name, names in CatalogEntry.objects.filter(kind=CatalogEntry.Kind.REASON)
        .order_by("position", "name")
        .values_list("pk", "name", "names")
    }


# A name search that matches more customers than this looks at the first ones only.
SEARCH_CUSTOMERS = 500


def search_returns(returns, text: str):
    """By return number, order number, customer e-mail (the whole address) or customer name
    (text without digits).

    What the text names is looked up first (an indexed equality for numbers and e-mail
    addresses, a substring for names), so that the returns themselves are filtered by their
    own indexed columns: the list stays fast on a million returns."""
    text = text.strip()
    conditions = []
    pk = parse_number(text)
    if pk is not None:
        conditions.append(Q(pk=pk))
    customers = None
    if "@" in text:
        customers = Customer.objects.filter(user__email=text.lower())
    elif any(char.isdigit() for char in text):
        # A number (return or order), never a name: no substring search over every customer.
        if " " not in text:
            numbers = {text, text.upper()}
            order_ids = list(
                Order.objects.filter(number__in=numbers).values_list("pk", flat=True)[:1]
            )
            if order_ids:
                conditions.append(Q(order_id__in=order_ids))
    else:
        customers = customer_search(text)
    if customers is not None:
        customer_ids = list(customers.order_by().values_list("pk", flat=True)[:SEARCH_CUSTOMERS])
        if customer_ids:
            conditions.append(Q(customer_id__in=customer_ids))
    if not conditions:
        return returns.none()
    return returns.filter(reduce(operator.or_, conditions))


# Counting a filtered list stops after this many rows ("10,000+").
COUNT_CAP = 10_000


@dataclass
class StatusCounts:
    counts: dict[str, int]
    exact: bool = True
    cap: int = 0

    @property
    def total(self) -> int:
        """All of them; for a capped count, the cap (shown as "more than")."""
        return sum(self.counts.values()) if self.exact else self.cap


def status_counts(*, reason: CatalogEntry | None = None) -> StatusCounts:
    """Per-status counts of all returns, or of those with one catalog reason, read from the
    counts the services keep (ReturnCount): a handful of rows, whatever the data size."""
    rows = ReturnCount.objects.all()
    if reason is not None:
        rows = rows.filter(reason_key=reason.pk)
    counts = dict.fromkeys(Status.values, 0)
    for status, count in rows.values_list("status", "count"):
        counts[status] = counts.get(status, 0) + count
    return StatusCounts(counts)


def status_counts_of(returns, *, cap: int | None = None) -> StatusCounts:
    """Per-status counts of a filtered set, counting at most `cap` rows; `exact` is False
    when the set is larger (the page then says "10,000+")."""
    cap = COUNT_CAP if cap is None else cap
    counts = dict.fromkeys(Status.values, 0)
    try:
        sql, params = returns.order_by().values_list("status")[: cap + 1].query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (returns.none())
        return StatusCounts(counts, cap=cap)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, COUNT(*) FROM ({sql}) AS capped GROUP BY status", params)  # noqa: S608
        for status, count in cursor.fetchall():
            counts[status] = count
    return StatusCounts(counts, exact=sum(counts.values()) <= cap, cap=cap)


def order_returns(order: Order):
    return return_list().filter(order=order).order_by("-created_at", "-pk")


# --- One return ---------------------------------------------------------------------------


# What the return page shows of a return besides its own columns.
_DETAIL_RELATED = (
    "order",
    "customer__user",
    "reason",
    "action",
    "created_by",
    "assigned_to",
    "request__reason",
    "request__action",
)
_LINE_RELATED = "order_line__variant__product"


def return_detail(*, pk) -> Return:
    """One return with what its page shows; `has_photos` says whether return_photos has
    anything to read (most returns have none: the page then spares that query)."""
    try:
        return (
            Return.objects.annotate(
                has_photos=Exists(ReturnPhoto.objects.filter(rma=OuterRef("pk")))
            )
            .select_related(*_DETAIL_RELATED)
            .get(pk=pk)
        )
    except (Return.DoesNotExist, ValueError):
        raise ReturnNotFound from None


def slip_returns(ids) -> tuple[list[Return], list[tuple[str, str]]]:
    """The returns among `ids` whose slips can be printed, in key order, each read as
    return_detail reads it, and the others with why not ([(return number, reason)]): one
    that does not exist, and one that is finished (no parcel is on its way any more)."""
    ids = sorted({int(pk) for pk in ids})
    found = {
        rma.pk: rma
        for rma in Return.objects.select_related(
            "order", "customer__user", "reason", "action", "request__reason", "request__action"
        ).filter(pk__in=ids)
    }
    printable, refused = [], []
    for pk in ids:
        rma = found.get(pk)
        if rma is None:
            refused.append((format_number(pk), _("There is no such return.")))
        elif workflow.is_final(rma.status):
            refused.append(
                (
                    rma.number,
                    _("It is “%(status)s”: no parcel is on its way any more.")
                    % {"status": Status(rma.status).label},
                )
            )
        else:
            printable.append(rma)
    return printable, refused


def return_lines(rma: Return) -> list[ReturnLine]:
    return list(ReturnLine.objects.filter(rma=rma).select_related(_LINE_RELATED).order_by("pk"))


# Built once per process (core.compiled): the page's biggest lookup, on every request.
_DETAIL_WITH_LINES = CompiledQuery(
    lambda rma_id: (
        ReturnLine.objects.filter(rma_id=rma_id)
        .annotate(rma_has_photos=Exists(ReturnPhoto.objects.filter(rma=OuterRef("rma_id"))))
        .select_related(_LINE_RELATED, *(f"rma__{name}" for name in _DETAIL_RELATED))
        .order_by("pk")
    )
)


def return_detail_with_lines(*, pk) -> tuple[Return, list[ReturnLine]]:
    """`return_detail` and `return_lines` in one query (the return page reads both on
    every request, and its Save once more under the lock): the lines, each joined with the
    return and what the page shows of it. A return always has lines; one without is read
    the two-query way."""
    try:
        rma_id = int(pk)
    except (TypeError, ValueError):
        raise ReturnNotFound from None
    if not -(2**63) <= rma_id < 2**63:
        raise ReturnNotFound
    lines = _DETAIL_WITH_LINES.run(rma_id=rma_id)
    if not lines:
        rma = return_detail(pk=pk)
        return rma, return_lines(rma)
    rma = lines[0].rma
    rma.has_photos = lines[0].rma_has_photos  # as return_detail annotates it
    for line in lines[1:]:
        line.rma = rma  # one return object, as return_lines(rma) would give
    return rma, lines


_HISTORY = CompiledQuery(
    lambda rma_id: (
        HistoryEntry.objects.filter(rma_id=rma_id)
        .select_related("actor", "note")
        .order_by("-created_at", "-pk")
    )
)
_CUSTOMER_HISTORY = CompiledQuery(
    lambda rma_id: HistoryEntry.objects.filter(
        rma_id=rma_id, kind__in=workflow.CUSTOMER_HISTORY_KINDS
    ).order_by("-created_at", "-pk")
)


def return_history(rma: Return, *, for_customer: bool = False) -> list[HistoryEntry]:
    """The return's history, newest first, with who did it and the notes' text. For the
    customer only what returns.workflow.CUSTOMER_HISTORY_KINDS allows (the status story)."""
    return (_CUSTOMER_HISTORY if for_customer else _HISTORY).run(rma_id=rma.pk)


# --- Assignment ---------------------------------------------------------------------------

ASSIGN_PERMISSION = "returns.change_return"


@built_once
def assignable_staff():
    """The backoffice users a return can be assigned to: active, with a role that may
    change returns (accounts.roles: Staff, Admin) or superusers, by name. Read by role
    name, not through the permission tables, which every page reads once per process."""
    roles = [name for name, codes in ROLE_PERMISSIONS.items() if ASSIGN_PERMISSION in codes]
    users = get_user_model().objects
    # Both sides from an index (group membership; the superusers' partial index), so the
    # many customer logins are never scanned: a join with OR over them cost ~50 ms at 200k.
    members = users.model.groups.through.objects.filter(group__name__in=roles).values("user_id")
    superusers = users.filter(is_superuser=True).values("pk")
    return (
        users.filter(is_active=True, pk__in=members.union(superusers))
        .only("pk", "full_name", "email")
        .order_by("full_name", "email")
    )


def can_be_assigned(user) -> bool:
    return assignable_staff().filter(pk=user.pk).exists()


# --- Catalog ------------------------------------------------------------------------------


def catalog_entries(*, kind: str | None = None):
    entries = CatalogEntry.objects.order_by("kind", "position", "name", "pk")
    return entries.filter(kind=kind) if kind else entries


def catalog_entry(*, pk) -> CatalogEntry:
    try:
        return CatalogEntry.objects.get(pk=pk)
    except (CatalogEntry.DoesNotExist, ValueError):
        raise CatalogEntryNotFound from None


def catalog_for_form(*keep: CatalogEntry | None) -> list[CatalogEntry]:
    """Active reasons and actions in one query, plus inactive entries a return still uses
    (so editing that return keeps its reason)."""
    keep_ids = [entry.pk for entry in keep if entry is not None]
    return list(catalog_entries().filter(Q(active=True) | Q(pk__in=keep_ids)))


def catalog_with_usage():
    """All entries, each with `in_use`: whether any return or customer's request uses it
    (an indexed EXISTS per entry, cheap however many returns there are)."""
    return catalog_entries().annotate(
        in_use=Exists(Return.objects.filter(reason=OuterRef("pk")))
        | Exists(Return.objects.filter(action=OuterRef("pk")))
        | Exists(ReturnRequest.objects.filter(reason=OuterRef("pk")))
        | Exists(ReturnRequest.objects.filter(action=OuterRef("pk")))
    )


def returnable_lines(order: Order) -> list[OrderLine]:
    return list(
        OrderLine.objects.filter(order=order).select_related("variant__product").order_by("pk")
    )


# --- The customer's side ------------------------------------------------------------------


def customer_returns(customer: Customer):
    """My returns: the customer's returns (also those staff created for them), newest
    first, with their order and item count in the same query."""
    return (
        Return.objects.filter(customer=customer)
        .select_related("order")
        .only("status", "created_at", "order__number")
        .annotate(item_count=_item_count())
        .order_by("-created_at", "-pk")
    )


def customer_order_returns(*, customer: Customer, order: Order):
    return customer_returns(customer).filter(order=order)


def customer_return(*, customer: Customer, pk) -> Return:
    """One of the customer's own returns; any other id is ReturnNotFound, the same as one
    that does not exist (a 404, SPEC §1)."""
    try:
        return Return.objects.select_related(
            "order", "reason", "action", "request__reason", "request__action"
        ).get(pk=pk, customer=customer)
    except (Return.DoesNotExist, ValueError):
        raise ReturnNotFound from None


@dataclass
class CustomerView:
    """A return as its customer may see it (SPEC §11): what they asked for, unchanged by
    staff's edits, or, for a return the shop created for them, its lines and the catalog
    entries shown to customers. Never text staff typed. `lines`: [(order line, quantity)]."""

    requested: bool
    lines: list
    reason: str = ""
    action: str = ""
    comment: str = ""
    requested_at: object = None


def _requested_lines(request: ReturnRequest, lines: list[ReturnLine]) -> list:
    order_lines = {line.order_line_id: line.order_line for line in lines}
    missing = [pk for pk in request.quantities if pk not in order_lines]
    if missing:
        order_lines.update(OrderLine.objects.in_bulk(missing))
    return [(order_lines[pk], quantity) for pk, quantity in request.quantities.items()]


def request_view(rma: Return, lines: list[ReturnLine]) -> CustomerView | None:
    """The customer's request as staff read it, apart from staff's working fields: every
    entry, in the reader's language. None for a return staff created."""
    request = getattr(rma, "request", None)
    if request is None:
        return None
    return CustomerView(
        requested=True,
        lines=_requested_lines(request, lines),
        reason=request.reason.label if request.reason else request.reason_text,
        action=request.action.label if request.action else request.action_text,
        comment=request.comment,
        requested_at=request.created_at,
    )


def customer_view(rma: Return, lines: list[ReturnLine]) -> CustomerView:
    """`rma` from customer_return, `lines` its return_lines."""
    request = getattr(rma, "request", None) if rma.origin == Return.Origin.CUSTOMER else None
    if request is None:
        return CustomerView(
            requested=False,
            lines=[(line.order_line, line.quantity) for line in lines],
            reason=workflow.customer_choice(rma.reason, rma.reason_text, theirs=False),
            action=workflow.customer_choice(rma.action, rma.action_text, theirs=False),
        )
    return CustomerView(
        requested=True,
        lines=_requested_lines(request, lines),
        reason=workflow.customer_choice(request.reason, request.reason_text, theirs=True),
        action=workflow.customer_choice(request.action, request.action_text, theirs=True),
        comment=request.comment,
        requested_at=request.created_at,
    )


def requested_return(*, customer: Customer, token) -> Return | None:
    """The return a request form with this one-time token already created, if any."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return Return.objects.filter(customer=customer, request_token=token).first()


def customer_catalog() -> list[CatalogEntry]:
    """The reasons and actions a customer may choose: active and visible to customers."""
    return list(catalog_entries().filter(active=True, visible_to_customers=True))


# --- Receiving: from what a scanner typed to the return ------------------------------------


@dataclass
class ReceiveMatches:
    """What a scanned or typed code names: `rma` when it is exactly one return to open,
    else `returns` (possibly none) to choose from."""

    code: str
    rma: Return | None = None
    returns: list = field(default_factory=list)


def code_from_scan(text: str) -> str:
    """The code in what a scanner typed: the slip's QR code holds the Receive address with
    ?code=RET-…; a Code 128 barcode or a person types the code itself."""
    # Scanners send control characters (a prefix, a NUL) that nobody means and
    # PostgreSQL refuses in a query: only printable characters count.
    text = "".join(char for char in text if char.isprintable()).strip()
    parts = urlsplit(text)
    if parts.scheme in ("http", "https"):
        return (parse_qs(parts.query).get("code") or [""])[0].strip()
    return text


def receive_matches(text: str) -> ReceiveMatches:
    """The return a scanned code opens: a return number (RET-000123, or its digits), a QR
    payload (the slip's Receive address), or an order number with exactly one open return.
    Anything else lists what it matches: the order's returns, open ones first, and a return
    whose number the digits also are. Two indexed lookups, whatever the size of the shop."""
    code = code_from_scan(text)[:64]
    if not code:
        return ReceiveMatches(code=code)
    by_number = []
    pk = parse_number(code)
    if pk is not None:
        by_number = list(return_list().filter(pk=pk))
        if by_number and code.upper().startswith("RET"):
            # Written as a return number: nothing else can be meant.
            return ReceiveMatches(code=code, rma=by_number[0])
    order_returns_found = list(
        return_list()
        .filter(order__number__in={code, code.upper()})
        .order_by("-created_at", "-pk")[:RECEIVE_MATCHES]
    )
    open_returns = [rma for rma in order_returns_found if not workflow.is_final(rma.status)]
    if by_number and not order_returns_found:
        return ReceiveMatches(code=code, rma=by_number[0])
    if not by_number and len(open_returns) == 1:
        return ReceiveMatches(code=code, rma=open_returns[0])
    closed = [rma for rma in order_returns_found if workflow.is_final(rma.status)]
    found = {rma.pk: rma for rma in [*by_number, *open_returns, *closed]}
    return ReceiveMatches(code=code, returns=list(found.values()))


# An order has a handful of returns; the list shows at most this many.
RECEIVE_MATCHES = 50


# --- Photos -------------------------------------------------------------------------------


def return_photos(rma: Return, *, for_customer: bool = False) -> list[ReturnPhoto]:
    """The return's photos, oldest first. The customer sees only the photos they sent with
    their request: inspection photos are the shop's (SPEC §11)."""
    if getattr(rma, "has_photos", True) is False:
        return []
    photos = ReturnPhoto.objects.filter(rma=rma).select_related("line__order_line", "uploaded_by")
    if for_customer:
        photos = photos.filter(kind=ReturnPhoto.Kind.CUSTOMER).select_related(None)
    return list(photos.order_by("pk"))


def return_photo(*, rma_pk, pk) -> ReturnPhoto:
    """A photo of this return, for staff."""
    try:
        return ReturnPhoto.objects.only("file", "thumbnail", "rma_id").get(pk=pk, rma_id=rma_pk)
    except (ReturnPhoto.DoesNotExist, ValueError):
        raise PhotoNotFound from None


def customer_photo(*, customer: Customer, rma_pk, pk) -> ReturnPhoto:
    """A photo the customer sent with one of their own requests; anything else (another
    customer's, an inspection photo, an id that does not exist) is PhotoNotFound, a 404."""
    try:
        return ReturnPhoto.objects.only("file", "thumbnail", "rma_id").get(
            pk=pk, rma_id=rma_pk, rma__customer=customer, kind=ReturnPhoto.Kind.CUSTOMER
        )
    except (ReturnPhoto.DoesNotExist, ValueError):
        raise PhotoNotFound from None
