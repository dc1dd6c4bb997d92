"""Reasons and actions in every language (issue 14, item 11): an entry has a name per
language; customers read it in theirs (else the shop's), staff in theirs; the unique-name
rule still holds."""

import uuid

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from returns import exceptions, services
from returns.models import CatalogEntry


@pytest.fixture
def te_klein(shop_admin):
    return services.catalog_entry_create(
        actor=shop_admin, kind="reason", name="Runs small", names={"nl": "Te klein"}
    )


def test_the_editor_shows_every_language_and_saves_each_name(admin_client, te_klein):
    url = f"/backoffice/returns/reasons-and-actions/{te_klein.pk}/"
    form = admin_client.get(url)
    assert [name for name in form.context["form"].fields if name.startswith("name")] == [
        "name",
        *[f"name_{code}" for code, _name in settings.LANGUAGES if code != "en"],
    ]
    assert "Name (English)" in form.text and "Name (Dutch)" in form.text
    assert 'value="Te klein"' in form.text
    saved = admin_client.post(
        url, {"name": "Runs small", "name_nl": "Veel te klein", "active": "on"}
    )
    assert saved.status_code == 302
    assert CatalogEntry.objects.get(pk=te_klein.pk).names == {"nl": "Veel te klein"}
    added = admin_client.post(
        "/backoffice/returns/reasons-and-actions/",
        {"kind": "action", "action-name": "Refund", "action-name_nl": "Geld terug"},
    )
    assert added.status_code == 302
    assert CatalogEntry.objects.get(kind="action").names == {"nl": "Geld terug"}


def test_customers_read_entries_in_their_language_else_the_shops(
    customer_client, customer, line, te_klein, shop_admin
):
    english_only = services.catalog_entry_create(actor=shop_admin, kind="action", name="Refund")
    rma, _created = services.return_request(
        customer=customer,
        order=line.order,
        quantities={line.pk: 1},
        reason=services.Choice(entry=te_klein),
        action=services.Choice(entry=english_only),
        token=uuid.uuid4(),
    )
    customer_client.cookies["django_language"] = "nl"
    page = customer_client.get(f"/account/returns/{rma.pk}/").text
    assert "Te klein" in page and "Runs small" not in page
    assert "Refund" in page  # no Dutch name: the shop's
    form = customer_client.get("/account/orders/ORD-1/request-return/").text
    assert f'<option value="{te_klein.pk}">Te klein</option>' in form
    customer_client.cookies["django_language"] = "en"
    assert "Runs small" in customer_client.get(f"/account/returns/{rma.pk}/").text


def test_staff_read_entries_in_their_language(staff_client, line, make_return, te_klein):
    rma = make_return(line, reason_choice=services.Choice(entry=te_klein))
    staff_client.cookies["django_language"] = "nl"
    assert "Te klein" in staff_client.get("/backoffice/returns/").text
    page = staff_client.get(f"/backoffice/returns/{rma.pk}/").text
    assert "<dt>Retourreden</dt><dd>Te klein</dd>" in page


def test_names_stay_unique_per_kind_in_every_language(shop_admin, te_klein):
    with pytest.raises(exceptions.CatalogNameTaken):
        services.catalog_entry_create(actor=shop_admin, kind="reason", name="RUNS small")
    with pytest.raises(exceptions.CatalogNameTaken) as taken:
        services.catalog_entry_create(
            actor=shop_admin, kind="reason", name="Tiny", names={"nl": "te KLEIN"}
        )
    assert taken.value.field == "name_nl"
    # Another kind may use the same words.
    services.catalog_entry_create(
        actor=shop_admin, kind="action", name="Runs small", names={"nl": "Te klein"}
    )
    # The database keeps the shop's language unique, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogEntry.objects.create(kind="reason", name="runs Small")


def test_a_language_the_shop_does_not_speak_is_refused(shop_admin):
    with pytest.raises(exceptions.InvalidReturnInput):
        services.catalog_entry_create(
            actor=shop_admin, kind="reason", name="Tiny", names={"xx": "?"}
        )


def test_the_demo_catalog_comes_in_every_language_of_the_shop(db):
    from demo import builders

    builders.ensure_return_catalog()
    entries = list(CatalogEntry.objects.all())
    assert len(entries) >= 10
    for code in ("nl", "de", "fr"):
        names = [entry.names.get(code) for entry in entries]
        assert all(names), code
        # Each its own word, not the English one copied.
        assert not {entry.name for entry in entries} & set(names), code
    too_small = CatalogEntry.objects.get(name="Too small")
    assert (too_small.names["nl"], too_small.names["de"], too_small.names["fr"]) == (
        "Te klein",
        "Zu klein",
        "Trop petit",
    )
    with translation.override("de"):
        assert too_small.label == "Zu klein"
    with translation.override("fr"):
        assert too_small.label == "Trop petit"
