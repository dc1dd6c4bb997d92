"""Orders from a CSV file: Settings > Import orders and `manage.py import_orders`.

The format (README, "Importing orders"; the page offers an example file): UTF-8, with or
without a byte-order mark, comma- or semicolon-separated, a header row naming the columns
(in any order), then one row per order line. The rows of one order follow each other and
repeat the order's fields (number, dates, customer, currency, status) identically.

    order_number, placed_at, shipped_at, customer_email, customer_name,
    customer_language, sku, title, quantity, unit_price, currency
    optional: shipped_quantity, status

How it runs, and what it guarantees:
- Streamed: the file is read row by row through the csv module, twice (check, then write);
  memory holds one batch of orders plus the set of order numbers, customers and SKUs seen.
- Checked first, written after: a file with any invalid row writes nothing; every problem
  is listed with its line number (the first ERRORS_KEPT of them, and how many in all).
- Written only through `orders.services.order_upsert`, one order at a time inside one
  transaction per batch of BATCH_SIZE orders, so every rule of the API holds: a quantity
  never drops below what returns or credit invoices hold, a customer with returns stays,
  and the same file again writes nothing. An order the rules refuse is skipped and listed
  with its line; the others of its batch are written.
- The preview is the import itself, rolled back batch by batch: what it counts is what
  the import would do, by the same code.
"""

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import cluster_lock

from .exceptions import OrderError
from .models import ImportJob, Order
from .services import UpsertReport, order_upsert

normalize_email = User.objects.normalize_email  # as logins are found
BATCH_SIZE = 500
ERRORS_KEPT = 200
MAX_FILE_BYTES = 200 * 1024 * 1024
INT_MAX = 2_147_483_647
# The csv module refuses a cell longer than its field limit with an error that ends the
# reading. Ours is far above any column's own limit, so a long cell (a pasted 1 MB text)
# is reported as too long for its column and the rest of the file is still checked; only
# a cell beyond this (a file that is not CSV at all) stops the reading, as an error.
CSV_FIELD_LIMIT = 8 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
NUMBER = re.compile(r"^[A-Za-z0-9#._/-]{1,32}$")
# Characters no text column takes (PostgreSQL refuses NUL outright); tabs and line breaks
# inside a quoted cell are text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PRICE = re.compile(r"^\d{1,8}(?:[.,](\d+))?$")
# ISO 4217 minor units other than 2; the prices are kept in cents, so never more than 2.
ZERO_DECIMAL = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
CURRENCY_EXPONENTS = dict.fromkeys(ZERO_DECIMAL.split(" "), 0)

REQUIRED = [
    "order_number",
    "placed_at",
    "shipped_at",
    "customer_email",
    "customer_name",
    "customer_language",
    "sku",
    "title",
    "quantity",
    "unit_price",
    "currency",
]
OPTIONAL = ["shipped_quantity", "status"]
# The longest text each column takes (the model's limits).
MAX_LENGTH = {
    "order_number": 32,
    "placed_at": 40,
    "shipped_at": 40,
    "customer_email": 254,
    "customer_name": 200,
    "customer_language": 8,
    "sku": 64,
    "title": 300,
    "quantity": 12,
    "unit_price": 20,
    "currency": 3,
    "shipped_quantity": 12,
    "status": 16,
}
TEXT_COLUMNS = {"order_number", "customer_email", "customer_name", "sku", "title"}
ORDER_COLUMNS = [
    "placed_at",
    "shipped_at",
    "customer_email",
    "customer_name",
    "customer_language",
    "currency",
    "status",
]

EXAMPLE_ROWS = [
    REQUIRED + OPTIONAL,
    [
        "1001",
        "2026-03-02 10:15",
        "2026-03-03",
        "anna@example.com",
        "Anna de Vries",
        "nl",
        "TS-BLUE-M",
        "T-shirt blue, M",
        "2",
        "19.95",
        "EUR",
        "2",
        "",
    ],
    [
        "1001",
        "2026-03-02 10:15",
        "2026-03-03",
        "anna@example.com",
        "Anna de Vries",
        "nl",
        "SOCKS-3",
        "Socks, 3 pairs",
        "1",
        "9.50",
        "EUR",
        "1",
        "",
    ],
    [
        "1002",
        "2026-03-04T16:40:00+01:00",
        "",
        "ben@example.org",
        "Ben Müller",
        "de",
        "JEANS-32",
        "Jeans 32/32",
        "1",
        "79.00",
        "EUR",
        "",
        "paid",
    ],
]


def example_csv() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(EXAMPLE_ROWS)
    return buffer.getvalue()


# --- Reading and checking ----------------------------------------------------------------


class Errors:
    """The problems found, each with its line: the first `kept` of them, and how many."""

    def __init__(self, kept: int = ERRORS_KEPT):
        self.kept = kept
        self.items: list[list] = []
        self.count = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if len(self.items) < self.kept:
            self.items.append([line, str(message)])

    def __bool__(self):
        return bool(self.count)


@dataclass
class ParsedOrder:
    line: int
    number: str
    customer: dict
    status: str
    placed_at: datetime
    shipped_at: datetime | None
    currency: str
    lines: list[dict] = field(default_factory=list)
    line_of_sku: dict[str, int] = field(default_factory=dict)


class FileUnreadable(Exception):
    """The reading cannot go on (not UTF-8, not CSV, no usable header)."""


def _rows(binary) -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, cells) of a binary file, streamed."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    line = 0

    def lines():
        # A spreadsheet program set to a comma decimal separator writes semicolons.
        yield first
        yield from text

    first = ""
    source = lines()
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(source, delimiter=delimiter, strict=False)
        previous = 0
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            yield line, cells
    except UnicodeDecodeError:
        raise FileUnreadable(
            _("Line %(line)s: the file is not UTF-8 text. Save it as CSV UTF-8.")
            % {"line": line + 1}
        ) from None
    except csv.Error:
        raise FileUnreadable(
            _("Line %(line)s: a cell is far too long or the file is not CSV; reading stopped.")
            % {"line": line + 1}
        ) from None
    finally:
        source.close()


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip().lower().replace(" ", "_") for cell in cells]
    missing = [name for name in REQUIRED if name not in names]
    unknown = [name for name in names if name not in REQUIRED + OPTIONAL]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(
            _("unknown column(s): %(names)s") % {"names": ", ".join(n or '""' for n in unknown)}
        )
    if repeated:
        problems.append(_("repeated column(s): %(names)s") % {"names": ", ".join(repeated)})
    if problems:
        raise FileUnreadable(
            _("Line 1 (the header): %(problems)s. The columns are: %(columns)s.")
            % {"problems": "; ".join(problems), "columns": ", ".join(REQUIRED + OPTIONAL)}
        )
    return names


def _moment(value: str, column: str, problems: list) -> datetime | None:
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        problems.append(
            _("%(column)s “%(value)s” is not a date (write 2026-03-02 or 2026-03-02 10:15).")
            % {"column": column, "value": value}
        )
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # In UTC: a local time in a daylight-saving gap or fold never compares equal to the
    # value read back from the database (PEP 495), so the same file again would "change"
    # those orders.
    moment = moment.astimezone(UTC)
    if not EARLIEST <= moment < LATEST:
        problems.append(_("%(column)s must lie between 1900 and 9000.") % {"column": column})
        return None
    return moment


def _count(value: str, column: str, problems: list, *, least: int) -> int | None:
    if not re.fullmatch(r"[+-]?\d+", value):
        problems.append(
            _("%(column)s “%(value)s” is not a whole number.") % {"column": column, "value": value}
        )
        return None
    number = int(value)
    if number < least:
        problems.append(
            _("%(column)s must be at least %(least)s, not %(value)s.")
            % {"column": column, "least": least, "value": value}
        )
        return None
    if number > INT_MAX:
        problems.append(_("%(column)s is too large.") % {"column": column})
        return None
    return number


def _check_row(cells: dict, problems: list) -> dict | None:
    """The row's values, converted; problems are appended in words, None if any."""
    for column, value in cells.items():
        if CONTROL.search(value):
            problems.append(
                _("%(column)s holds a control character (such as NUL).") % {"column": column}
            )
            cells[column] = ""
        elif len(value) > MAX_LENGTH[column]:
            problems.append(
                _("%(column)s is longer than %(max)s characters.")
                % {"column": column, "max": MAX_LENGTH[column]}
            )
            cells[column] = ""  # checked no further
        elif column in TEXT_COLUMNS and value.startswith(FORMULA_START):
            problems.append(
                _(
                    "%(column)s starts with “%(start)s”, which spreadsheet programs run as a "
                    "formula; such cells are refused."
                )
                % {"column": column, "start": value[0].strip() or _("a tab")}
            )
            cells[column] = ""
    if problems:
        return None
    for column in ["order_number", "placed_at", "customer_email", "customer_name", "sku"]:
        if not cells[column]:
            problems.append(_("%(column)s is empty.") % {"column": column})
    for column in ["title", "quantity", "unit_price", "currency"]:
        if not cells[column]:
            problems.append(_("%(column)s is empty.") % {"column": column})
    if problems:
        return None
    values = {}
    if not NUMBER.match(cells["order_number"]):
        problems.append(_("order_number may hold only letters, digits and # . _ / - (at most 32)."))
    try:
        validate_email(cells["customer_email"])
    except ValidationError:
        problems.append(
            _("customer_email “%(value)s” is not an e-mail address.")
            % {"value": cells["customer_email"]}
        )
    language = cells["customer_language"].lower()
    if language and language not in dict(settings.LANGUAGES):
        problems.append(
            _("customer_language “%(value)s” is not one of %(choices)s.")
            % {"value": cells["customer_language"], "choices": ", ".join(dict(settings.LANGUAGES))}
        )
    values["language"] = language or None
    currency = cells["currency"].upper()
    known = re.fullmatch(r"[A-Z]{3}", currency) and pycountry.currencies.get(alpha_3=currency)
    if not known:
        problems.append(
            _("currency “%(value)s” is not an ISO 4217 currency code such as EUR.")
            % {"value": cells["currency"]}
        )
    values["currency"] = currency
    status = cells.get("status", "").lower()
    if status and status not in Order.Status.values:
        problems.append(
            _("status “%(value)s” is not one of %(choices)s.")
            % {"value": cells["status"], "choices": ", ".join(Order.Status.values)}
        )
    values["status"] = status
    values["placed_at"] = _moment(cells["placed_at"], "placed_at", problems)
    values["shipped_at"] = (
        _moment(cells["shipped_at"], "shipped_at", problems) if cells["shipped_at"] else None
    )
    if values["placed_at"] and values["shipped_at"] and values["shipped_at"] < values["placed_at"]:
        problems.append(_("shipped_at lies before placed_at."))
    values["quantity"] = _count(cells["quantity"], "quantity", problems, least=1)
    shipped = cells.get("shipped_quantity", "")
    if shipped:
        values["shipped_quantity"] = _count(shipped, "shipped_quantity", problems, least=0)
        if None not in (values["shipped_quantity"], values["quantity"]) and (
            values["shipped_quantity"] > values["quantity"]
        ):
            problems.append(_("shipped_quantity is more than quantity."))
    else:
        # Not given: all of it left when the order shipped, none before.
        values["shipped_quantity"] = values["quantity"] if values["shipped_at"] else 0
    price = PRICE.match(cells["unit_price"])
    places = min(2, CURRENCY_EXPONENTS.get(currency, 2))
    if price is None:
        problems.append(
            _("unit_price “%(value)s” is not an amount such as 19.95.")
            % {"value": cells["unit_price"]}
        )
    elif price.group(1) and len(price.group(1)) > places:
        problems.append(
            _("unit_price “%(value)s” has more than %(places)s decimals for %(currency)s.")
            % {"value": cells["unit_price"], "places": places, "currency": currency}
        )
    else:
        try:
            values["unit_price"] = Decimal(cells["unit_price"].replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            problems.append(_("unit_price is not an amount."))
    return None if problems else values


def read_orders(binary, errors: Errors) -> Iterator[ParsedOrder]:
    """The valid orders of a CSV file, one at a time as their rows end; every problem goes
    to `errors` with its line. An order with any bad row is not yielded. Reading stops
    (with an error) only where it cannot go on: no usable header, not UTF-8, not CSV."""
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, CSV_FIELD_LIMIT))
    seen: dict[str, int] = {}  # order number -> its last line
    customers: dict[str, tuple] = {}  # e-mail -> (name, language, first line)
    current: ParsedOrder | None = None
    current_number = None
    current_ok = True
    had_rows = False
    first_row: dict = {}
    try:
        rows = _rows(binary)
        names = None
        for line, cells in rows:
            if names is None:
                if not any(cell.strip() for cell in cells):
                    break
                names = _header(cells)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            had_rows = True
            if len(cells) != len(names):
                errors.add(
                    line,
                    _("the row has %(cells)s cells, the header %(names)s.")
                    % {"cells": len(cells), "names": len(names)},
                )
                current_ok = False
                continue
            row = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
            problems: list[str] = []
            values = _check_row(row, problems)
            number = row["order_number"]
            if number != current_number:
                if current is not None and current_ok:
                    yield current
                current, current_number, current_ok = None, number, True
                first_row = {column: row.get(column, "") for column in ORDER_COLUMNS}
                first_row["line"] = line
                if number in seen:
                    problems.append(
                        _(
                            "order %(number)s already had rows up to line %(line)s; the "
                            "rows of one order must follow each other."
                        )
                        % {"number": number, "line": seen[number]}
                    )
                elif values is not None:
                    current = ParsedOrder(
                        line=line,
                        number=number,
                        customer={
                            "email": normalize_email(row["customer_email"]),
                            "name": row["customer_name"],
                            "language": values["language"],
                        },
                        status=values["status"],
                        placed_at=values["placed_at"],
                        shipped_at=values["shipped_at"],
                        currency=values["currency"],
                    )
            else:
                differing = [
                    column
                    for column in ORDER_COLUMNS
                    if row.get(column, "") != first_row.get(column, "")
                ]
                if differing:
                    problems.append(
                        _("Not as on line %(line)s, the order's first row: %(columns)s.")
                        % {"columns": ", ".join(differing), "line": first_row["line"]}
                    )
            if number:
                seen[number] = line
            if values is not None and current is not None and not problems:
                sku = row["sku"]
                if sku in current.line_of_sku:
                    problems.append(
                        _("SKU %(sku)s is already on line %(line)s of this order.")
                        % {"sku": sku, "line": current.line_of_sku[sku]}
                    )
                else:
                    current.line_of_sku[sku] = line
                    current.lines.append(
                        {
                            "sku": sku,
                            "title": row["title"],
                            "quantity": values["quantity"],
                            "unit_price": values["unit_price"],
                            "shipped_quantity": values["shipped_quantity"],
                        }
                    )
            if values is not None and not problems and row["customer_email"]:
                email = normalize_email(row["customer_email"])
                known = customers.setdefault(
                    email, (row["customer_name"], values["language"], line)
                )
                if known[:2] != (row["customer_name"], values["language"]):
                    problems.append(
                        _(
                            "customer %(email)s has another name or language on line "
                            "%(line)s; a customer is written the same on every row."
                        )
                        % {"email": email, "line": known[2]}
                    )
            for problem in problems:
                errors.add(line, problem)
            if problems or values is None:
                current_ok = False
        if names is None:
            raise FileUnreadable(_("The file is empty: it has no header row."))
        if not had_rows:
            raise FileUnreadable(_("The file has no orders: only a header row."))
        if current is not None and current_ok:
            yield current
    except FileUnreadable as error:
        errors.add(0, str(error))
    finally:
        csv.field_size_limit(previous_limit)


# --- Running ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What an import did, or (dry run) would do."""

    lines: int = 0
    orders: dict = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    customers: dict[str, str] = field(default_factory=dict)  # e-mail -> its state
    skus: set = field(default_factory=set)
    skus_created: set = field(default_factory=set)

    def counts(self) -> dict:
        customers = dict.fromkeys(STATES, 0)
        for state in self.customers.values():
            customers[state] += 1
        return {
            "orders": dict(self.orders),
            "customers": customers,
            "variants": {
                "created": len(self.skus_created),
                "updated": 0,
                "unchanged": len(self.skus - self.skus_created),
            },
        }


STATES = ("created", "updated", "unchanged")
RANK = {state: rank for rank, state in enumerate(reversed(STATES))}


class Rollback(Exception):
    pass


def check_file(open_file: Callable, *, progress: Callable | None = None) -> tuple[int, Errors]:
    """(how many lines hold rows, the problems): the first reading."""
    errors = Errors()
    lines = 0
    with open_file() as binary:
        for order in read_orders(binary, errors):
            lines += len(order.lines)
            if progress:
                progress(len(order.lines))
    return lines, errors


def run_file(
    open_file: Callable,
    *,
    errors: Errors,
    dry_run: bool,
    progress: Callable | None = None,
    batch_size: int = BATCH_SIZE,
) -> Outcome:
    """The second reading: every order through order_upsert, BATCH_SIZE orders per
    transaction; with `dry_run`, each batch is rolled back. Run it only on a file
    check_file found no problem in."""
    outcome = Outcome()
    batch: list[ParsedOrder] = []

    def flush():
        try:
            with transaction.atomic():
                _write(batch, outcome, errors)
                if dry_run:
                    raise Rollback
        except Rollback:
            pass
        if progress:
            progress(sum(len(order.lines) for order in batch))
        batch.clear()

    with open_file() as binary:
        for order in read_orders(binary, errors):
            batch.append(order)
            outcome.lines += len(order.lines)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return outcome


def _write(batch: list[ParsedOrder], outcome: Outcome, errors: Errors) -> None:
    statuses = dict(
        Order.objects.filter(number__in=[order.number for order in batch]).values_list(
            "number", "status"
        )
    )
    for order in batch:
        status = order.status or _default_status(order, statuses.get(order.number))
        report = UpsertReport()
        try:
            order_upsert(
                number=order.number,
                customer=order.customer,
                status=status,
                lines=order.lines,
                placed_at=order.placed_at,
                shipped_at=order.shipped_at,
                money={"currency": order.currency},
                report=report,
            )
        except OrderError as error:
            line = order.line_of_sku.get(getattr(error, "sku", None), order.line)
            errors.add(
                line,
                _("Order %(number)s: %(reason)s")
                % {
                    "number": order.number,
                    "reason": error.message,
                },
            )
            continue
        outcome.orders[report.order] += 1
        email = order.customer["email"]
        known = outcome.customers.get(email)
        if known is None or RANK[report.customer] > RANK[known]:
            outcome.customers[email] = report.customer
        outcome.skus.update(order.line_of_sku)
        outcome.skus_created |= report.variants_created


def _default_status(order: ParsedOrder, current: str | None) -> str:
    """No status column: an order keeps its status; a new one is paid, or shipped once
    it has a shipping date; a paid one that now has a shipping date has shipped."""
    unshipped = {None, Order.Status.PENDING, Order.Status.PAID}
    if order.shipped_at and current in unshipped:
        return Order.Status.SHIPPED
    return current or Order.Status.PAID


# --- Jobs (the browser's way) ---------------------------------------------------------------


def _storage():
    return storages["imports"]


def import_job_create(*, upload, user, language: str) -> ImportJob:
    """Keep the uploaded file under an unguessable name and queue its check (on commit).
    Files previewed but never confirmed nor discarded go after KEEP_UNCONFIRMED."""
    from .tasks import import_job_step

    stale = ImportJob.objects.filter(
        state=ImportJob.State.READY, created_at__lt=timezone.now() - KEEP_UNCONFIRMED
    )
    for old in stale:
        import_job_discard(job=old)

    name = _storage().save(f"{secrets.token_urlsafe(24)}.csv", upload)
    with transaction.atomic():
        job = ImportJob.objects.create(
            file=name,
            original_name=(upload.name or "orders.csv")[:200],
            size=upload.size or 0,
            language=language,
            created_by=user,
        )
        transaction.on_commit(lambda: import_job_step.enqueue(job.pk))
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """A checked job without errors is queued for import; False if it was not ready."""
    from .tasks import import_job_step

    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.READY).update(
            state=ImportJob.State.IMPORT_QUEUED, lines_done=0
        )
        if moved:
            transaction.on_commit(lambda: import_job_step.enqueue(job.pk))
    return bool(moved)


def import_job_discard(*, job: ImportJob) -> bool:
    """A job that waits for confirmation is dropped, with its file."""
    moved = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.READY).update(
        state=ImportJob.State.DISCARDED, finished_at=timezone.now()
    )
    if moved:
        _delete_file(job)
    return bool(moved)


def _delete_file(job: ImportJob) -> None:
    if job.file:
        _storage().delete(job.file)
        ImportJob.objects.filter(pk=job.pk).update(file="")


IMPORT_LOCK = "orders.import"
KEEP_UNCONFIRMED = timedelta(days=7)
RETRY_AFTER = timedelta(seconds=15)
CLAIMS = {
    ImportJob.State.CHECK_QUEUED: ImportJob.State.CHECKING,
    ImportJob.State.IMPORT_QUEUED: ImportJob.State.IMPORTING,
}


def import_job_work(*, job_id: int) -> str:
    """The task: check and preview a new job, or import a confirmed one. A job is claimed
    by moving its state, so a second worker running the same task finds nothing to do.
    One import or preview runs at a time (IMPORT_LOCK): two imports locking the same
    orders in different order could deadlock; a job that finds the lock taken goes back
    to the queue and tries again a little later."""
    from .tasks import import_job_step

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state not in CLAIMS:
        return "nothing to do"
    with cluster_lock(IMPORT_LOCK) as held:
        if not held:
            import_job_step.using(run_after=timezone.now() + RETRY_AFTER).enqueue(job.pk)
            return "waiting for another import"
        if not ImportJob.objects.filter(pk=job.pk, state=job.state).update(state=CLAIMS[job.state]):
            return "taken by another worker"
        return _claimed(job)


def _claimed(job: ImportJob) -> str:
    importing = job.state == ImportJob.State.IMPORT_QUEUED
    with translation.override(job.language):
        try:
            return _work(job, importing=importing)
        except Exception:
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.FAILED,
                finished_at=timezone.now(),
                errors=[[0, _("The import stopped because of an error; see the log.")]],
                error_count=1,
            )
            _delete_file(job)
            raise


def _work(job: ImportJob, *, importing: bool) -> str:
    def open_file():
        return _storage().open(job.file, "rb")

    done = 0

    def progress(lines):
        nonlocal done
        done += lines
        ImportJob.objects.filter(pk=job.pk).update(lines_done=done)

    if not importing:
        lines, errors = check_file(open_file)
        ImportJob.objects.filter(pk=job.pk).update(lines_total=lines)
        if not errors:
            outcome = run_file(open_file, errors=errors, dry_run=True, progress=progress)
            ImportJob.objects.filter(pk=job.pk).update(preview=outcome.counts())
        state = ImportJob.State.INVALID if errors else ImportJob.State.READY
        ImportJob.objects.filter(pk=job.pk).update(
            state=state, errors=errors.items, error_count=errors.count
        )
        if errors:
            _finish(job)
        return state
    errors = Errors()
    outcome = run_file(open_file, errors=errors, dry_run=False, progress=progress)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        result=outcome.counts(),
        errors=errors.items,
        error_count=errors.count,
    )
    _finish(job)
    return ImportJob.State.DONE


def _finish(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now())
    _delete_file(job)
