"""The order import (orders.importing, manage.py import_orders): checking, the preview,
idempotency and the rules of order_upsert, file by file."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from inventory.models import Product, Variant
from orders import importing
from orders.models import Customer, Order, OrderLine
from tests.factories import StaffUserFactory

HEADER = (
    "order_number,placed_at,shipped_at,customer_email,customer_name,customer_language,"
    "sku,title,quantity,unit_price,currency"
)


def csv_file(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def run(content: bytes, *, dry_run: bool = False, batch_size: int = importing.BATCH_SIZE):
    """check, then (if the file is clean) write: (outcome or None, errors)."""

    def open_file():
        return io.BytesIO(content)

    _lines, errors = importing.check_file(open_file)
    if errors:
        return None, errors
    outcome = importing.run_file(open_file, errors=errors, dry_run=dry_run, batch_size=batch_size)
    return outcome, errors


def everything():
    """Every row the import could touch, to prove nothing changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in (User, Customer, Order, OrderLine, Product, Variant)
    }


def by_line(errors) -> dict[int, str]:
    found: dict[int, str] = {}
    for line, message in errors.items:
        found[line] = found.get(line, "") + message
    return found


GOOD = csv_file(
    "1001,2026-03-02 10:15,2026-03-03,anna@example.com,Anna de Vries,nl,TS-M,T-shirt M,2,19.95,EUR",
    "1001,2026-03-02 10:15,2026-03-03,anna@example.com,Anna de Vries,nl,SOCKS,Socks,1,9.50,EUR",
    '1002,2026-03-04,,ben@example.org,Ben Müller,de,TS-M,"T-shirt, M",1,"19,95",EUR',
    "1003,2026-03-05T16:40:00+01:00,2026-03-06,anna@example.com,Anna de Vries,nl,JEANS,Jeans,"
    "1,79,EUR",
)


# --- Checking ---------------------------------------------------------------------------


def test_every_kind_of_bad_row_is_reported_with_its_line_and_nothing_is_written(db):
    before = everything()
    content = csv_file(
        # 2: a good row; 3: the same order with another customer name
        "2001,2026-03-02,,a@example.com,Ann,en,S1,Shirt,1,10.00,EUR",
        "2001,2026-03-02,,a@example.com,Anne,en,S2,Shirt,1,10.00,EUR",
        "2002,2026-13-45,,b@example.com,Bo,en,S1,Shirt,1,10.00,EUR",  # 4: bad date
        "2003,2026-03-02,,c@example.com,Cy,en,S1,Shirt,-3,10.00,EUR",  # 5: negative
        "2004,2026-03-02,,d@example.com,Di,en,S1,Shirt,1,10.00,EUX",  # 6: no such currency
        "2005,2026-03-02,,e@example.com,Ed,en,S1," + "x" * 1_048_576 + ",1,10.00,EUR",  # 7
        "2006,2026-03-02,,f@example.com,=cmd|' /C calc'!A0,en,S1,Shirt,1,10.00,EUR",  # 8
        "2007,2026-03-02,,g@example.com,Gus,en,S1,Shirt,0,10.00,EUR",  # 9: zero
        "2008,2026-03-02,,h@example.com,Hal,en,S1,Shirt,1.5,10.00,EUR",  # 10: not whole
        "2009,2026-03-02,,i@example.com,Ida,en,S1,Shirt,1,10.005,EUR",  # 11: 3 decimals
        "2010,2026-03-02,,j@example.com,Jo,xx,S1,Shirt,1,10.00,EUR",  # 12: language
        "2011,2026-03-02,,k@example.com,Kim,en,@SUM(A1),Shirt,1,10.00,EUR",  # 13: formula
        "2012,2026-03-02,,not-an-address,Lee,en,S1,Shirt,1,10.00,EUR",  # 14: e-mail
        "2013,2026-03-02,,m@example.com,Mo,en,S1,Shirt,1,1e3,EUR",  # 15: price
        "2014,2026-03-02,,n@example.com,Ned,en,S1,+Shirt,1,10.00,EUR",  # 16: formula
        "2015,2026-03-02,,o@example.com,Oz,en,S1,Shirt,1,100,JPY",  # 17: fine (JPY)
        "2016,2026-03-02,,p@example.com,Pia,en,S1,Shirt,1,100.50,JPY",  # 18: JPY decimals
        "2001,2026-03-02,,a@example.com,Ann,en,S3,Shirt,1,10.00,EUR",  # 19: order again
        "2017,2026-03-02,,q@example.com,Q,en,S1,Shirt,1,10.00,EUR,extra",  # 20: a cell more
    )
    outcome, errors = run(content)
    assert outcome is None
    found = by_line(errors)
    assert "Not as on line 2, the order's first row: customer_name" in found[3]
    assert "placed_at “2026-13-45” is not a date" in found[4]
    assert "quantity must be at least 1, not -3" in found[5]
    assert "currency “EUX” is not an ISO 4217 currency code" in found[6]
    assert "title is longer than 300 characters" in found[7]
    assert "customer_name starts with “=”" in found[8] and "formula" in found[8]
    assert "quantity must be at least 1, not 0" in found[9]
    assert "quantity “1.5” is not a whole number" in found[10]
    assert "more than 2 decimals for EUR" in found[11]
    assert "customer_language “xx” is not one of en, nl, de, fr" in found[12]
    assert "sku starts with “@”" in found[13]
    assert "not an e-mail address" in found[14]
    assert "unit_price “1e3” is not an amount" in found[15]
    assert "title starts with “+”" in found[16]
    assert 17 not in found
    assert "more than 0 decimals for JPY" in found[18]
    assert "order 2001 already had rows up to line 3" in found[19]
    assert "the row has 12 cells, the header 11" in found[20]
    assert errors.count == len(errors.items) == 17
    assert everything() == before


def test_a_missing_column_stops_at_the_header(db):
    header = HEADER.replace(",currency", "")
    outcome, errors = run(csv_file("1,2026-03-02,,a@example.com,A,en,S,T,1,1.00", header=header))
    assert outcome is None
    assert errors.count == 1
    _line, message = errors.items[0]
    assert "Line 1 (the header): missing column(s): currency" in message
    assert not Order.objects.exists()


def test_an_unknown_column_is_refused_rather_than_ignored(db):
    header = HEADER + ",shiped_quantity"
    _outcome, errors = run(csv_file(header=header))
    assert "unknown column(s): shiped_quantity" in errors.items[0][1]


def test_a_file_that_is_not_utf8_is_reported_not_crashed(db):
    content = csv_file("1,2026-03-02,,a@example.com,Zoë,en,S,T,1,1.00,EUR").replace(
        "Zoë".encode(), "Zoë".encode("latin-1")
    )
    outcome, errors = run(content)
    assert outcome is None
    assert "not UTF-8" in errors.items[-1][1]


def test_a_cell_beyond_the_csv_limit_is_an_error_not_a_crash(db):
    content = csv_file(
        "1,2026-03-02,,a@example.com,A,en,S,T,1,1.00,EUR",
        '2,2026-03-02,,b@example.com,B,en,S,"'
        + "x" * (importing.CSV_FIELD_LIMIT + 10)
        + '",1,1,EUR',
    )
    outcome, errors = run(content)
    assert outcome is None
    assert "reading stopped" in errors.items[-1][1]

    assert csv.field_size_limit() < importing.CSV_FIELD_LIMIT  # as it was


def test_error_list_is_capped_but_counts_all(db):
    rows = [f"{n},2026-03-02,,a{n}@example.com,A,en,S,T,-1,1.00,EUR" for n in range(300)]
    _outcome, errors = run(csv_file(*rows))
    assert errors.count == 300 and len(errors.items) == importing.ERRORS_KEPT


def test_bom_semicolons_comma_decimals_and_quoted_newlines(db):
    content = csv_file(
        "3001;2026-03-02;2026-03-03;a@example.com;Ann;en;S1;"
        '"Shirt\nwith a second line";1;12,50;eur',
        "3002;2026-03-02;;b@example.com;Bo;;S1;Shirt;1;12.50;EUR",
        "3003;2026-03-02;;c@example.com;Cy;;S1;Shirt;-1;12.50;EUR",
        header=HEADER.replace(",", ";"),
        bom=True,
    )
    _outcome, errors = run(content)
    # The quoted title spans lines 2 and 3, so the bad row is on line 5.
    assert [line for line, _message in errors.items] == [5]
    outcome, errors = run(content.replace(b";-1;", b";1;"))
    assert not errors and outcome.orders["created"] == 3
    order = Order.objects.get(number="3001")
    assert order.currency == "EUR" and order.status == Order.Status.SHIPPED
    line = order.lines.get()
    assert line.unit_price == Decimal("12.50") and line.shipped_quantity == 1
    assert Order.objects.get(number="3002").status == Order.Status.PAID


# --- Preview, import, idempotency -------------------------------------------------------


def test_the_preview_counts_and_writes_nothing(db):
    outcome, errors = run(GOOD, dry_run=True)
    assert not errors
    assert outcome.counts() == {
        "orders": {"created": 3, "updated": 0, "unchanged": 0},
        "customers": {"created": 2, "updated": 0, "unchanged": 0},
        "variants": {"created": 3, "updated": 0, "unchanged": 0},
    }
    assert not Order.objects.exists() and not User.objects.exists()
    assert not Variant.objects.exists()


def test_the_same_file_twice_changes_nothing_the_second_time(db):
    outcome, errors = run(GOOD, batch_size=2)
    assert not errors
    assert outcome.counts()["orders"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert Order.objects.count() == 3 and OrderLine.objects.count() == 4
    anna = Order.objects.get(number="1001")
    assert anna.customer.email == "anna@example.com" and anna.customer.language == "nl"
    assert anna.total_paid == Decimal("49.40") and anna.status == Order.Status.SHIPPED
    assert Order.objects.get(number="1002").lines.get().title == "T-shirt, M"
    before = everything()
    with CaptureQueriesContext(connection) as queries:
        outcome, errors = run(GOOD, batch_size=2)
    assert not errors
    assert outcome.counts() == {
        "orders": {"created": 0, "updated": 0, "unchanged": 3},
        "customers": {"created": 0, "updated": 0, "unchanged": 2},
        "variants": {"created": 0, "updated": 0, "unchanged": 3},
    }
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split(" ", 1)[0] in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert everything() == before


def test_a_changed_file_updates_and_the_preview_says_so(db):
    run(GOOD)
    changed = GOOD.replace(b"SOCKS,Socks,1,", b"SOCKS,Socks,3,").replace(
        b"Ben M\xc3\xbcller", b"Benjamin M\xc3\xbcller"
    )
    outcome, _errors = run(changed, dry_run=True)
    # Ben's order is as it was; Ben himself has a new name.
    assert outcome.counts()["orders"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert outcome.counts()["customers"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert OrderLine.objects.get(sku="SOCKS").quantity == 1  # only a preview
    run(changed)
    assert OrderLine.objects.get(sku="SOCKS").quantity == 3
    assert Customer.objects.get(user__email="ben@example.org").name == "Benjamin Müller"


def test_a_quantity_below_what_returns_hold_is_refused_with_its_line(db):
    run(GOOD)
    line = OrderLine.objects.get(order__number="1001", sku="TS-M")
    OrderLine.objects.filter(pk=line.pk).update(returned_quantity=2)  # a return holds 2
    lowered = GOOD.replace(b"TS-M,T-shirt M,2,", b"TS-M,T-shirt M,1,").replace(
        b"JEANS,Jeans,1,", b"JEANS,Jeans,2,"
    )
    outcome, errors = run(lowered, dry_run=True)
    assert [line for line, _message in errors.items] == [2]
    assert "Order 1001: Returns hold 2 of the line with SKU TS-M" in errors.items[0][1]
    outcome, errors = run(lowered)
    assert [line for line, _message in errors.items] == [2]
    line.refresh_from_db()
    assert line.quantity == 2  # refused: order 1001 is left as it was
    assert OrderLine.objects.get(sku="JEANS").quantity == 2  # the others are imported
    assert outcome.orders == {"created": 0, "updated": 1, "unchanged": 1}


def test_an_address_of_a_staff_login_is_refused_per_order(db):
    StaffUserFactory(email="anna@example.com")
    _outcome, errors = run(GOOD)
    assert [line for line, _message in errors.items] == [2, 5]
    assert "belongs to a login that is not a customer" in errors.items[0][1]
    assert set(Order.objects.values_list("number", flat=True)) == {"1002"}


# --- The command ------------------------------------------------------------------------


def test_the_command_dry_run_writes_nothing(db, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_bytes(GOOD)
    call_command("import_orders", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "orders: 3 would be created" in out and "dry run: nothing was written" in out
    assert not Order.objects.exists() and not Customer.objects.exists()
    call_command("import_orders", str(path))
    assert "orders: 3 were created" in capsys.readouterr().out
    assert Order.objects.count() == 3
    call_command("import_orders", str(path))
    assert "orders: 0 were created, 0 were updated, 3 unchanged" in capsys.readouterr().out


def test_the_command_lists_the_problems_of_a_bad_file_and_writes_nothing(db, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_bytes(GOOD.replace(b"SOCKS,Socks,1,", b"SOCKS,Socks,-1,"))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_orders", str(path))
    assert "line 3: quantity must be at least 1, not -1" in capsys.readouterr().err
    assert not Order.objects.exists()


# --- Size: 2,000 lines here (CI); 100,000 in docs/benchmarks.md ------------------------


@pytest.mark.postgres
def test_two_thousand_lines_on_postgresql_in_batches(db, tmp_path):
    import contextlib
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "bench" / "order_import_csv.py"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        runpy.run_path(str(script))["main"](2000)
    content = buffer.getvalue().encode()
    outcome, errors = run(content, batch_size=100)
    assert not errors
    assert outcome.lines == 2000 == OrderLine.objects.count()
    orders = outcome.counts()["orders"]
    assert orders["created"] == Order.objects.count() > 500
    before = everything()
    outcome, errors = run(content, batch_size=100)
    assert outcome.counts()["orders"]["unchanged"] == orders["created"]
    assert everything() == before


@pytest.mark.postgres
def test_one_import_at_a_time(db, tmp_path, settings):
    """Two imports locking the same orders in different order could deadlock: a second
    one waits (the task goes back to the queue; the command says so and writes nothing)."""
    import psycopg
    from django_tasks_db.models import DBTaskResult

    from core.locks import lock_key
    from orders.models import ImportJob

    database = connection.settings_dict
    other = psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
        password=database["PASSWORD"] or None,
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key(importing.IMPORT_LOCK)])
        path = tmp_path / "orders.csv"
        path.write_bytes(GOOD)
        with pytest.raises(CommandError, match="Another order import is running"):
            call_command("import_orders", str(path))
        job = ImportJob.objects.create(state=ImportJob.State.IMPORT_QUEUED, original_name="x")
        assert importing.import_job_work(job_id=job.pk) == "waiting for another import"
        job.refresh_from_db()
        assert job.state == ImportJob.State.IMPORT_QUEUED
        retry = DBTaskResult.objects.get()
        assert retry.args_kwargs["args"] == [job.pk] and retry.run_after is not None
    finally:
        other.close()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "The file is empty"),
        (b"\xef\xbb\xbf\r\n", "The file is empty"),
        (csv_file(), "The file has no orders"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8"),
        (csv_file("1,2026-03-02,,a@example.com,A\x00B,en,S,T,1,1.00,EUR"), "control character"),
    ],
)
def test_files_that_are_no_order_list_are_refused_in_words(db, content, problem):
    outcome, errors = run(content)
    assert outcome is None and problem in errors.items[0][1]


def test_a_time_in_the_daylight_saving_gap_imports_twice_without_change(db, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"  # 02:00-03:00 on 29 March 2026 does not exist
    content = csv_file(
        "4001,2026-03-29 02:30,2026-10-25 02:30,a@example.com,A,en,S1,Shirt,1,10.00,EUR"
    )
    outcome, errors = run(content)
    assert not errors and outcome.orders["created"] == 1
    outcome, errors = run(content)
    assert outcome.orders == {"created": 0, "updated": 0, "unchanged": 1}
