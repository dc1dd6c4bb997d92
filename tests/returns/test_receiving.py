"""Receiving and inspection per line (returns.services.return_receive): how many items
arrived, their condition and disposition, and the per-line stock rule that follows."""

import pytest
from django.db.models import Sum

from inventory.models import StockMovement, Variant
from inventory.services import inventory_settings_update
from returns import exceptions, services
from returns.models import HistoryEntry, Return, ReturnLine
from returns.workflow import Receipt

from .conftest import PATH_TO


def receive(rma, user, received, condition, disposition=""):
    rma = Return.objects.get(pk=rma.pk)
    line = rma.lines.get()
    return services.return_receive(
        rma=rma,
        user=user,
        version=rma.version,
        receipts={line.pk: Receipt(received, condition, disposition)},
    )


def on_hand(order_line) -> int:
    return Variant.objects.get(pk=order_line.variant_id).on_hand


def ledger(order_line) -> int:
    return StockMovement.objects.filter(variant_id=order_line.variant_id).aggregate(s=Sum("delta"))[
        "s"
    ]


# status, Update stock, POS-linked at approval, (received, condition, disposition) or None
# for a line nobody inspected -> restocked quantity of the line (3 returned, 10 in stock).
TABLE = [
    ("approved", True, False, (3, "as_new", "restock"), 3),
    ("approved", True, False, (2, "opened", "restock"), 2),
    ("approved", True, False, (1, "damaged", "restock"), 1),
    ("approved", True, False, (3, "damaged", "repair"), 0),
    ("approved", True, False, (3, "damaged", "write_off"), 0),
    ("approved", True, False, (0, "missing", ""), 0),
    ("approved", False, False, (3, "as_new", "restock"), 0),
    ("approved", True, True, (3, "as_new", "restock"), 0),
    ("approved", True, False, None, 3),
    ("approved", False, False, None, 0),
    ("repaired", True, False, (2, "damaged", "restock"), 2),
    ("repaired", True, False, (2, "damaged", "repair"), 0),
    ("credited", True, False, (3, "opened", "restock"), 3),
    ("credited", True, True, (3, "opened", "restock"), 0),
    ("new", True, False, (3, "as_new", "restock"), 0),
    ("in_progress", True, False, (3, "as_new", "restock"), 0),
    ("rejected", True, False, (3, "as_new", "restock"), 0),
    ("cancelled", True, False, (2, "as_new", "restock"), 0),
]


@pytest.mark.parametrize(
    ("status", "update_stock", "pos_linked", "receipt", "restocked"),
    TABLE,
    ids=["-".join(map(str, row[:3])) + f"-{row[3]}" for row in TABLE],
)
def test_the_per_line_stock_rule(
    line, make_return, staff, shop_admin, status, update_stock, pos_linked, receipt, restocked
):
    rma = make_return(line, quantity=3, update_stock=update_stock)
    if receipt is not None:
        receive(rma, staff, *receipt)
    inventory_settings_update(actor=shop_admin, stock_linked_to_pos=pos_linked)
    for step in PATH_TO[status]:
        rma = Return.objects.get(pk=rma.pk)
        services.return_change(rma=rma, user=staff, version=rma.version, status=step)

    return_line = ReturnLine.objects.get(rma=rma)
    assert return_line.restocked_quantity == restocked
    assert on_hand(line) == 10 + restocked == ledger(line)


@pytest.mark.parametrize(
    ("receipt", "restocked"),
    [
        ((3, "as_new", "restock"), 3),
        ((1, "opened", "restock"), 1),
        ((3, "damaged", "write_off"), 0),
    ],
)
def test_receiving_after_the_approval_moves_stock_to_what_arrived(
    line, make_return, staff, receipt, restocked
):
    rma = make_return(line, quantity=3, status="approved")
    assert on_hand(line) == 13  # approved before anyone looked: the line's quantity
    receive(rma, staff, *receipt)
    assert ReturnLine.objects.get(rma=rma).restocked_quantity == restocked
    assert on_hand(line) == 10 + restocked == ledger(line)
    kinds = list(HistoryEntry.objects.filter(rma=rma).values_list("kind", flat=True))
    assert kinds.count("received") == 1


def test_a_receipt_lowered_later_takes_the_difference_out_of_stock_again(line, make_return, staff):
    rma = make_return(line, quantity=3, status="approved")
    receive(rma, staff, 3, "as_new", "restock")
    receive(rma, staff, 1, "opened", "restock")
    assert on_hand(line) == 11 == ledger(line)
    receive(rma, staff, 2, "damaged", "write_off")
    assert on_hand(line) == 10 == ledger(line)
    return_line = ReturnLine.objects.get(rma=rma)
    assert (return_line.received_quantity, return_line.condition, return_line.disposition) == (
        2,
        "damaged",
        "write_off",
    )
    assert return_line.received_by == staff and return_line.received_at is not None


def test_the_same_receipt_again_changes_nothing(line, make_return, staff):
    rma = make_return(line, quantity=3, status="approved")
    receive(rma, staff, 2, "as_new", "restock")
    before = Return.objects.get(pk=rma.pk)
    history = HistoryEntry.objects.count()
    movements = StockMovement.objects.count()
    receive(rma, staff, 2, "as_new", "restock")
    after = Return.objects.get(pk=rma.pk)
    assert after.version == before.version and after.updated_at == before.updated_at
    assert HistoryEntry.objects.count() == history
    assert StockMovement.objects.count() == movements


@pytest.mark.parametrize(
    ("receipt", "message"),
    [
        ((4, "as_new", "restock"), "Between 0 and 3"),
        ((2, "missing", ""), "Choose Missing when nothing of a line arrived"),
        ((0, "as_new", "restock"), "Choose Missing when nothing of a line arrived"),
        ((2, "as_new", ""), "Choose what happens to the items."),
        ((0, "missing", "restock"), "Nothing arrived"),
        ((2, "soggy", "restock"), "Choose the condition"),
        ((2, "as_new", "burn"), "Choose what happens"),
    ],
)
def test_an_impossible_receipt_is_refused_and_nothing_is_written(
    line, make_return, staff, receipt, message
):
    rma = make_return(line, quantity=3)
    with pytest.raises(exceptions.InvalidReturnInput, match=message):
        receive(rma, staff, *receipt)
    assert not ReturnLine.objects.filter(rma=rma, received_at__isnull=False).exists()
    assert not HistoryEntry.objects.filter(rma=rma, kind="received").exists()


def test_a_finished_return_cannot_be_received(line, make_return, staff):
    rma = make_return(line, quantity=3, status="rejected")
    with pytest.raises(exceptions.InvalidReturnInput, match="finished"):
        receive(rma, staff, 3, "as_new", "restock")


def test_a_receipt_from_an_old_page_is_refused(line, make_return, staff):
    rma = make_return(line, quantity=3)
    stale = Return.objects.get(pk=rma.pk)
    services.return_change(rma=rma, user=staff, version=rma.version, status="in_progress")
    with pytest.raises(exceptions.ReturnChangedMeanwhile):
        services.return_receive(
            rma=stale,
            user=staff,
            version=stale.version,
            receipts={stale.lines.get().pk: Receipt(3, "as_new", "restock")},
        )


def test_the_quantity_cannot_go_below_what_arrived(line, make_return, staff):
    rma = make_return(line, quantity=3)
    receive(rma, staff, 2, "as_new", "restock")
    rma = Return.objects.get(pk=rma.pk)
    with pytest.raises(exceptions.InvalidReturnInput, match=r"2 of .* were received"):
        services.return_change(
            rma=rma, user=staff, version=rma.version, quantities={rma.lines.get().pk: 1}
        )


def test_the_return_page_receives_per_line_and_the_list_says_how_much_arrived(
    staff_client, line, make_return
):
    rma = make_return(line, quantity=3, status="approved")
    line_pk = rma.lines.get().pk
    page = staff_client.get(rma.get_absolute_url()).content.decode()
    assert "Receive and inspect" in page

    response = staff_client.post(
        f"/backoffice/returns/{rma.pk}/receive/",
        {
            "version": Return.objects.get(pk=rma.pk).version,
            f"received_{line_pk}": "1",
            f"condition_{line_pk}": "opened",
            f"disposition_{line_pk}": "restock",
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"What arrived of {rma.number} is recorded." in page
    assert "1 of 3 · Opened · Restock" in page
    assert "Received and inspected" in page
    assert f"{line.sku}: 1 of 3 received, Opened, Restock" in page
    assert on_hand(line) == 11

    listing = staff_client.get("/backoffice/returns/").content.decode()
    assert "received 1 of 3" in listing


def test_the_page_says_what_is_wrong_with_a_receipt(staff_client, line, make_return):
    rma = make_return(line, quantity=3)
    line_pk = rma.lines.get().pk
    response = staff_client.post(
        f"/backoffice/returns/{rma.pk}/receive/",
        {
            "version": rma.version,
            f"received_{line_pk}": "2",
            f"condition_{line_pk}": "missing",
            f"disposition_{line_pk}": "",
        },
    )
    assert response.status_code == 200
    assert "Choose Missing when nothing of a line arrived" in response.content.decode()
