"""The customer's side of returns (SPEC §5): Request return, My returns, and the rules
that protect them (eligibility on the server, isolation, one return per form)."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry
from orders.models import OrderLine
from returns import exceptions, services
from returns.models import HistoryEntry, Return, ReturnLine, ReturnSettings
from tests.factories import CatalogEntryFactory, OrderFactory, OrderLineFactory


def request_url(order):
    return f"/account/orders/{order.number}/request-return/"


def form_data(line, **changes):
    data = {
        f"line_{line.pk}": "1",
        "reason_text": "",
        "action_text": "",
        "comment": "",
        "token": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


@pytest.fixture
def returns_off(db):
    ReturnSettings.objects.update_or_create(pk=1, defaults={"allow_returns": False})


@pytest.fixture
def their_line(other_customer):
    return OrderLineFactory(order__customer=other_customer, order__number="THEIRS-1", quantity=2)


def returned(line):
    return OrderLine.objects.get(pk=line.pk).returned_quantity


# --- The button ------------------------------------------------------------------------


def test_my_orders_offers_request_return_only_next_to_eligible_orders(
    customer_client, customer, line
):
    OrderFactory(number="NOT-SHIPPED", customer=customer, shipped_at=None, status="paid")
    old = OrderFactory(
        number="TOO-OLD", customer=customer, shipped_at=timezone.now() - timedelta(days=90)
    )
    OrderLineFactory(order=old)
    page = customer_client.get("/account/")
    actions = {order.number: buttons for order, buttons in page.context["rows"]}
    assert actions == {
        "ORD-1": [("Request return", "/account/orders/ORD-1/request-return/")],
        "NOT-SHIPPED": [],
        "TOO-OLD": [],
    }
    assert page.text.count("Request return") == 1


def test_the_order_page_has_the_button_or_says_why_not(customer_client, customer, line):
    page = customer_client.get("/account/orders/ORD-1/")
    assert 'href="/account/orders/ORD-1/request-return/"' in page.text

    OrderFactory(number="NOT-SHIPPED", customer=customer, shipped_at=None, status="paid")
    page = customer_client.get("/account/orders/NOT-SHIPPED/")
    assert "request-return" not in page.text
    assert "This order has not shipped yet." in page.text

    shipped = timezone.now() - timedelta(days=45)
    OrderLineFactory(order__number="TOO-OLD", order__customer=customer, order__shipped_at=shipped)
    page = customer_client.get("/account/orders/TOO-OLD/")
    last_day = timezone.localdate(shipped) + timedelta(days=30)
    assert "request-return" not in page.text
    assert f"The return period for this order ended on {last_day.day} " in page.text


def test_the_order_page_lists_its_returns_including_those_staff_created(
    customer_client, line, make_return
):
    rma = make_return(line, quantity=1, status="approved")
    page = customer_client.get("/account/orders/ORD-1/")
    assert f'href="/account/returns/{rma.pk}/"' in page.text
    assert "Return approved" in page.text


# --- Requesting a return -------------------------------------------------------------------


def test_a_customer_requests_a_return(customer_client, customer, line, reason, action):
    second = OrderLineFactory(order=line.order, quantity=1)
    staff_only = CatalogEntryFactory(kind="reason", name="Misuse", visible_to_customers=False)
    form = customer_client.get(request_url(line.order))
    assert form.status_code == 200
    assert "Too small" in form.text and staff_only.name not in form.text
    token = form.context["form"]["token"].value()

    response = customer_client.post(
        request_url(line.order),
        {
            f"line_{line.pk}": "2",
            f"line_{second.pk}": "0",
            "reason": reason.pk,
            "action": action.pk,
            "comment": "  The sleeves are too short.  ",
            "token": str(token),
        },
        follow=True,
    )

    rma = Return.objects.get()
    assert response.redirect_chain == [(f"/account/returns/{rma.pk}/", 302)]
    assert f"We received your return request {rma.number}" in response.text
    assert (rma.status, rma.origin, rma.customer, rma.order) == (
        "new",
        "customer",
        customer,
        line.order,
    )
    assert (rma.reason, rma.action) == (reason, action)
    assert rma.customer_comment == "The sleeves are too short."
    assert str(rma.request_token) == token
    assert rma.created_by == customer.user
    assert [(rl.order_line, rl.quantity) for rl in rma.lines.all()] == [(line, 2)]
    assert returned(line) == 2
    assert HistoryEntry.objects.get(rma=rma, kind="created").data["origin"] == "customer"


def test_the_customer_may_type_their_own_reason_and_wish(customer_client, line):
    customer_client.post(
        request_url(line.order),
        form_data(line, reason_text="Colour differs from the photo", action_text="Refund"),
    )
    rma = Return.objects.get()
    assert (rma.reason, rma.reason_text, rma.action_text) == (
        None,
        "Colour differs from the photo",
        "Refund",
    )


def test_the_same_form_sent_twice_creates_one_return(customer_client, line, reason):
    data = form_data(line, reason=reason.pk)
    first = customer_client.post(request_url(line.order), data)
    again = customer_client.post(request_url(line.order), data, follow=True)
    rma = Return.objects.get()
    assert first.url == f"/account/returns/{rma.pk}/"
    assert again.redirect_chain == [(f"/account/returns/{rma.pk}/", 302)]
    assert "You already sent this return request" in again.text
    assert returned(line) == 1


def test_a_resubmit_finds_its_return_even_once_the_order_is_no_longer_eligible(
    customer_client, line, reason
):
    data = form_data(line, reason=reason.pk, **{f"line_{line.pk}": "3"})
    customer_client.post(request_url(line.order), data)
    ReturnSettings.objects.update_or_create(pk=1, defaults={"allow_returns": False})
    again = customer_client.post(request_url(line.order), data)
    assert again.status_code == 302 and again.url == f"/account/returns/{Return.objects.get().pk}/"


def test_a_new_form_is_a_new_request(customer_client, line, reason):
    customer_client.post(request_url(line.order), form_data(line, reason=reason.pk))
    customer_client.post(request_url(line.order), form_data(line, reason=reason.pk))
    assert Return.objects.count() == 2 and returned(line) == 2


def test_the_service_gives_back_the_return_of_a_token_it_has_seen(customer, line, reason):
    token = uuid.uuid4()
    kwargs = {
        "customer": customer,
        "order": line.order,
        "quantities": {line.pk: 1},
        "reason": services.Choice(entry=reason),
        "token": token,
    }
    first, created = services.return_request(**kwargs)
    second, created_again = services.return_request(**kwargs)
    assert (created, created_again) == (True, False)
    assert first == second and Return.objects.count() == 1


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "reason", "name": "Staff only", "visible_to_customers": False},
        {"kind": "reason", "name": "Retired", "active": False},
        {"kind": "action", "name": "Staff action", "visible_to_customers": False},
    ],
)
def test_the_service_refuses_entries_customers_may_not_choose(customer, line, reason, entry):
    entry = CatalogEntryFactory(**entry)
    choices = {"reason": services.Choice(entry=reason), "action": services.Choice()}
    choices[entry.kind] = services.Choice(entry=entry)
    with pytest.raises(exceptions.InvalidReturnInput):
        services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 1},
            token=uuid.uuid4(),
            **choices,
        )
    assert not Return.objects.exists() and returned(line) == 0


def test_the_service_rechecks_eligibility(customer, line, reason, returns_off):
    with pytest.raises(exceptions.ReturnsNotAllowed, match="not possible right now"):
        services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 1},
            reason=services.Choice(entry=reason),
            token=uuid.uuid4(),
        )
    assert not Return.objects.exists()


# --- Allow returns off ----------------------------------------------------------------------


def test_with_returns_off_the_button_is_gone_everywhere(customer_client, line, returns_off):
    assert "Request return" not in customer_client.get("/account/").text
    page = customer_client.get("/account/orders/ORD-1/")
    assert "request-return" not in page.text
    assert "Returns are not possible right now." in page.text


def test_with_returns_off_the_request_page_is_refused(customer_client, line, returns_off):
    page = customer_client.get(request_url(line.order))
    assert page.status_code == 403
    assert "Returns are not possible right now." in page.text
    assert '<form method="post" class="panel form"' not in page.text


def test_with_returns_off_a_forged_post_is_refused_and_creates_nothing(
    customer_client, line, reason, returns_off
):
    response = customer_client.post(request_url(line.order), form_data(line, reason=reason.pk))
    assert response.status_code == 403
    assert "Returns are not possible right now." in response.text
    assert not Return.objects.exists() and not ReturnLine.objects.exists()
    assert returned(line) == 0


def test_returns_switched_off_between_form_and_submit_is_refused(customer_client, line, reason):
    form = customer_client.get(request_url(line.order))
    ReturnSettings.objects.update_or_create(pk=1, defaults={"allow_returns": False})
    data = form_data(line, reason=reason.pk, token=str(form.context["form"]["token"].value()))
    response = customer_client.post(request_url(line.order), data)
    assert response.status_code == 403 and not Return.objects.exists()


def test_a_forged_post_for_an_order_outside_the_window_creates_nothing(
    customer_client, customer, reason
):
    line = OrderLineFactory(
        order__customer=customer, order__shipped_at=timezone.now() - timedelta(days=60)
    )
    response = customer_client.post(request_url(line.order), form_data(line, reason=reason.pk))
    assert response.status_code == 403
    assert "The return period for this order ended on" in response.text
    assert not Return.objects.exists()


# --- Isolation ------------------------------------------------------------------------------


def test_another_customers_order_request_page_and_return_are_404(
    customer_client, their_line, reason, make_return
):
    theirs = make_return(their_line, quantity=1)
    assert customer_client.get("/account/orders/THEIRS-1/").status_code == 404
    assert customer_client.get(request_url(their_line.order)).status_code == 404
    forged = customer_client.post(request_url(their_line.order), form_data(their_line))
    assert forged.status_code == 404
    assert customer_client.get(f"/account/returns/{theirs.pk}/").status_code == 404
    assert customer_client.get("/account/returns/999999/").status_code == 404
    assert Return.objects.count() == 1 and returned(their_line) == 1
    assert theirs.number not in customer_client.get("/account/returns/").text


def test_the_token_of_another_customers_request_does_not_reveal_their_return(
    client, customer, line, their_line, reason
):
    token = uuid.uuid4()
    services.return_request(
        customer=their_line.order.customer,
        order=their_line.order,
        quantities={their_line.pk: 1},
        reason=services.Choice(entry=reason),
        token=token,
    )
    client.force_login(customer.user)
    response = client.post(request_url(line.order), form_data(line, reason=reason.pk, token=token))
    mine = Return.objects.get(customer=customer)
    assert response.url == f"/account/returns/{mine.pk}/"
    assert Return.objects.count() == 2


def test_the_service_refuses_another_customers_order(customer, their_line, reason):
    # A domain error, not an HTTP one; the pages show it as their 404 (test above).
    from orders.exceptions import OrderNotFound

    with pytest.raises(OrderNotFound):
        services.return_request(
            customer=customer,
            order=their_line.order,
            quantities={their_line.pk: 1},
            reason=services.Choice(entry=reason),
            token=uuid.uuid4(),
        )
    assert not Return.objects.exists()


def test_staff_and_visitors_do_not_reach_the_customer_pages(client, staff_client, line):
    assert staff_client.get(request_url(line.order)).status_code == 403
    assert staff_client.get("/account/returns/").status_code == 403
    client.logout()
    response = client.get("/account/returns/")
    assert response.status_code == 302 and response.url.startswith("/account/login/")


# --- Bad input ------------------------------------------------------------------------------


@pytest.fixture
def other_order_line(customer):
    return OrderLineFactory(order__customer=customer, order__number="ORD-2")


BAD_INPUT = {
    "quantity 0": ({"line": "0"}, "Choose at least one item to return."),
    "no quantity": ({"line": ""}, "Choose at least one item to return."),
    "above the remaining": ({"line": "4"}, "You can return at most 3 of this item."),
    "negative": ({"line": "-1"}, "Ensure this value is greater than or equal to 0."),
    "not a number": ({"line": "two"}, "Enter a number of items, such as 1."),
    "huge number": ({"line": "9" * 30}, "You can return at most 3"),
    "a line of another order": ({"other_line": "1"}, "A chosen item is not part of this order."),
    "no reason": ({"reason": ""}, "Choose a return reason or type one."),
    "list and text": ({"reason_text": "Too big"}, "Choose from the list or type your own"),
    "unknown entry": ({"reason": "999999"}, "Select a valid choice."),
    "entry id not a number": ({"reason": "abc"}, "Select a valid choice."),
    "inactive entry": ({"reason": "inactive"}, "Select a valid choice."),
    "staff-only entry": ({"reason": "staff_only"}, "Select a valid choice."),
    "staff-only action": ({"action": "staff_only_action"}, "Select a valid choice."),
    "an action as reason": ({"reason": "action"}, "Select a valid choice."),
    "100 KB comment": ({"comment": "x" * 100_000}, "Ensure this value has at most 5000"),
    "long reason text": ({"reason": "", "reason_text": "y" * 201}, "at most 200 characters"),
}


@pytest.mark.parametrize(("changes", "error"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_a_form_error_and_creates_nothing(
    customer_client, line, other_order_line, reason, action, changes, error
):
    entries = {
        "inactive": CatalogEntryFactory(kind="reason", name="Old", active=False).pk,
        "staff_only": CatalogEntryFactory(
            kind="reason", name="Misuse", visible_to_customers=False
        ).pk,
        "staff_only_action": CatalogEntryFactory(
            kind="action", name="Check for misuse", visible_to_customers=False
        ).pk,
        "action": action.pk,
    }
    data = form_data(line, reason=reason.pk)
    for key, value in changes.items():
        if key == "line":
            data[f"line_{line.pk}"] = value
        elif key == "other_line":
            data[f"line_{other_order_line.pk}"] = value
        else:
            data[key] = entries.get(value, value)
    response = customer_client.post(request_url(line.order), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert error in response.text
    assert not Return.objects.exists() and returned(line) == 0


def test_script_tags_are_shown_escaped(customer_client, line):
    script = "<script>alert('x')</script>"
    refused = customer_client.post(
        request_url(line.order),
        form_data(line, reason_text=script, comment=script, **{f"line_{line.pk}": "9"}),
    )
    assert refused.status_code == 200 and not Return.objects.exists()
    assert script not in refused.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in refused.text

    customer_client.post(request_url(line.order), form_data(line, reason_text=script))
    rma = Return.objects.get()
    page = customer_client.get(f"/account/returns/{rma.pk}/")
    assert script not in page.text
    assert "&lt;script&gt;" in page.text


def test_a_mangled_token_gets_a_fresh_one(customer_client, line, reason):
    customer_client.post(request_url(line.order), form_data(line, reason=reason.pk, token="zz"))
    customer_client.post(request_url(line.order), form_data(line, reason=reason.pk, token=""))
    assert Return.objects.count() == 2
    assert Return.objects.filter(request_token__isnull=True).count() == 0


def test_a_quantity_taken_meanwhile_is_a_form_error(customer_client, line, reason, make_return):
    form = customer_client.get(request_url(line.order))
    make_return(line, quantity=2)  # staff, while the customer fills in the form
    data = form_data(
        line,
        reason=reason.pk,
        token=str(form.context["form"]["token"].value()),
        **{f"line_{line.pk}": "3"},
    )
    response = customer_client.post(request_url(line.order), data)
    assert response.status_code == 200
    assert "You can return at most 1 of this item." in response.text
    assert Return.objects.count() == 1


# --- My returns -----------------------------------------------------------------------------


def test_my_returns_lists_mine_including_staff_created(
    customer_client, line, make_return, their_line
):
    by_staff = make_return(line, quantity=1, status="approved")
    mine = services.return_request(
        customer=line.order.customer,
        order=line.order,
        quantities={line.pk: 1},
        reason=services.Choice(text="Too small"),
        token=uuid.uuid4(),
    )[0]
    make_return(their_line, quantity=1)
    page = customer_client.get("/account/returns/")
    assert page.status_code == 200
    assert [rma.pk for rma in page.context["page"]] == [mine.pk, by_staff.pk]
    assert "Return approved" in page.text and "New" in page.text
    assert 'aria-current="page">My returns' in page.text


def test_a_dutch_customer_reads_statuses_in_dutch(client, line, make_return):
    customer = line.order.customer
    customer.language = "nl"
    customer.save()
    rma = make_return(line, quantity=1, status="approved")
    client.post("/account/login/", {"username": customer.user.email, "password": "secret-pass-123"})
    assert "Retour goedgekeurd" in client.get("/account/returns/").text
    page = client.get(f"/account/returns/{rma.pk}/")
    assert "Retour goedgekeurd" in page.text and "Return approved" not in page.text


def test_a_return_page_shows_lines_status_and_history_but_nothing_for_staff_only(
    customer_client, line, make_return, staff
):
    staff_only = CatalogEntryFactory(kind="reason", name="Suspected misuse")
    staff_only.visible_to_customers = False
    staff_only.save()
    rma = make_return(
        line,
        quantity=2,
        reason_choice=services.Choice(entry=staff_only),
        customer_comment="Called the shop, very angry",
        staff_note="Check the seams before approving",
        notify_customer=False,
    )
    rma = services.return_change(
        rma=rma, user=staff, version=rma.version, status="approved", staff_note="Seams ok"
    )
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="credited")
    services.return_change(rma=rma, user=_an_admin(), version=rma.version, status="in_progress")

    page = customer_client.get(f"/account/returns/{rma.pk}/")
    assert page.status_code == 200
    text = page.text
    assert line.title in text and line.sku in text
    assert "The shop created this return for you" in text
    assert "Status changed from New to Return approved" in text
    assert "Reopened: Item(s) credited → In progress" in text
    for secret in [
        "Check the seams",
        "Seams ok",
        "Staff note",
        "Sam Staff",
        "Ada Admin",
        "Called the shop",
        "Suspected misuse",
        "back in stock",
        "Stock updated",
        "E-mail",
    ]:
        assert secret not in text, secret


def _an_admin():
    from tests.factories import AdminUserFactory

    return AdminUserFactory(full_name="Ada Admin")


# --- Query budgets --------------------------------------------------------------------------


def test_my_orders_runs_the_same_queries_for_1_or_20_orders(customer_client, customer, query_count):
    OrderLineFactory(order__customer=customer)
    one = query_count(lambda: customer_client.get("/account/"))
    for i in range(19):
        OrderLineFactory(
            order__customer=customer,
            order__placed_at=timezone.now() - timedelta(days=i + 1),
            order__shipped_at=None if i % 3 == 0 else timezone.now() - timedelta(days=i * 5),
        )
    many = customer_client.get("/account/")
    assert query_count(lambda: customer_client.get("/account/")) == one
    assert one <= 10
    assert 0 < many.text.count("Request return") < 20


def test_my_returns_runs_the_same_queries_for_1_or_50_returns(
    customer_client, customer, reason, query_count
):
    def make(count):
        for _ in range(count):
            line = OrderLineFactory(order__customer=customer, quantity=1)
            services.return_create(
                order=line.order,
                quantities={line.pk: 1},
                user=None,
                origin="customer",
                reason=services.Choice(entry=reason),
            )

    make(1)
    one = query_count(lambda: customer_client.get("/account/returns/"))
    make(49)
    assert query_count(lambda: customer_client.get("/account/returns/")) == one
    assert query_count(lambda: customer_client.get("/account/returns/?page=3")) == one
    assert one <= 10


def test_the_request_form_runs_the_same_queries_for_1_or_20_lines(
    customer_client, customer, line, reason, query_count
):
    url = request_url(line.order)
    one = query_count(lambda: customer_client.get(url))
    for _ in range(19):
        OrderLineFactory(order=line.order)
        CatalogEntryFactory(kind="action")
    assert len(customer_client.get(url).context["form"].line_fields()) == 20
    assert query_count(lambda: customer_client.get(url)) == one
    assert one <= 10


def test_a_return_page_runs_the_same_queries_for_1_or_20_history_rows(
    customer_client, line, make_return, staff, query_count
):
    rma = make_return(line, quantity=1)
    url = f"/account/returns/{rma.pk}/"
    one = query_count(lambda: customer_client.get(url))
    for _ in range(10):
        rma = services.return_change(rma=rma, user=staff, version=rma.version, status="cancelled")
        rma = services.return_change(
            rma=rma, user=_an_admin(), version=rma.version, status="in_progress"
        )
    assert query_count(lambda: customer_client.get(url)) == one
    assert one <= 10


# --- Settings > Account & service ------------------------------------------------------------


def test_account_and_service_links_to_inventory_and_notification_emails(admin_client):
    page = admin_client.get("/backoffice/settings/account-service/")
    assert 'href="/backoffice/settings/inventory/"' in page.text
    assert 'href="/backoffice/settings/notification-emails/"' in page.text


def test_every_settings_change_is_saved_with_a_message_and_audited(admin_client, shop_admin):
    response = admin_client.post(
        "/backoffice/settings/account-service/",
        {"allow_returns": "", "return_window_days": "14"},
        follow=True,
    )
    assert "Account &amp; service settings saved." in response.text
    entry = AuditEntry.objects.get(area="settings.returns")
    assert entry.actor == shop_admin
    assert entry.changes == {"allow_returns": [True, False], "return_window_days": [30, 14]}
    admin_client.post(
        "/backoffice/settings/account-service/", {"allow_returns": "on", "return_window_days": "14"}
    )
    latest = AuditEntry.objects.filter(area="settings.returns").order_by("-pk").first()
    assert latest.changes == {"allow_returns": [False, True]}
    assert AuditEntry.objects.filter(area="settings.returns").count() == 2


def test_switching_returns_off_in_settings_takes_the_button_away(admin_client, customer, line):
    shopper = Client()
    shopper.force_login(customer.user)
    assert "Request return" in shopper.get("/account/").text
    admin_client.post(
        "/backoffice/settings/account-service/", {"allow_returns": "", "return_window_days": "30"}
    )
    assert "Request return" not in shopper.get("/account/").text
    assert shopper.get(request_url(line.order)).status_code == 403


def test_an_action_staff_typed_stays_off_the_customers_page(customer_client, line, make_return):
    rma = make_return(line, action=services.Choice(text="Inspect for misuse first"))
    page = customer_client.get(f"/account/returns/{rma.pk}/")
    assert page.status_code == 200
    assert "Inspect for misuse first" not in page.text
