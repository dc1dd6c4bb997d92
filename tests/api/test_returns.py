"""Returns through the API: the same services, rules and messages as the backoffice."""

from django.urls import reverse

from inventory.models import StockMovement
from notifications.models import OutgoingEmail
from returns import services
from returns.models import HistoryEntry, Return
from tests import factories


def _create(api, line, **extra):
    body = {
        "order_number": line.order.number,
        "lines": [{"sku": line.sku, "quantity": 2}],
        "reason": {"text": "Too small"},
        **extra,
    }
    return api.post("/api/v1/returns/", body, format="json")


def test_a_return_created_through_the_api_is_one_the_backoffice_would_create(
    api, write_key, shipped_line
):
    response = _create(api, shipped_line, notify_customer=True, staff_note="Phoned in.")
    assert response.status_code == 201, response.json()
    data = response.json()
    rma = Return.objects.get(pk=data["id"])
    assert response["Location"] == reverse("api:return-detail", args=[rma.pk])
    assert response["ETag"] == f'"{rma.pk}-1"'
    assert data["status"] == "new" and data["lines"][0]["quantity"] == 2
    assert data["lines"][0]["sku"] == shipped_line.sku
    # The key is who did it, in the history, and the customer got the e-mail.
    created = rma.history.get(kind=HistoryEntry.Kind.CREATED)
    assert created.actor == write_key.user
    assert data["history"][-1]["actor"] == "API · Shop sync"
    assert rma.notes.get().text == "Phoned in."
    assert OutgoingEmail.objects.filter(reference=f"return:{rma.pk}").count() == 1
    shipped_line.refresh_from_db()
    assert shipped_line.returned_quantity == 2


def test_the_quantity_rule_is_the_backoffices_with_its_message(api, shipped_line):
    response = _create(api, shipped_line, lines=[{"sku": shipped_line.sku, "quantity": 4}])
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    title = shipped_line.title
    assert response.json()["detail"] == f"Only 3 of “{title}” can be returned."
    assert not Return.objects.exists()


def test_changes_need_the_current_etag(api, shipped_line):
    rma = Return.objects.get(pk=_create(api, shipped_line).json()["id"])
    url = f"/api/v1/returns/{rma.pk}/"
    missing = api.patch(url, {"status": "approved"}, format="json")
    assert missing.status_code == 428
    stale = api.patch(url, {"status": "approved"}, format="json", HTTP_IF_MATCH=f'"{rma.pk}-9"')
    assert stale.status_code == 412
    etag = api.get(url)["ETag"]
    approved = api.patch(url, {"status": "approved"}, format="json", HTTP_IF_MATCH=etag)
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved" and approved["ETag"] != etag
    # Approving restocks, through the same stock rule.
    movement = StockMovement.objects.get(kind=StockMovement.Kind.RETURN_RESTOCK)
    assert movement.delta == 2
    # The ETag just used is stale now.
    again = api.patch(url, {"status": "credited"}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412


def test_a_transition_the_table_refuses_is_a_409_in_the_callers_language(api, shipped_line):
    rma = Return.objects.get(pk=_create(api, shipped_line).json()["id"])
    url = f"/api/v1/returns/{rma.pk}/"
    etag = api.get(url)["ETag"]
    response = api.patch(
        url,
        {"status": "credited"},
        format="json",
        HTTP_IF_MATCH=etag,
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "status"
    assert (
        body["detail"]
        == "Een retourzending met status Nieuw kan niet de status Artikel(en) gecrediteerd krijgen."
    )


def test_a_read_key_reads_but_does_not_write(api_read, shipped_line):
    assert api_read.get("/api/v1/returns/").status_code == 200
    response = _create(api_read, shipped_line)
    assert response.status_code == 403
    assert response.json()["detail"] == "This key may only read."


def test_a_note_is_added_without_changing_the_version(api, write_key, shipped_line):
    rma = Return.objects.get(pk=_create(api, shipped_line).json()["id"])
    response = api.post(f"/api/v1/returns/{rma.pk}/notes/", {"text": "Box dented."}, format="json")
    assert response.status_code == 201
    rma.refresh_from_db()
    assert rma.version == 1
    assert rma.notes.get().author == write_key.user


def test_the_list_filters_and_pages_by_cursor(api, shipped_line):
    staff = factories.StaffUserFactory()
    for _ in range(3):
        services.return_create(
            order=shipped_line.order,
            quantities={shipped_line.pk: 1},
            user=staff,
            origin=Return.Origin.STAFF,
            reason=services.Choice(text="Broken"),
        )
    first = api.get("/api/v1/returns/", {"page_size": 2, "status": "new"}).json()
    assert len(first["results"]) == 2 and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)
    assert api.get("/api/v1/returns/", {"status": "approved"}).json()["results"] == []
    assert api.get("/api/v1/returns/", {"page_size": 101}).status_code == 400


def test_a_return_that_does_not_exist_is_a_404_problem(api):
    response = api.get("/api/v1/returns/987654321/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_api_address_is_a_problem_document(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_staff_read_in_the_browser_but_do_not_write(staff_client, shipped_line):
    assert staff_client.get("/api/v1/returns/").status_code == 200
    response = staff_client.post(
        "/api/v1/returns/", {"order_number": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_customers_and_anonymous_get_nothing(customer_client, client, shipped_line):
    assert customer_client.get("/api/v1/returns/").status_code == 403
    client.logout()
    response = client.get("/api/v1/returns/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_an_order_that_cannot_be_returned_is_refused_as_in_the_backoffice(api, staff_client):
    line = factories.OrderLineFactory(order__status="pending", order__shipped_at=None, quantity=2)
    response = _create(api, line, lines=[{"sku": line.sku, "quantity": 1}])
    assert response.status_code == 409
    message = "This order awaits payment and has not shipped: nothing of it can be returned."
    assert response.json()["detail"] == message
    # The backoffice's order page says the same, in the same words.
    page = staff_client.get(f"/backoffice/orders/{line.order.number}/")
    assert message in page.content.decode()
    assert not Return.objects.exists()


def test_a_stale_version_inside_the_service_is_a_412_with_the_backoffices_message(
    api, shipped_line, monkeypatch
):
    rma = Return.objects.get(pk=_create(api, shipped_line).json()["id"])
    url = f"/api/v1/returns/{rma.pk}/"
    etag = api.get(url)["ETag"]
    # Someone saves between the API's If-Match check and the service's row lock.
    real = services.return_change

    def colleague_first(**kwargs):
        Return.objects.filter(pk=rma.pk).update(version=rma.version + 1)
        return real(**kwargs)

    monkeypatch.setattr(services, "return_change", colleague_first)
    response = api.patch(url, {"status": "approved"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["detail"].startswith("Someone else changed this return")
