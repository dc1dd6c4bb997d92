"""Receive (returns.views.receive): what a scanner or a person types into the field at the
top of the backoffice opens the return it names, or lists what it matches."""

import pytest

from inventory.services import stock_receive_initial
from returns.selectors import receive_matches
from returns.slip import qr_payload
from tests.factories import OrderLineFactory


def receive(client, code):
    return client.get("/backoffice/receive/", {"code": code})


@pytest.mark.parametrize("written", ["{number}", "{number_lower}", "{pk}", "#{pk}", " {number}\t"])
def test_a_return_number_however_written_opens_the_return(staff_client, line, make_return, written):
    rma = make_return(line)
    code = written.format(number=rma.number, number_lower=rma.number.lower(), pk=rma.pk)
    response = receive(staff_client, code)
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/returns/{rma.pk}/"


def test_the_slips_qr_payload_opens_the_return(staff_client, line, make_return):
    rma = make_return(line)
    response = receive(staff_client, qr_payload(rma))
    assert response["Location"] == f"/backoffice/returns/{rma.pk}/"


def test_an_order_number_with_one_open_return_opens_it(staff_client, line, make_return):
    make_return(line, status="rejected")
    open_one = make_return(line)
    response = receive(staff_client, "ORD-1")
    assert response["Location"] == f"/backoffice/returns/{open_one.pk}/"
    # Typed in lower case, as a person might.
    assert receive(staff_client, "ord-1")["Location"] == f"/backoffice/returns/{open_one.pk}/"


def test_an_order_with_two_open_returns_lists_them_open_ones_first(staff_client, line, make_return):
    closed = make_return(line, status="cancelled")
    first = make_return(line)
    second = make_return(line)
    response = receive(staff_client, "ORD-1")
    assert response.status_code == 200
    assert [rma.pk for rma in response.context["found"].returns] == [second.pk, first.pk, closed.pk]
    page = response.content.decode()
    assert "3 returns match “ORD-1”" in page
    for rma in (first, second, closed):
        assert f'href="/backoffice/returns/{rma.pk}/"' in page


def test_digits_that_are_both_a_return_and_an_order_number_list_both(
    staff_client, customer, line, make_return
):
    rma = make_return(line)
    order_line = OrderLineFactory(order__customer=customer, order__number=str(rma.pk))
    other = make_return(order_line)
    found = receive_matches(str(rma.pk))
    assert found.rma is None
    assert {r.pk for r in found.returns} == {rma.pk, other.pk}
    # Written as a return number, it can mean only the return.
    assert receive_matches(rma.number).rma == rma


def test_nothing_matching_says_so_and_keeps_the_field_ready(staff_client, line, make_return):
    make_return(line)
    response = receive(staff_client, "RET-999999")
    page = response.content.decode()
    assert response.status_code == 200
    assert "No return matches “RET-999999”" in page
    assert 'id="receive-code" name="code"' in page and "autofocus" in page


@pytest.mark.parametrize(
    "code", ["", "   ", "https://evil.example/?nothing=1", "x" * 10_000, "RET-\x00", "²"]
)
def test_odd_input_is_answered_never_a_server_error(staff_client, line, code):
    assert receive(staff_client, code).status_code == 200


def test_the_receive_field_is_on_every_backoffice_page_for_staff(staff_client):
    for url in ("/backoffice/", "/backoffice/orders/", "/backoffice/returns/"):
        page = staff_client.get(url).content.decode()
        assert 'action="/backoffice/receive/"' in page
        # Only the Receive page takes the focus away from the page's own first field.
        assert "autofocus" not in page


def test_the_receive_page_answers_in_a_fixed_number_of_queries(
    staff_client, customer, make_return, query_count
):
    order_line = OrderLineFactory(order__customer=customer, order__number="MANY", quantity=30)
    stock_receive_initial(quantities={order_line.variant_id: 10})
    for _ in range(2):
        make_return(order_line)
    two = query_count(lambda: receive(staff_client, "MANY"))
    for _ in range(8):
        make_return(order_line)
    ten = query_count(lambda: receive(staff_client, "MANY"))
    assert ten == two <= 10
