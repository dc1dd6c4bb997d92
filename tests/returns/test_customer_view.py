"""What the customer wrote stays theirs (issue 14, item 1; SPEC §11).

A customer's request (lines, reason, wished action, comment) is kept as they sent it; staff
work on the return's own fields. Customer pages and e-mails show only the request, catalog
entries marked visible to customers, the status and dates: text staff typed never reaches
the customer, whichever field they typed it in (a property, over generated edits)."""

import uuid

import pytest
from django.db import DatabaseError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.models import OutgoingEmail
from returns import services
from returns.models import Return, ReturnRequest
from tests.factories import CatalogEntryFactory, OrderLineFactory


def _request(customer, order_line, **choices):
    rma, _created = services.return_request(
        customer=customer,
        order=order_line.order,
        quantities={order_line.pk: 2},
        reason=choices.get("reason", services.Choice(text="The sleeves are short")),
        action=choices.get("action", services.Choice(text="A size up, please")),
        comment=choices.get("comment", "Worn once, tags still on."),
        token=uuid.uuid4(),
    )
    return rma


def test_the_customers_request_is_kept_as_they_sent_it(customer, line, staff, reason, action):
    rma = _request(customer, line)
    services.return_change(
        rma=rma,
        user=staff,
        version=rma.version,
        status="approved",
        quantities={rma.lines.get().pk: 1},
        reason=services.Choice(entry=reason),
        action=services.Choice(entry=action),
        customer_comment="Staff: customer phoned, only one arrived.",
    )
    request = ReturnRequest.objects.get(rma=rma)
    assert request.quantities == {line.pk: 2}
    assert (request.reason, request.reason_text) == (None, "The sleeves are short")
    assert (request.action, request.action_text) == (None, "A size up, please")
    assert request.comment == "Worn once, tags still on."


def test_the_request_cannot_be_changed(customer, line):
    request = _request(customer, line).request
    request.comment = "edited"
    with pytest.raises(ValueError):
        request.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ReturnRequest.objects.filter(pk=request.pk).update(comment="edited")


def test_a_staff_created_return_has_no_request(line, make_return):
    assert not ReturnRequest.objects.filter(rma=make_return(line)).exists()


def test_the_customer_sees_their_request_not_staffs_edits(
    customer_client, customer, line, staff, reason
):
    rma = _request(customer, line)
    services.return_change(
        rma=rma,
        user=staff,
        version=rma.version,
        quantities={rma.lines.get().pk: 1},
        reason=services.Choice(text="Staff: sleeves were fine"),
        action=services.Choice(text="Staff: refund half"),
    )
    page = customer_client.get(f"/account/returns/{rma.pk}/").text
    for theirs in ("The sleeves are short", "A size up, please", "Worn once, tags still on."):
        assert theirs in page
    assert "Staff:" not in page
    assert 'class="num">2</td>' in page  # the quantity they asked for


def test_staff_see_the_request_apart_from_their_working_fields(staff_client, customer, line, staff):
    rma = _request(customer, line)
    services.return_change(
        rma=rma, user=staff, version=rma.version, reason=services.Choice(text="Too tight")
    )
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/")
    request_panel = page.text.split('id="customer-request-title"')[1].split("</section>")[0]
    assert "The sleeves are short" in request_panel and "A size up, please" in request_panel
    assert "Too tight" not in request_panel
    assert page.context["form"]["reason_text"].value() == "Too tight"
    # Their comment is shown once, in their request; the form has no field to edit it.
    assert page.text.count("Worn once, tags still on.") == 1
    assert "customer_comment" not in page.context["form"].fields


def test_a_staff_created_return_shows_its_comment_once_and_the_action_among_the_facts(
    staff_client, line, make_return, action
):
    rma = make_return(
        line, customer_comment="Phoned: wants it gone.", action=services.Choice(entry=action)
    )
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/").text
    assert page.count("Phoned: wants it gone.") == 1
    facts = page.split('<dl class="facts">')[1].split("</dl>")[0]
    assert "<dt>Return action</dt><dd>Send a larger size</dd>" in facts


# --- The property: nothing staff type reaches the customer ---------------------------------

# Every field staff can type in, on a return or in the catalog it reads from.
STAFF_FIELDS = [
    "reason text",
    "action text",
    "customer comment",
    "staff note",
    "staff-only reason",
    "staff-only action",
    "customer's reason hidden and renamed",
    "customer's action hidden and renamed",
]
STATUS_PATHS = [[], ["in_progress"], ["approved"], ["approved", "credited"], ["rejected"]]


def _customer_texts(client, customer, rma) -> list[str]:
    """Every customer page that can show this return, and every e-mail to the customer."""
    order = rma.order.number
    urls = [
        "/account/",
        "/account/returns/",
        f"/account/returns/{rma.pk}/",
        f"/account/orders/{order}/",
        f"/account/orders/{order}/request-return/",
    ]
    texts = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        texts.append(response.text)
    for email in OutgoingEmail.objects.filter(to=customer.user.email):
        texts += [email.subject, email.body, email.html_body]
    return texts


@pytest.mark.django_db
def test_nothing_staff_type_ever_reaches_the_customer(customer_client, customer, staff, shop_admin):
    order_line = OrderLineFactory(order__customer=customer, quantity=5)
    reason = CatalogEntryFactory(kind="reason", name="Too small")
    action = CatalogEntryFactory(kind="action", name="Send a larger size")

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        requested=st.booleans(),
        customer_picks_entries=st.booleans(),
        edits=st.lists(st.sampled_from(STAFF_FIELDS), min_size=1, unique=True),
        path=st.sampled_from(STATUS_PATHS),
        token=st.from_regex(r"[a-z]{8}", fullmatch=True),
    )
    def check(requested, customer_picks_entries, edits, path, token):
        marker = {field: f"Zq{token}{i}x" for i, field in enumerate(STAFF_FIELDS)}
        with transaction.atomic():
            picks = {
                "reason": services.Choice(entry=reason)
                if customer_picks_entries
                else services.Choice(text="Sleeves short"),
                "action": services.Choice(entry=action)
                if customer_picks_entries
                else services.Choice(text="Size up"),
            }
            if requested:
                rma = _request(customer, order_line, **picks)
            else:
                rma = services.return_create(
                    order=order_line.order,
                    quantities={order_line.pk: 1},
                    user=staff,
                    origin=Return.Origin.STAFF,
                    reason=services.Choice(text=marker["reason text"]),
                    action=services.Choice(text=marker["action text"]),
                    customer_comment=marker["customer comment"],
                    staff_note=marker["staff note"],
                    notify_customer=True,
                )
            change = {}
            for field in edits:
                if field in ("reason text", "action text"):
                    change[field.split()[0]] = services.Choice(text=marker[field])
                elif field == "customer comment":
                    change["customer_comment"] = marker[field]
                elif field == "staff note":
                    change["staff_note"] = marker[field]
                elif field.startswith("staff-only"):
                    kind = field.split()[1]
                    entry = services.catalog_entry_create(
                        actor=shop_admin,
                        kind=kind,
                        name=marker[field],
                        names={"nl": marker[field]},
                        visible_to_customers=False,
                    )
                    change[kind] = services.Choice(entry=entry)
                elif customer_picks_entries:  # the customer's entry, hidden and renamed
                    entry = reason if "reason" in field else action
                    services.catalog_entry_update(
                        actor=shop_admin,
                        entry=entry,
                        name=marker[field],
                        visible_to_customers=False,
                    )
            rma = services.return_change(rma=rma, user=staff, version=rma.version, **change)
            for status in path:
                rma = services.return_change(
                    rma=rma, user=staff, version=rma.version, status=status, notify_customer=True
                )
            texts = _customer_texts(customer_client, customer, rma)
            shown = [
                (field, text[:80])
                for field in STAFF_FIELDS
                for text in texts
                if marker[field] in text
            ]
            assert not shown, shown
            transaction.set_rollback(True)

    check()
