"""Returns and e-mail together: Notify customer records one e-mail with the change, the
worker delivers it to a real SMTP server, and the history shows every state."""

import pytest
from django.db import transaction

from notifications.models import OutgoingEmail
from returns import services
from returns.history import history_lines
from returns.models import HistoryEntry
from returns.selectors import return_history
from tests.factories import OrderLineFactory
from tests.mail import run_worker


def test_a_status_change_with_notify_records_exactly_one_email_in_the_customers_language(
    line, make_return, staff, django_capture_on_commit_callbacks
):
    line.order.customer.language = "nl"
    line.order.customer.save()
    rma = make_return(line)
    with django_capture_on_commit_callbacks():
        services.return_change(
            rma=rma, user=staff, version=rma.version, status="approved", notify_customer=True
        )
    email = OutgoingEmail.objects.get()
    assert (email.to, email.language, email.reference) == (
        line.order.customer.user.email,
        "nl",
        f"return:{rma.pk}",
    )
    assert rma.number in email.subject and "Retour goedgekeurd" in email.subject + email.body
    assert "ORD-1" in email.body and f"/account/returns/{rma.pk}/" in email.body
    assert HistoryEntry.objects.filter(rma=rma, kind="email_queued").count() == 1


def test_no_email_without_notify_or_without_a_status_change(line, make_return, staff):
    rma = make_return(line)
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="in_progress")
    services.return_change(
        rma=rma, user=staff, version=rma.version, notify_customer=True, staff_note="x"
    )
    assert not OutgoingEmail.objects.exists()


def test_a_change_that_rolls_back_leaves_no_email(line, make_return, staff):
    rma = make_return(line)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.return_change(
            rma=rma, user=staff, version=rma.version, status="approved", notify_customer=True
        )
        raise RuntimeError("something after the save failed")
    assert not OutgoingEmail.objects.exists()
    assert not HistoryEntry.objects.filter(kind="email_queued").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_it_and_the_history_shows_queued_then_sent(
    smtp_server, customer, staff
):
    from inventory.services import stock_receive_initial
    from tests.factories import CatalogEntryFactory

    order_line = OrderLineFactory(order__customer=customer, quantity=2)
    stock_receive_initial(quantities={order_line.variant_id: 5})
    rma = services.return_create(
        order=order_line.order,
        quantities={order_line.pk: 2},
        user=staff,
        origin="staff",
        reason=services.Choice(entry=CatalogEntryFactory(kind="reason", name="Too small")),
    )
    services.return_change(
        rma=rma, user=staff, version=rma.version, status="approved", notify_customer=True
    )
    run_worker()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == customer.user.email
    assert "Return approved" in message["Subject"]
    # One entry per e-mail, saying what became of it (not one per state it went through),
    # where it was queued: with the status change that sent it.
    titles = [entry.title for entry in history_lines(return_history(rma))]
    assert titles.count(f"E-mail to {customer.user.email} sent") == 1
    assert f"E-mail to {customer.user.email} queued" not in titles
    assert titles.index(f"E-mail to {customer.user.email} sent") < titles.index(
        "Status changed from New to Return approved"
    )


@pytest.mark.django_db(transaction=True)
def test_a_permanent_failure_shows_in_the_history_with_the_error(smtp_server, customer, staff):
    from tests.factories import CatalogEntryFactory

    order_line = OrderLineFactory(order__customer=customer, quantity=1)
    rma = services.return_create(
        order=order_line.order,
        quantities={order_line.pk: 1},
        user=staff,
        origin="staff",
        reason=services.Choice(entry=CatalogEntryFactory(kind="reason", name="Too small")),
        notify_customer=True,
    )
    smtp_server.rcpt_replies = ["550 5.1.1 Mailbox unavailable"]
    run_worker()
    assert smtp_server.messages == []
    event = HistoryEntry.objects.get(rma=rma, kind="email_failed")
    assert "550" in event.data["error"]
    entry = history_lines([event])[0]
    assert entry.css == "history--failed" and any("550" in detail for detail in entry.details)


def test_a_customer_request_records_one_email_to_the_shop(line, reason, customer, settings):
    import uuid

    settings.SHOP_EMAIL = "returns@shop.example"
    token = uuid.uuid4()
    for _attempt in range(2):  # a double submit: one return, one e-mail
        services.return_request(
            customer=customer,
            order=line.order,
            quantities={line.pk: 2},
            reason=services.Choice(entry=reason),
            comment="Too tight",
            token=token,
        )
    email = OutgoingEmail.objects.get(to="returns@shop.example")
    assert email.event == "return_requested"
    assert "/backoffice/returns/" in email.body and "ORD-1" in email.body
