"""Age on the list: "waiting since" is the moment a return came into its current status,
kept by the services, backfilled from the history, and a sort of its own."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from returns import services
from returns.models import Return
from tests.factories import OrderLineFactory

BACKFILL = __import__("returns.migrations.0013_status_changed_at", fromlist=["BACKFILL"]).BACKFILL


def test_a_new_return_waits_since_it_was_created(line, make_return):
    rma = make_return(line)
    assert rma.status_changed_at == rma.created_at


def test_a_change_of_status_restarts_the_wait_and_other_saves_do_not(line, make_return, staff):
    rma = make_return(line)
    created = rma.status_changed_at
    rma = services.return_change(rma=rma, user=staff, version=rma.version, staff_note="Hm.")
    assert Return.objects.get(pk=rma.pk).status_changed_at == created
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="in_progress")
    moved = Return.objects.get(pk=rma.pk).status_changed_at
    assert moved > created
    rma = services.return_change(
        rma=rma, user=staff, version=rma.version, customer_comment="Called again."
    )
    assert Return.objects.get(pk=rma.pk).status_changed_at == moved


def test_the_backfill_reads_the_latest_status_entry_of_the_history(line, make_return, staff):
    rma = make_return(line, status="in_progress")
    services.return_change(rma=rma, user=staff, version=rma.version, staff_note="Later.")
    status_entry = rma.history.filter(to_status="in_progress").get()
    plain = make_return(OrderLineFactory(order=line.order, quantity=1))
    created_entry = plain.history.get(kind="created")
    (no_history,) = Return.objects.bulk_create(
        [
            Return(
                order=line.order,
                customer=line.order.customer,
                origin="staff",
                created_at=timezone.now() - timedelta(days=40),
            )
        ]
    )
    Return.objects.update(status_changed_at=timezone.now() + timedelta(days=9))
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL)
    assert Return.objects.get(pk=rma.pk).status_changed_at == status_entry.created_at
    assert Return.objects.get(pk=plain.pk).status_changed_at == created_entry.created_at
    assert Return.objects.get(pk=no_history.pk).status_changed_at == no_history.created_at


@pytest.fixture
def aged(line, make_return):
    """Three returns that came into their status 1, 10 and 3 days ago."""
    made = []
    for days in (1, 10, 3):
        rma = make_return(OrderLineFactory(order=line.order, quantity=1))
        Return.objects.filter(pk=rma.pk).update(
            status_changed_at=timezone.now() - timedelta(days=days, minutes=5)
        )
        made.append(rma)
    return made


def test_the_list_shows_how_long_each_return_waits_and_sorts_by_it(staff_client, aged):
    page = staff_client.get("/backoffice/returns/")
    html = page.content.decode()
    assert "Waiting since" in html
    assert "10 days" in html and "3 days" in html and "1 day<" in html
    waiting = staff_client.get("/backoffice/returns/?sort=waiting")
    assert [row.pk for row in waiting.context["page"]] == [aged[1].pk, aged[2].pk, aged[0].pk]
    assert 'aria-sort="ascending"' in waiting.content.decode()
