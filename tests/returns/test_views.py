from datetime import timedelta

import pytest
from django.utils import timezone

from returns import services
from returns.models import HistoryEntry, Return, ReturnNote
from tests.factories import CatalogEntryFactory, CustomerFactory, OrderLineFactory

# --- Orders > Returns ---------------------------------------------------------------------


def numbers(response):
    return [rma.number for rma in response.context["page"]]


@pytest.fixture
def listed(line, make_return, staff):
    """Three returns of different customers, statuses, reasons and ages."""
    other = OrderLineFactory(
        order__number="ORD-2",
        order__customer=CustomerFactory(name="Bob Builder", user__email="bob@build.example"),
        quantity=5,
    )
    too_large = CatalogEntryFactory(kind="reason", name="Too large")
    a = make_return(line, quantity=1)
    b = make_return(
        other, quantity=1, status="approved", reason_choice=services.Choice(entry=too_large)
    )
    c = make_return(other, quantity=2, status="cancelled")
    Return.objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(days=10))
    return {"a": a, "b": b, "c": c, "too_large": too_large}


def test_returns_list_shows_a_tab_per_status_with_counts(staff_client, listed):
    page = staff_client.get("/backoffice/returns/")
    assert page.status_code == 200
    counts = {code: count for _link, _label, count, code in page.context["tabs"]}
    assert counts["new"] == 1 and counts["approved"] == 1 and counts["cancelled"] == 1
    assert '<a href="?status=approved">Return approved <span class="count">1' in page.text
    assert page.context["all_count"] == 3
    assert numbers(page) == [listed["c"].number, listed["b"].number, listed["a"].number]
    assert "Return approved" in page.text and "Cancelled" in page.text


def test_returns_list_filters_and_searches(staff_client, listed):
    a, b = listed["a"].number, listed["b"].number
    assert numbers(staff_client.get("/backoffice/returns/?status=approved")) == [b]
    assert numbers(staff_client.get(f"/backoffice/returns/?reason={listed['too_large'].pk}")) == [b]
    assert numbers(staff_client.get(f"/backoffice/returns/?q={a}")) == [a]
    assert numbers(staff_client.get(f"/backoffice/returns/?q={a.lower().replace('ret-', '')}")) == [
        a
    ]
    assert numbers(staff_client.get("/backoffice/returns/?q=ORD-1")) == [a]
    assert len(numbers(staff_client.get("/backoffice/returns/?q=builder"))) == 2
    assert len(numbers(staff_client.get("/backoffice/returns/?q=BOB@build.example"))) == 2
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert a not in numbers(staff_client.get(f"/backoffice/returns/?created_from={since}"))
    until = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert numbers(staff_client.get(f"/backoffice/returns/?created_to={until}")) == [a]
    assert numbers(staff_client.get("/backoffice/returns/?sort=oldest"))[0] == a


def test_the_status_tabs_count_within_the_other_filters(staff_client, listed):
    page = staff_client.get("/backoffice/returns/?q=builder&status=approved")
    counts = {code: count for _link, _label, count, code in page.context["tabs"]}
    assert (counts["new"], counts["approved"], counts["cancelled"]) == (0, 1, 1)
    # The tabs keep the search and change the status.
    assert '<a href="?q=builder&amp;status=new">' in page.text


@pytest.mark.parametrize(
    "query",
    [
        "?status=nope",
        "?reason=999999",
        "?reason=abc",
        "?created_from=2026-13-45",
        "?created_to=yesterday",
        "?sort=DROP",
        "?page=abc",
        "?page=99999",
        "?q=%00",
        "?q=%27%22%3E%3Cscript%3E",
        "?q=RET-99999999999999999",
    ],
)
def test_odd_input_on_the_returns_list_is_never_an_error(staff_client, listed, query):
    assert staff_client.get("/backoffice/returns/" + query).status_code == 200


def test_returns_list_runs_the_same_queries_for_1_or_50_returns(
    staff_client, line, make_return, query_count
):
    make_return(line)
    one = query_count(lambda: staff_client.get("/backoffice/returns/"))
    for _ in range(49):
        make_return(OrderLineFactory(quantity=2), status="approved")
    assert query_count(lambda: staff_client.get("/backoffice/returns/")) == one
    assert one <= 10


# --- The return page ----------------------------------------------------------------------


def test_return_page_shows_header_lines_form_and_history(staff_client, line, make_return):
    rma = make_return(line, quantity=2, customer_comment="Seams come loose")
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/")
    assert page.status_code == 200
    for text in [
        rma.number,
        "ORD-1",
        "Chris Customer",
        line.sku,
        "Seams come loose",
        "Return created",
    ]:
        assert text in page.text
    offered = [code for code, _label in page.context["form"].fields["status"].choices]
    assert offered == ["new", "in_progress", "approved", "rejected", "cancelled"]


def test_saving_a_status_redirects_back_with_a_message(staff_client, line, make_return):
    rma = make_return(line, quantity=2)
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/")
    data = form_data(page)
    data.update(status="approved", staff_note="Parcel received")
    response = staff_client.post(f"/backoffice/returns/{rma.pk}/", data, follow=True)
    assert response.redirect_chain == [(f"/backoffice/returns/{rma.pk}/", 302)]
    assert f"Return {rma.number} saved." in response.text
    assert "Status changed from New to Return approved" in response.text
    assert "Parcel received" in response.text
    rma.refresh_from_db()
    assert rma.status == "approved"


def test_a_status_the_workflow_does_not_allow_is_refused_on_the_form(
    staff_client, line, make_return
):
    rma = make_return(line, status="credited")
    data = form_data(staff_client.get(f"/backoffice/returns/{rma.pk}/"))
    data["status"] = "new"
    response = staff_client.post(f"/backoffice/returns/{rma.pk}/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    rma.refresh_from_db()
    assert rma.status == "credited"


def test_the_second_of_two_concurrent_editors_is_told_and_keeps_their_input(
    client, staff, shop_admin, line, make_return
):
    rma = make_return(line)
    client.force_login(staff)
    staff_data = form_data(client.get(f"/backoffice/returns/{rma.pk}/"))
    client.force_login(shop_admin)
    admin_data = form_data(client.get(f"/backoffice/returns/{rma.pk}/"))
    admin_data.update(status="approved", staff_note="Approved by admin")
    assert client.post(f"/backoffice/returns/{rma.pk}/", admin_data).status_code == 302

    client.force_login(staff)
    staff_data.update(status="rejected", staff_note="My note")
    response = client.post(f"/backoffice/returns/{rma.pk}/", staff_data)
    assert response.status_code == 200
    assert "Someone else changed this return" in response.text
    assert "Approved by admin" in response.text  # their change is shown
    assert "My note" in response.text  # my input is kept
    rma.refresh_from_db()
    assert rma.status == "approved"
    assert list(ReturnNote.objects.values_list("text", flat=True)) == ["Approved by admin"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", "0", "greater than or equal to 1"),
        ("quantity", "-1", "greater than or equal to 1"),
        ("quantity", "two", "Enter a whole number"),
        ("quantity", "4", "less than or equal to 3"),
        ("reason", "999999", "Select a valid choice"),
        ("reason", "inactive", "Select a valid choice"),
        ("staff_note", "x" * 100_000, "at most 5000 characters"),
        ("customer_comment", "x" * 100_000, "at most 5000 characters"),
        ("reason_text", "y" * 300, "at most 200 characters"),
        ("staff_note", "nul\x00byte", "Null characters are not allowed"),
    ],
)
def test_bad_input_on_the_return_page_is_a_form_error_and_changes_nothing(
    staff_client, line, make_return, field, value, message
):
    rma = make_return(line, quantity=1)
    data = form_data(staff_client.get(f"/backoffice/returns/{rma.pk}/"))
    if field == "quantity":
        field = f"line_{rma.lines.get().pk}"
    if value == "inactive":
        value = str(CatalogEntryFactory(kind="reason", name="Retired", active=False).pk)
    data[field] = value
    events = HistoryEntry.objects.count()
    response = staff_client.post(f"/backoffice/returns/{rma.pk}/", data)
    assert response.status_code == 200
    assert message in response.text
    rma.refresh_from_db()
    assert rma.version == 1 and HistoryEntry.objects.count() == events


def test_a_quantity_above_what_is_returnable_is_refused(staff_client, line, make_return):
    rma = make_return(line, quantity=1)
    make_return(line, quantity=2)
    data = form_data(staff_client.get(f"/backoffice/returns/{rma.pk}/"))
    data[f"line_{rma.lines.get().pk}"] = "3"
    response = staff_client.post(f"/backoffice/returns/{rma.pk}/", data)
    assert "Only 1 of" in response.text
    assert rma.lines.get().quantity == 1


def test_text_is_shown_escaped(staff_client, line, make_return):
    script = "<script>alert('x')</script>"
    rma = make_return(
        line, customer_comment=script, staff_note=script, reason_choice=services.Choice(text=script)
    )
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/")
    assert script not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    assert script not in staff_client.get("/backoffice/returns/").text


def test_return_page_runs_the_same_queries_with_1_or_50_history_rows(
    staff_client, line, make_return, staff, query_count
):
    rma = make_return(line)
    url = f"/backoffice/returns/{rma.pk}/"
    one = query_count(lambda: staff_client.get(url))
    for i in range(49):
        rma.refresh_from_db()
        services.return_change(rma=rma, user=staff, version=rma.version, staff_note=f"note {i}")
    assert query_count(lambda: staff_client.get(url)) == one
    assert one <= 10


def test_unknown_return_is_404(staff_client, db):
    assert staff_client.get("/backoffice/returns/999999/").status_code == 404


# --- Create return from an order -----------------------------------------------------------


def test_the_order_page_has_a_create_return_button_and_lists_its_returns(
    staff_client, line, make_return
):
    rma = make_return(line)
    page = staff_client.get("/backoffice/orders/ORD-1/")
    assert 'href="/backoffice/orders/ORD-1/create-return/"' in page.text
    assert "Create return" in page.text and rma.number in page.text


def test_staff_create_a_return_for_a_customer(staff_client, line, reason, action):
    page = staff_client.get("/backoffice/orders/ORD-1/create-return/")
    assert page.status_code == 200
    response = staff_client.post(
        "/backoffice/orders/ORD-1/create-return/",
        {
            f"line_{line.pk}": "2",
            "reason": reason.pk,
            "action": action.pk,
            "update_stock": "on",
            "customer_comment": "Phoned in",
            "staff_note": "Label sent",
        },
        follow=True,
    )
    rma = Return.objects.get()
    assert response.redirect_chain == [(f"/backoffice/returns/{rma.pk}/", 302)]
    assert f"Return {rma.number} created." in response.text
    assert (rma.origin, rma.status, rma.update_stock, rma.lines.get().quantity) == (
        "staff",
        "new",
        True,
        2,
    )


@pytest.mark.parametrize(
    ("quantity", "extra", "message"),
    [
        ("0", {}, "Choose at least one item to return."),
        ("9", {}, "less than or equal to 3"),
        ("x", {}, "Enter a whole number"),
        ("1", {"reason": ""}, "Choose a return reason or type one."),
        ("1", {"reason_text": "also typed"}, "not both"),
    ],
)
def test_bad_input_on_create_return_creates_nothing(
    staff_client, line, reason, quantity, extra, message
):
    data = {f"line_{line.pk}": quantity, "reason": reason.pk, **extra}
    response = staff_client.post("/backoffice/orders/ORD-1/create-return/", data)
    assert response.status_code == 200
    assert message in response.text
    assert not Return.objects.exists()


def test_a_forged_line_of_another_order_creates_nothing(staff_client, line, reason):
    stranger = OrderLineFactory()
    response = staff_client.post(
        "/backoffice/orders/ORD-1/create-return/",
        {f"line_{line.pk}": "0", f"line_{stranger.pk}": "1", "reason": reason.pk},
    )
    assert response.status_code == 200
    assert not Return.objects.exists()


# --- Permissions --------------------------------------------------------------------------


def test_customers_reach_none_of_it_and_anonymous_users_log_in(
    client, customer_client, line, make_return
):
    rma = make_return(line)
    urls = [
        "/backoffice/returns/",
        f"/backoffice/returns/{rma.pk}/",
        "/backoffice/orders/ORD-1/create-return/",
        "/backoffice/returns/reasons-and-actions/",
    ]
    for url in urls:
        assert customer_client.get(url).status_code == 403
        assert customer_client.post(url, {}).status_code == 403
    customer_client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/backoffice/login/")


def test_staff_cannot_edit_the_catalog_or_settings(staff_client, reason):
    assert staff_client.get("/backoffice/returns/reasons-and-actions/").status_code == 403
    assert (
        staff_client.post(
            "/backoffice/returns/reasons-and-actions/", {"kind": "reason", "reason-name": "X"}
        ).status_code
        == 403
    )
    assert (
        staff_client.post(
            f"/backoffice/returns/reasons-and-actions/{reason.pk}/delete/"
        ).status_code
        == 403
    )
    assert staff_client.get("/backoffice/settings/account-service/").status_code == 403


# --- Catalog and settings pages ------------------------------------------------------------


def test_admins_manage_reasons_and_actions(admin_client, reason):
    response = admin_client.post(
        "/backoffice/returns/reasons-and-actions/",
        {"kind": "action", "action-name": "Store credit", "action-visible_to_customers": "on"},
        follow=True,
    )
    assert "“Store credit” added." in response.text
    duplicate = admin_client.post(
        "/backoffice/returns/reasons-and-actions/", {"kind": "reason", "reason-name": "too small"}
    )
    assert "There is already an entry with this name." in duplicate.text
    admin_client.post(
        f"/backoffice/returns/reasons-and-actions/{reason.pk}/", {"name": "Runs small"}
    )
    reason.refresh_from_db()
    assert (reason.name, reason.active) == ("Runs small", False)


def test_admins_switch_returns_off_and_set_the_window(admin_client):
    response = admin_client.post(
        "/backoffice/settings/account-service/", {"return_window_days": "14"}, follow=True
    )
    assert "Account &amp; service settings saved." in response.text
    from returns.selectors import return_settings

    assert (return_settings().allow_returns, return_settings().return_window_days) == (False, 14)
    bad = admin_client.post(
        "/backoffice/settings/account-service/", {"allow_returns": "on", "return_window_days": "-3"}
    )
    assert bad.status_code == 200 and return_settings().return_window_days == 14


def form_data(page) -> dict:
    """What the browser would post back: the form's current values."""
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    return data


def test_the_return_page_speaks_the_seeds_dutch(staff_client, line, make_return):
    rma = make_return(line, status="approved")
    staff_client.cookies["django_language"] = "nl"
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/").text
    for word in [
        "Retourzendingen",
        "Aantal retouren",
        "Retourreden",
        "Retouractie",
        "Voorraad bijwerken",
        "Klant inlichten",
        "Commentaar klant",
        "Notitie personeel",
        "Opslaan",
        "Retour goedgekeurd",
        "Artikel(en) gerepareerd",
        "Artikel(en) gecrediteerd",
        "Verzoek afgewezen",
        "Geannuleerd",
    ]:
        assert word in page, word
    listing = staff_client.get("/backoffice/returns/").text
    for word in ["Nieuw", "In behandeling"]:
        assert word in listing
    assert "Creëer retourzending" in staff_client.get("/backoffice/orders/ORD-1/").text


def test_create_return_says_so_when_nothing_is_left_to_return(staff_client, line, make_return):
    make_return(line, quantity=3)
    order_page = staff_client.get("/backoffice/orders/ORD-1/").text
    assert "already held by returns" in order_page
    assert "/create-return/" not in order_page
    page = staff_client.get("/backoffice/orders/ORD-1/create-return/", follow=True)
    assert page.redirect_chain == [("/backoffice/orders/ORD-1/", 302)]
    assert "Everything shipped on this order is already held by returns." in page.text


def test_the_returns_list_pages_with_cursors(staff_client, many_returns):
    first = staff_client.get("/backoffice/returns/")
    assert len(first.context["page"]) == 50 and first.context["total"] == 55
    second = staff_client.get("/backoffice/returns/", {"after": first.context["page"].next_cursor})
    assert len(second.context["page"]) == 5
    assert not {r.pk for r in first.context["page"]} & {r.pk for r in second.context["page"]}
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_a_large_filtered_list_says_more_than(staff_client, many_returns, monkeypatch):
    from returns import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    page = staff_client.get("/backoffice/returns/", {"q": "Chris"})
    assert "More than 10 returns" in page.text


@pytest.fixture
def many_returns(customer, make_return):
    return [make_return(OrderLineFactory(order__customer=customer, quantity=1)) for _ in range(55)]


def test_the_tab_and_page_links_keep_the_other_filters(staff_client, many_returns):
    page = staff_client.get("/backoffice/returns/", {"q": "Chris", "sort": "oldest"})
    assert 'href="?q=Chris&amp;sort=oldest&amp;status=approved"' in page.text
    assert 'href="?q=Chris&amp;sort=oldest&amp;after=' in page.text


def test_dates_are_written_day_first_on_a_24_hour_clock(staff_client, line, make_return):
    from datetime import datetime

    from django.utils import timezone

    rma = make_return(line)
    moment = timezone.make_aware(datetime(2026, 10, 12, 14, 5))
    Return.objects.filter(pk=rma.pk).update(created_at=moment)
    assert "12/10/2026 14:05" in staff_client.get("/backoffice/returns/").text
    staff_client.cookies["django_language"] = "nl"
    assert "12-10-2026 14:05" in staff_client.get("/backoffice/returns/").text
