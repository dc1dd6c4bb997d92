"""The transition table of SPEC §2.3, exhaustively: every allowed move works and is
recorded; every other one is refused and changes nothing."""

import itertools

import pytest

from returns import exceptions, services
from returns.models import HistoryEntry, Status
from returns.workflow import FINAL_STATUSES, TRANSITIONS, allowed_next

ALLOWED = [(old, new) for old, following in TRANSITIONS.items() for new in following]
REFUSED = [
    (old, new)
    for old, new in itertools.product(Status.values, Status.values)
    if old != new and new not in TRANSITIONS[old]
]


def test_the_table_is_the_seeds():
    assert {k: set(v) for k, v in TRANSITIONS.items()} == {
        "new": {"in_progress", "approved", "rejected", "cancelled"},
        "in_progress": {"approved", "rejected", "cancelled"},
        "approved": {"repaired", "credited", "rejected", "cancelled"},
        "repaired": {"credited"},
        "credited": set(),
        "rejected": set(),
        "cancelled": set(),
    }
    assert {"credited", "rejected", "cancelled"} == FINAL_STATUSES


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_every_allowed_transition_succeeds_and_is_recorded(old, new, line, make_return, staff):
    rma = make_return(line, status=old)
    changed = services.return_change(rma=rma, user=staff, version=rma.version, status=new)
    assert changed.status == new
    event = HistoryEntry.objects.filter(rma=rma).order_by("-pk").exclude(kind="stock_moved").first()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        "status_changed",
        old,
        new,
        staff,
    )


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_every_other_transition_is_refused_and_changes_nothing(old, new, line, make_return, staff):
    rma = make_return(line, status=old)
    events = HistoryEntry.objects.filter(rma=rma).count()
    with pytest.raises(exceptions.InvalidTransition) as refused:
        services.return_change(rma=rma, user=staff, version=rma.version, status=new)
    assert refused.value.field == "status"
    assert str(Status(new).label) in refused.value.message or "admin" in refused.value.message
    rma.refresh_from_db()
    assert (rma.status, HistoryEntry.objects.filter(rma=rma).count()) == (old, events)


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_an_admin_reopens_a_final_return(final, line, make_return, shop_admin):
    rma = make_return(line, status=final)
    reopened = services.return_change(
        rma=rma, user=shop_admin, version=rma.version, status="in_progress"
    )
    assert reopened.status == "in_progress"
    event = HistoryEntry.objects.filter(rma=rma, kind="reopened").get()
    assert (event.from_status, event.to_status, event.actor) == (final, "in_progress", shop_admin)


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_staff_cannot_reopen(final, line, make_return, staff):
    rma = make_return(line, status=final)
    with pytest.raises(exceptions.InvalidTransition, match="Only an admin"):
        services.return_change(rma=rma, user=staff, version=rma.version, status="in_progress")
    rma.refresh_from_db()
    assert rma.status == final


def test_the_form_offers_what_the_table_allows():
    assert allowed_next("new") == ["in_progress", "approved", "rejected", "cancelled"]
    assert allowed_next("repaired") == ["credited"]
    assert allowed_next("credited") == []
    assert allowed_next("credited", can_reopen=True) == ["in_progress"]
    assert allowed_next("approved", can_reopen=True) == [
        "repaired",
        "credited",
        "rejected",
        "cancelled",
    ]


# --- The rules as pure functions (returns.workflow) ---------------------------------------


def test_reopen_is_written_once_for_the_form_and_the_service():
    from returns.workflow import check_transition

    for final in FINAL_STATUSES:
        assert allowed_next(final, can_reopen=True) == ["in_progress"]
        assert check_transition(final, "in_progress", can_reopen=True) is True
        with pytest.raises(exceptions.InvalidTransition, match="Only an admin"):
            check_transition(final, "in_progress", can_reopen=False)
    # Not a reopen: an ordinary move, whoever makes it.
    assert check_transition("new", "in_progress", can_reopen=True) is False


@pytest.mark.parametrize(
    ("status", "update_stock", "pos_linked", "expected"),
    [
        (status, update_stock, pos_linked, 3 if restocks and update_stock and not pos_linked else 0)
        for status in Status.values
        for restocks in [status in {"approved", "repaired", "credited"}]
        for update_stock in (True, False)
        for pos_linked in (True, False)
    ],
)
def test_the_stock_rule_table(status, update_stock, pos_linked, expected):
    from returns.workflow import restock_target, update_stock_applies

    assert (
        restock_target(status=status, update_stock=update_stock, pos_linked=pos_linked, quantity=3)
        == expected
    )
    assert update_stock_applies(pos_linked=pos_linked) is not pos_linked


def test_the_quantity_rule():
    from returns.workflow import check_quantity, holds_quantity

    check_quantity(2, shipped=5, held=3, held_before=0, title="Shirt")
    check_quantity(4, shipped=5, held=3, held_before=2, title="Shirt")  # its own 2 count
    with pytest.raises(exceptions.QuantityNotReturnable, match="Only 2 of “Shirt”"):
        check_quantity(3, shipped=5, held=3, held_before=0, title="Shirt")
    with pytest.raises(exceptions.InvalidReturnInput):
        check_quantity(0, shipped=5, held=0, held_before=0, title="Shirt")
    assert [s for s in Status.values if not holds_quantity(s)] == ["rejected", "cancelled"]


def test_eligibility_is_decided_from_plain_values():
    from datetime import date

    from returns.workflow import decide_eligibility

    base = {
        "allow_returns": True,
        "order_status": "delivered",
        "shipped_on": date(2026, 11, 1),
        "today": date(2026, 11, 15),
        "window_days": 14,
        "returnable": {7: 1},
    }
    assert decide_eligibility(**base).eligible
    assert decide_eligibility(**base).deadline == date(2026, 11, 15)  # the last day counts
    refusals = {
        "allow_returns": {"allow_returns": False},
        "not shipped": {"shipped_on": None},
        "cancelled": {"order_status": "cancelled"},
        "awaiting payment": {"order_status": "pending"},
        "paid, not shipped": {"order_status": "paid"},
        "period over": {"today": date(2026, 11, 16)},
        "nothing left": {"returnable": {}},
    }
    for why, change in refusals.items():
        decision = decide_eligibility(**{**base, **change})
        assert not decision.eligible and decision.reason, why
    assert decide_eligibility(**{**base, "window_days": 0, "today": date(2036, 1, 1)}).eligible


def test_what_customers_see_of_the_history_are_real_kinds():
    from returns.workflow import CUSTOMER_HISTORY_KINDS

    assert set(HistoryEntry.Kind.values) >= CUSTOMER_HISTORY_KINDS
    assert {"note_added", "stock_moved", "email_sent"}.isdisjoint(CUSTOMER_HISTORY_KINDS)
