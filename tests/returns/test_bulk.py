"""Bulk actions on the returns list: each return through the same service as a single
save (history, stock, e-mail), each in its own transaction; what the rules refuse is
listed with its reason; two people acting on overlapping returns change each once."""

import threading

import pytest
from django.db import connections

from inventory.models import StockMovement
from notifications.models import OutgoingEmail
from returns import services
from returns.models import HistoryEntry, Return
from tests.factories import OrderLineFactory, StaffUserFactory
from tests.returns.conftest import PATH_TO


@pytest.fixture
def mixed(line, make_return):
    """50 returns: 8 of each status but new, which has the rest (10)."""
    made = []
    statuses = [s for s in PATH_TO if s != "new"]
    for i in range(50):
        status = statuses[i % len(statuses)] if i < 40 else "new"
        order_line = OrderLineFactory(order=line.order, quantity=2, shipped_quantity=2)
        made.append(make_return(order_line, status=status, quantity=2))
    return made


def test_fifty_mixed_returns_approved_as_single_saves_would_and_the_rest_refused(staff, mixed):
    allowed = {"new", "in_progress"}
    before = {rma.pk: Return.objects.get(pk=rma.pk).status for rma in mixed}
    outbox = OutgoingEmail.objects.count()
    result = services.returns_bulk_change_status(
        ids=[rma.pk for rma in mixed], user=staff, status="approved", notify_customer=True
    )
    changed = {rma.pk for rma in mixed if before[rma.pk] in allowed}
    assert sorted(result.changed) == sorted(rma.number for rma in mixed if rma.pk in changed)
    assert len(result.refused) == 50 - len(changed)
    reasons = dict(result.refused)
    for rma in mixed:
        after = Return.objects.get(pk=rma.pk)
        if rma.pk in changed:
            assert after.status == "approved"
            assert after.history.filter(kind="status_changed", to_status="approved").count() == 1
            line = after.lines.get()
            assert line.restocked_quantity == line.quantity == 2  # stock as a single save
        else:
            assert after.status == before[rma.pk]
            assert reasons[rma.number]  # each refusal says why
    assert reasons[next(r.number for r in mixed if before[r.pk] == "approved")] == (
        "It is already “Return approved”."
    )
    assert OutgoingEmail.objects.count() == outbox + len(changed)  # one e-mail each
    assert StockMovement.objects.filter(kind="return_restock").count() >= len(changed)


def test_staff_cannot_reopen_in_bulk_but_admins_can(staff, shop_admin, line, make_return):
    done = make_return(line, status="rejected")
    refused = services.returns_bulk_change_status(ids=[done.pk], user=staff, status="in_progress")
    assert refused.changed == [] and len(refused.refused) == 1
    reopened = services.returns_bulk_change_status(
        ids=[done.pk], user=shop_admin, status="in_progress"
    )
    assert reopened.changed == [done.number]
    assert Return.objects.get(pk=done.pk).history.filter(kind="reopened").count() == 1


def test_bulk_assign_and_the_result_page(staff_client, staff, line, make_return):
    first = make_return(line)
    second = make_return(OrderLineFactory(order=line.order, quantity=1))
    services.return_assign(rma=second, user=staff, assignee=staff)
    response = staff_client.post(
        "/backoffice/returns/bulk/",
        {
            "ids": [first.pk, second.pk, 999999],
            "scope": "selected",
            "assignee": staff.pk,
            "action": "assign",
            "filter": "status=new",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Assigned to Sam Staff" in html
    assert "It is assigned to Sam Staff already." in html
    assert "There is no such return." in html
    assert Return.objects.get(pk=first.pk).assigned_to == staff
    assert 'href="/backoffice/returns/?status=new"' in html


def test_every_return_in_the_list_follows_the_filter(staff_client, line, make_return):
    new = [make_return(OrderLineFactory(order=line.order, quantity=1)) for _ in range(3)]
    approved = make_return(OrderLineFactory(order=line.order, quantity=1), status="approved")
    response = staff_client.post(
        "/backoffice/returns/bulk/",
        {"scope": "matching", "status": "in_progress", "action": "status", "filter": "status=new"},
    )
    assert response.status_code == 200
    assert {r.status for r in Return.objects.filter(pk__in=[r.pk for r in new])} == {"in_progress"}
    assert Return.objects.get(pk=approved.pk).status == "approved"


def test_more_than_the_limit_is_refused_whole(staff_client, line, make_return, monkeypatch):
    monkeypatch.setattr(services, "BULK_LIMIT", 2)
    made = [make_return(OrderLineFactory(order=line.order, quantity=1)) for _ in range(3)]
    response = staff_client.post(
        "/backoffice/returns/bulk/",
        {"scope": "matching", "status": "in_progress", "action": "status", "filter": ""},
        follow=True,
    )
    assert "More than 2 returns match" in response.content.decode()
    assert {Return.objects.get(pk=r.pk).status for r in made} == {"new"}


def test_nothing_ticked_is_said_and_changes_nothing(staff_client, line, make_return):
    rma = make_return(line)
    response = staff_client.post(
        "/backoffice/returns/bulk/",
        {"scope": "selected", "status": "approved", "action": "status"},
        follow=True,
    )
    assert "Tick the returns to change first." in response.content.decode()
    assert Return.objects.get(pk=rma.pk).status == "new"


def test_the_list_offers_a_checkbox_per_return(staff_client, line, make_return):
    rma = make_return(line)
    html = staff_client.get("/backoffice/returns/").content.decode()
    assert f'name="ids" value="{rma.pk}" form="bulk"' in html
    assert f'aria-label="Select {rma.number}"' in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_bulk_approving_overlapping_returns_change_each_once(line, make_return):
    """Alice approves returns 0-29, Bob 15-44, at the same moment on two connections: no
    deadlock, each return approved once (one history entry, one restock), and what one of
    them changed is refused to the other."""
    alice, bob = StaffUserFactory(), StaffUserFactory()
    made = [
        make_return(OrderLineFactory(order=line.order, quantity=1, shipped_quantity=1))
        for _ in range(45)
    ]
    sets = {"alice": made[:30], "bob": made[15:]}
    users = {"alice": alice, "bob": bob}
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def run(name):
        try:
            barrier.wait()
            results[name] = services.returns_bulk_change_status(
                ids=[r.pk for r in reversed(sets[name])], user=users[name], status="approved"
            )
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a bulk action hung (deadlock?)"
    assert errors == []
    changed_a, changed_b = set(results["alice"].changed), set(results["bob"].changed)
    assert not changed_a & changed_b
    assert changed_a | changed_b == {r.number for r in made}
    assert len(results["alice"].refused) + len(results["bob"].refused) == 15
    for rma in made:
        entries = HistoryEntry.objects.filter(rma=rma, kind="status_changed")
        assert entries.count() == 1
        assert rma.lines.get().restocked_quantity == 1
        assert StockMovement.objects.filter(reference_id=rma.lines.get().pk).count() == 1
