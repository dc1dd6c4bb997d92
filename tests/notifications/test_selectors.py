import pytest
from django.conf import settings

from notifications import registry, selectors
from notifications.registry import default_texts
from tests.factories import (
    DeliveryAttemptFactory,
    EmailTemplateFactory,
    FailedEmailFactory,
    OutgoingEmailFactory,
)

pytestmark = pytest.mark.django_db


def test_outbox_list_is_newest_first_and_filters_by_state():
    older = OutgoingEmailFactory()
    failed = FailedEmailFactory()
    assert list(selectors.outbox_list()) == [failed, older]
    assert list(selectors.outbox_list(state="failed")) == [failed]
    assert list(selectors.outbox_list(state="nonsense")) == [failed, older]


def test_outbox_list_leaves_the_texts_out(django_assert_num_queries):
    OutgoingEmailFactory()
    with django_assert_num_queries(1):
        [email] = selectors.outbox_list()
        assert email.subject and email.last_error == ""
    assert {"body", "html_body"} <= email.get_deferred_fields()


def test_state_counts_cover_every_state_in_one_query(django_assert_num_queries):
    OutgoingEmailFactory.create_batch(2)
    FailedEmailFactory()
    with django_assert_num_queries(1):
        counts = selectors.outbox_state_counts()
    assert counts == {"queued": 2, "sending": 0, "retrying": 0, "sent": 0, "failed": 1}


def test_detail_brings_the_attempts_along(django_assert_num_queries):
    attempt = DeliveryAttemptFactory()
    DeliveryAttemptFactory(email=attempt.email, number=2)
    with django_assert_num_queries(2):
        email = selectors.outbox_email_detail().get(pk=attempt.email.pk)
        assert [a.number for a in email.delivery_attempts.all()] == [1, 2]


def test_emails_for_a_reference_oldest_first():
    first = OutgoingEmailFactory(reference="return:7")
    OutgoingEmailFactory(reference="return:8")
    second = OutgoingEmailFactory(reference="return:7")
    assert list(selectors.emails_for_reference("return:7")) == [first, second]


def test_template_overview_lists_every_event_and_language(django_assert_num_queries):
    EmailTemplateFactory(event="return_requested", language="nl", subject="Nieuw: {return_number}")
    with django_assert_num_queries(1):
        rows = selectors.email_template_overview()
    assert len(rows) == len(registry.all_events()) * len(settings.LANGUAGES)
    changed = [row for row in rows if row.customised]
    assert [(r.event, r.language, r.subject) for r in changed] == [
        ("return_requested", "nl", "Nieuw: {return_number}")
    ]
    default = next(r for r in rows if (r.event, r.language) == ("return_status_changed", "en"))
    assert default.subject == default_texts("return_status_changed", "en")[0]


def test_preview_uses_sample_values_and_the_restricted_formatter():
    preview = selectors.email_template_preview(
        event="return_status_changed",
        subject="{return_number} for {customer_name}",
        body="{shop_name}: {status} {{settings.SECRET_KEY}}",
        language="nl",
    )
    assert preview.subject == "RET-000123 for Chris Voorbeeld"
    assert preview.body == f"{settings.SHOP_NAME}: Retour goedgekeurd {{settings.SECRET_KEY}}"
