"""Assignment: a return is handed to a member of the staff on its page (and in bulk),
the history says who handed it to whom, and each person finds theirs under Assigned to me."""

import pytest

from returns import services
from returns.exceptions import InvalidReturnInput
from returns.models import HistoryEntry, Return
from tests.factories import OrderLineFactory, StaffUserFactory


def test_assigning_records_who_handed_it_to_whom_and_keeps_the_version(
    line, make_return, staff, shop_admin
):
    rma = make_return(line)
    version = Return.objects.get(pk=rma.pk).version
    assert services.return_assign(rma=rma, user=shop_admin, assignee=staff) is True
    assert Return.objects.get(pk=rma.pk).assigned_to == staff
    assert Return.objects.get(pk=rma.pk).version == version  # open forms stay valid
    assert services.return_assign(rma=rma, user=shop_admin, assignee=staff) is False
    assert services.return_assign(rma=rma, user=staff, assignee=None) is True
    entries = list(rma.history.filter(kind=HistoryEntry.Kind.ASSIGNED).order_by("pk"))
    assert [(e.actor, e.data["from"], e.data["to"]) for e in entries] == [
        (shop_admin, None, {"id": staff.pk, "name": "Sam Staff"}),
        (staff, {"id": staff.pk, "name": "Sam Staff"}, None),
    ]


def test_only_backoffice_people_who_handle_returns_can_be_assigned(
    line, make_return, staff, customer
):
    rma = make_return(line)
    with pytest.raises(InvalidReturnInput):
        services.return_assign(rma=rma, user=staff, assignee=customer.user)
    assert Return.objects.get(pk=rma.pk).assigned_to is None


def test_the_return_page_assigns_and_the_history_says_so(staff_client, staff, line, make_return):
    rma = make_return(line)
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/")
    assert "Assigned to" in page.content.decode()
    response = staff_client.post(f"/backoffice/returns/{rma.pk}/assign/", {"assignee": staff.pk})
    assert response.status_code == 302
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/")
    html = page.content.decode()
    assert "Assigned to Sam Staff" in html  # the history line
    assert Return.objects.get(pk=rma.pk).assigned_to == staff


def test_a_forged_assignee_is_refused_on_the_form(staff_client, customer, line, make_return):
    rma = make_return(line)
    response = staff_client.post(
        f"/backoffice/returns/{rma.pk}/assign/", {"assignee": customer.user.pk}
    )
    assert response.status_code == 200
    assert response.context["assign_form"].errors
    assert Return.objects.get(pk=rma.pk).assigned_to is None


def test_assigned_to_me_lists_mine_only(staff_client, staff, line, make_return):
    colleague = StaffUserFactory(full_name="Cora Colleague")
    mine = make_return(line)
    theirs = make_return(OrderLineFactory(order=line.order, quantity=1))
    nobody = make_return(OrderLineFactory(order=line.order, quantity=1))
    services.return_assign(rma=mine, user=staff, assignee=staff)
    services.return_assign(rma=theirs, user=staff, assignee=colleague)

    def listed(query):
        response = staff_client.get(f"/backoffice/returns/{query}")
        return {row.pk for row in response.context["page"]}

    assert listed("?assigned=me") == {mine.pk}
    assert listed("?assigned=nobody") == {nobody.pk}
    assert listed("") == {mine.pk, theirs.pk, nobody.pk}
    page = staff_client.get("/backoffice/returns/?assigned=me")
    assert page.context["all_count"] == 1
    assert "Cora Colleague" in staff_client.get("/backoffice/returns/").content.decode()
