"""CSV export of the returns list and the order list: streamed, UTF-8 with a BOM, the
list's filters, column names in the reader's language, and text a spreadsheet would run
as a formula made plain."""

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from core import csv_export
from returns import services
from tests.factories import CustomerFactory, OrderLineFactory


def read(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs look for
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Plain = text", "Plain = text"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_is_made_plain(text, cell):
    assert csv_export.neutralise(text) == cell
    assert csv_export.neutralise(-5) == -5  # a number the export writes is no text


def test_the_returns_export_has_the_columns_and_neutralises_a_formula_name(
    staff_client, reason, make_return
):
    hostile = CustomerFactory(name='=HYPERLINK("https://evil.example","Click")')
    line = OrderLineFactory(order__customer=hostile, quantity=2)
    rma = make_return(line, quantity=2, status="approved")
    rows = read(staff_client.get("/backoffice/returns/export.csv"))
    assert rows[0] == [
        "Return",
        "Order",
        "Customer",
        "E-mail",
        "Status",
        "Return reason",
        "Return action",
        "Items",
        "Origin",
        "Assigned to",
        "Created",
        "Waiting since",
        "Last changed",
    ]
    (row,) = rows[1:]
    assert row[0] == rma.number
    assert row[2] == '\'=HYPERLINK("https://evil.example","Click")'
    assert row[4] == "Return approved"
    assert row[5] == "Too small"
    assert row[7] == "2"


def test_the_export_follows_the_list_s_filters_and_reads_in_chunks(
    staff_client, staff, line, make_return, monkeypatch
):
    monkeypatch.setattr(csv_export, "FIRST_CHUNK", 1)
    monkeypatch.setattr(csv_export, "CHUNK", 4)
    made = [make_return(OrderLineFactory(order=line.order, quantity=1)) for _ in range(5)]
    services.return_assign(rma=made[1], user=staff, assignee=staff)
    approved = make_return(OrderLineFactory(order=line.order, quantity=1), status="approved")
    with CaptureQueriesContext(connection) as queries:
        every = read(staff_client.get("/backoffice/returns/export.csv"))[1:]
    assert [r[0] for r in every] == [r.number for r in [approved, *reversed(made)]]
    # 6 rows read as 1 + 2 + 3 of 4 (each chunk twice the one before, up to CHUNK; the
    # short chunk ends it): three keyset queries.
    chunks = [
        q["sql"] for q in queries if 'FROM "returns_return"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert [c.rsplit("LIMIT", 1)[1].strip() for c in chunks] == ["1", "2", "4"]
    new = read(staff_client.get("/backoffice/returns/export.csv?status=new"))[1:]
    assert {r[0] for r in new} == {r.number for r in made}
    mine = read(staff_client.get("/backoffice/returns/export.csv?assigned=me"))[1:]
    assert [r[0] for r in mine] == [made[1].number]
    assert mine[0][9] == "Sam Staff"


def test_the_export_speaks_the_reader_s_language(staff_client, line, make_return):
    make_return(line)
    staff_client.cookies["django_language"] = "nl"
    rows = read(staff_client.get("/backoffice/returns/export.csv", HTTP_ACCEPT_LANGUAGE="nl"))
    assert rows[0][0:5] == ["Retour", "Order", "Klant", "E-mail", "Status"]
    assert rows[1][4] == "Nieuw"


def test_the_orders_export(staff_client, line):
    hostile = CustomerFactory(name="@cmd|' /C calc'!A0")
    other = OrderLineFactory(order__customer=hostile, quantity=4)
    rows = read(staff_client.get("/backoffice/orders/export.csv"))
    assert rows[0] == [
        "Order number",
        "Customer",
        "E-mail",
        "Placed",
        "Status",
        "Shipped",
        "Lines",
        "Items",
    ]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[other.order.number][1] == "'@cmd|' /C calc'!A0"
    assert by_number[other.order.number][7] == "4"
    assert set(by_number) == {line.order.number, other.order.number}
    searched = read(staff_client.get(f"/backoffice/orders/export.csv?q={line.order.number}"))
    assert [row[0] for row in searched[1:]] == [line.order.number]


def test_customers_cannot_export(customer_client, client, db):
    assert customer_client.get("/backoffice/returns/export.csv").status_code == 403
    assert customer_client.get("/backoffice/orders/export.csv").status_code == 403
