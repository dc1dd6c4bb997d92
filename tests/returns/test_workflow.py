"""The transition table of SPEC §2.3, exhaustively: every allowed move works and is
recorded; every other one is refused and changes nothing."""

import itertools

import pytest

from returns import services
from returns.models import FINAL_STATUSES, TRANSITIONS, ReturnEvent, Status, next_statuses

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
    event = ReturnEvent.objects.filter(rma=rma).order_by("-pk").exclude(kind="stock_moved").first()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        "status_changed",
        old,
        new,
        staff,
    )


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_every_other_transition_is_refused_and_changes_nothing(old, new, line, make_return, staff):
    rma = make_return(line, status=old)
    events = ReturnEvent.objects.filter(rma=rma).count()
    with pytest.raises(services.InvalidTransition) as refused:
        services.return_change(rma=rma, user=staff, version=rma.version, status=new)
    assert refused.value.field == "status"
    assert str(Status(new).label) in refused.value.message or "admin" in refused.value.message
    rma.refresh_from_db()
    assert (rma.status, ReturnEvent.objects.filter(rma=rma).count()) == (old, events)


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_an_admin_reopens_a_final_return(final, line, make_return, shop_admin):
    rma = make_return(line, status=final)
    reopened = services.return_reopen(rma=rma, user=shop_admin, version=rma.version)
    assert reopened.status == "in_progress"
    event = ReturnEvent.objects.filter(rma=rma, kind="reopened").get()
    assert (event.from_status, event.to_status, event.actor) == (final, "in_progress", shop_admin)


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_staff_cannot_reopen(final, line, make_return, staff):
    rma = make_return(line, status=final)
    with pytest.raises(services.InvalidTransition, match="Only an admin"):
        services.return_reopen(rma=rma, user=staff, version=rma.version)
    rma.refresh_from_db()
    assert rma.status == final


def test_the_form_offers_what_the_table_allows():
    assert next_statuses("new") == ["in_progress", "approved", "rejected", "cancelled"]
    assert next_statuses("repaired") == ["credited"]
    assert next_statuses("credited") == []
    assert next_statuses("credited", can_reopen=True) == ["in_progress"]
    assert next_statuses("approved", can_reopen=True) == [
        "repaired",
        "credited",
        "rejected",
        "cancelled",
    ]
