"""The money rule and the numbering under real concurrency: threads with their own
PostgreSQL connections, released together by a barrier."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from billing import services
from billing.exceptions import MoreThanPaid
from billing.models import CreditInvoice, CreditInvoiceLine
from billing.services import LineInput
from tests.factories import OrderLineFactory, StaffUserFactory, VariantFactory
from tests.returns.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def test_twenty_credit_invoices_for_one_line_never_credit_more_than_paid():
    staff = StaffUserFactory()
    line = OrderLineFactory(variant=VariantFactory(price=Decimal("24.95")), quantity=3)

    def credit(_i):
        # Everybody credits 2 of the 3 items at once: only one of them fits.
        return services.credit_invoice_create(
            order=line.order, user=staff, lines={line.pk: LineInput(2)}
        )

    results, _seconds = run_together(THREADS, credit)
    made = [r for r in results if isinstance(r, CreditInvoice)]
    refused = [r for r in results if isinstance(r, MoreThanPaid)]
    assert len(made) == 1, results
    assert len(refused) == THREADS - 1
    line.refresh_from_db()
    line.order.refresh_from_db()
    credited = CreditInvoiceLine.objects.filter(order_line=line).aggregate(s=Sum("amount"))["s"]
    assert line.credited_amount == credited == Decimal("49.90")
    assert line.order.credited_total == Decimal("49.90") <= line.order.total_paid


def test_twenty_small_credit_invoices_stop_exactly_at_what_was_paid():
    staff = StaffUserFactory()
    line = OrderLineFactory(variant=VariantFactory(price=Decimal("10.00")), quantity=1)

    def credit(_i):
        return services.credit_invoice_create(
            order=line.order, user=staff, lines={line.pk: LineInput(1, Decimal("0.75"))}
        )

    results, _seconds = run_together(THREADS, credit)
    made = [r for r in results if isinstance(r, CreditInvoice)]
    # 13 × 0.75 = 9.75; a 14th would be 10.50.
    assert len(made) == 13, results
    assert all(isinstance(r, MoreThanPaid) for r in results if r not in made)
    line.refresh_from_db()
    assert line.credited_amount == Decimal("9.75")


def test_twenty_parallel_issues_get_gap_free_numbers():
    staff = StaffUserFactory()
    drafts = []
    for _ in range(THREADS):
        line = OrderLineFactory(quantity=1)
        drafts.append(
            services.credit_invoice_create(
                order=line.order, user=staff, lines={line.pk: LineInput(1)}
            )
        )

    def issue(i):
        return services.credit_invoice_issue(invoice=drafts[i], user=staff)

    results, _seconds = run_together(THREADS, issue)
    assert all(isinstance(r, CreditInvoice) for r in results), results
    numbers = sorted(CreditInvoice.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"CR-{year}-{n:05d}" for n in range(1, THREADS + 1)]


def test_issuing_the_same_draft_twenty_times_numbers_it_once():
    staff = StaffUserFactory()
    line = OrderLineFactory(quantity=1)
    draft = services.credit_invoice_create(
        order=line.order, user=staff, lines={line.pk: LineInput(1)}
    )

    results, _seconds = run_together(
        THREADS, lambda _i: services.credit_invoice_issue(invoice=draft, user=staff)
    )
    assert sum(isinstance(r, CreditInvoice) for r in results) == 1
    draft.refresh_from_db()
    assert draft.number.endswith("-00001")
