import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import AuditEntry
from inventory.models import StockMovement
from inventory.services import inventory_settings_update
from orders.models import OrderLine
from returns import exceptions, services
from returns.models import CatalogEntry, HistoryEntry, Return, ReturnLine, ReturnNote
from tests.factories import CatalogEntryFactory, OrderLineFactory


def held(order_line):
    return OrderLine.objects.get(pk=order_line.pk).returned_quantity


def on_hand(order_line):
    order_line.variant.refresh_from_db()
    return order_line.variant.on_hand


# --- Creating ------------------------------------------------------------------------------


def test_create_makes_a_new_return_with_its_lines_history_and_note(line, reason, action, staff):
    rma = services.return_create(
        order=line.order,
        quantities={line.pk: 2},
        user=staff,
        origin=Return.Origin.STAFF,
        reason=services.Choice(entry=reason),
        action=services.Choice(text="Send size L"),
        customer_comment="Too tight",
        staff_note="Customer called",
    )
    assert rma.number == f"RET-{rma.pk:06d}"
    assert (rma.status, rma.origin, rma.customer, rma.created_by) == (
        "new",
        "staff",
        line.order.customer,
        staff,
    )
    assert (rma.reason, rma.action, rma.action_text) == (reason, None, "Send size L")
    assert [(rl.order_line, rl.quantity) for rl in rma.lines.all()] == [(line, 2)]
    assert held(line) == 2
    assert list(rma.history.values_list("kind", flat=True).order_by("pk")) == [
        "created",
        "note_added",
    ]
    assert ReturnNote.objects.get(rma=rma).text == "Customer called"


def test_the_quantity_rule_counts_every_live_return_of_a_line(line, make_return, staff):
    first = make_return(line, quantity=2)
    with pytest.raises(exceptions.QuantityNotReturnable, match="Only 1"):
        make_return(line, quantity=2)
    second = make_return(line, quantity=1)
    assert held(line) == 3
    # Rejecting or cancelling gives the quantity back.
    services.return_change(rma=first, user=staff, version=first.version, status="cancelled")
    assert held(line) == 1
    make_return(line, quantity=2)
    assert held(line) == 3
    assert Return.objects.count() == 3 and second.status == "new"


def test_reopening_takes_the_quantity_again_or_is_refused(line, make_return, shop_admin):
    cancelled = make_return(line, quantity=2, status="cancelled")
    other = make_return(line, quantity=2)
    with pytest.raises(exceptions.QuantityNotReturnable):
        services.return_change(
            rma=cancelled, user=shop_admin, version=cancelled.version, status="in_progress"
        )
    services.return_change(rma=other, user=shop_admin, version=other.version, status="rejected")
    reopened = services.return_change(
        rma=cancelled, user=shop_admin, version=cancelled.version, status="in_progress"
    )
    assert reopened.status == "in_progress"
    assert held(line) == 2


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantities_below_one_are_refused(line, make_return, quantity):
    with pytest.raises(exceptions.InvalidReturnInput):
        make_return(line, quantity=quantity)
    assert not Return.objects.exists()


def test_a_line_of_another_order_is_refused(line, reason, staff):
    stranger = OrderLineFactory()
    with pytest.raises(exceptions.InvalidReturnInput, match="not part of this order"):
        services.return_create(
            order=line.order,
            quantities={stranger.pk: 1},
            user=staff,
            origin="staff",
            reason=services.Choice(entry=reason),
        )
    assert not Return.objects.exists()


def test_a_reason_is_required_and_catalog_entries_must_fit(line, make_return, action):
    with pytest.raises(exceptions.InvalidReturnInput):
        make_return(line, reason_choice=services.Choice())
    with pytest.raises(exceptions.InvalidReturnInput):
        make_return(line, reason_choice=services.Choice(entry=action))  # an action as reason
    inactive = CatalogEntryFactory(kind="reason", name="Old reason", active=False)
    with pytest.raises(exceptions.InvalidReturnInput):
        make_return(line, reason_choice=services.Choice(entry=inactive))
    assert not Return.objects.exists()


def test_a_deactivated_reason_stays_valid_on_returns_that_use_it(line, make_return, reason, staff):
    rma = make_return(line)
    services.catalog_entry_update(actor=staff, entry=reason, active=False)
    saved = services.return_change(
        rma=rma,
        user=staff,
        version=rma.version,
        status="in_progress",
        reason=services.Choice(entry=reason),
    )
    assert saved.reason == reason


# --- Changing ------------------------------------------------------------------------------


def test_a_save_based_on_an_old_version_is_refused_and_changes_nothing(
    line, make_return, staff, shop_admin
):
    rma = make_return(line)
    opened_by_both = rma.version
    services.return_change(rma=rma, user=shop_admin, version=opened_by_both, status="in_progress")
    with pytest.raises(exceptions.ReturnChangedMeanwhile):
        services.return_change(
            rma=rma,
            user=staff,
            version=opened_by_both,
            status="cancelled",
            staff_note="lost?",
            customer_comment="overwritten?",
        )
    rma.refresh_from_db()
    assert (rma.status, rma.customer_comment) == ("in_progress", "")
    assert not ReturnNote.objects.exists()


def test_field_changes_are_recorded_with_old_and_new_values(line, make_return, staff, action):
    rma = make_return(line)
    services.return_change(
        rma=rma,
        user=staff,
        version=rma.version,
        reason=services.Choice(text="Colour differs"),
        action=services.Choice(entry=action),
        customer_comment="It is blue, not green",
    )
    event = HistoryEntry.objects.get(rma=rma, kind="updated")
    # A reason or an action is one field, old → new, whether chosen or typed.
    assert set(event.data["fields"]) == {"reason", "action", "customer_comment"}
    old_reason, new_reason = event.data["fields"]["reason"]
    assert (old_reason["name"], new_reason) == ("Too small", "Colour differs")
    old_action, new_action = event.data["fields"]["action"]
    assert (old_action, new_action["entry"], new_action["name"]) == ("", action.pk, action.name)
    assert event.data["fields"]["customer_comment"] == ["", "It is blue, not green"]


def test_notes_accumulate(line, make_return, staff, shop_admin):
    rma = make_return(line)
    services.return_change(rma=rma, user=staff, version=rma.version, staff_note="First")
    rma.refresh_from_db()
    services.return_change(rma=rma, user=shop_admin, version=rma.version, staff_note="Second")
    assert [(n.text, n.author) for n in ReturnNote.objects.filter(rma=rma).order_by("pk")] == [
        ("First", staff),
        ("Second", shop_admin),
    ]


def test_quantities_of_a_finished_return_cannot_change(line, make_return, staff):
    rma = make_return(line, quantity=1, status="credited")
    return_line = rma.lines.get()
    with pytest.raises(exceptions.InvalidReturnInput):
        services.return_change(
            rma=rma, user=staff, version=rma.version, quantities={return_line.pk: 2}
        )


# --- Stock (the rule of SPEC §3, example by example) ------------------------------------


def test_approving_restocks_once_and_saving_again_changes_nothing(line, make_return, staff):
    rma = make_return(line, quantity=2)
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="approved")
    assert on_hand(line) == 12
    movement = StockMovement.objects.get(kind="return_restock")
    assert (movement.delta, movement.reference, movement.created_by) == (2, rma.lines.get(), staff)
    rma = services.return_change(rma=rma, user=staff, version=rma.version, staff_note="again")
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="repaired")
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="credited")
    assert on_hand(line) == 12
    assert StockMovement.objects.filter(kind__startswith="return").count() == 1
    assert rma.history.filter(kind="stock_moved").count() == 1


@pytest.mark.parametrize("end", ["rejected", "cancelled"])
def test_rejecting_or_cancelling_after_approval_takes_the_items_out_again(
    end, line, make_return, staff
):
    rma = make_return(line, quantity=3, status="approved")
    assert on_hand(line) == 13
    services.return_change(rma=rma, user=staff, version=rma.version, status=end)
    assert on_hand(line) == 10
    assert StockMovement.objects.get(kind="return_reversal").delta == -3
    assert ReturnLine.objects.get(rma=rma).restocked_quantity == 0


def test_switching_update_stock_off_after_approval_reverses_and_on_again_restocks(
    line, make_return, staff
):
    rma = make_return(line, quantity=2, status="approved")
    rma = services.return_change(rma=rma, user=staff, version=rma.version, update_stock=False)
    assert on_hand(line) == 10
    rma = services.return_change(rma=rma, user=staff, version=rma.version, update_stock=True)
    assert on_hand(line) == 12


def test_changing_a_quantity_while_approved_posts_the_difference(line, make_return, staff):
    rma = make_return(line, quantity=1, status="approved")
    return_line = rma.lines.get()
    rma = services.return_change(
        rma=rma, user=staff, version=rma.version, quantities={return_line.pk: 3}
    )
    assert on_hand(line) == 13
    rma = services.return_change(
        rma=rma, user=staff, version=rma.version, quantities={return_line.pk: 2}
    )
    assert on_hand(line) == 12
    assert list(
        StockMovement.objects.filter(kind__startswith="return")
        .order_by("pk")
        .values_list("delta", flat=True)
    ) == [1, 2, -1]
    assert held(line) == 2


def test_a_new_return_without_update_stock_never_moves_stock(line, make_return):
    make_return(line, quantity=2, update_stock=False, status="credited")
    assert on_hand(line) == 10
    assert not StockMovement.objects.filter(kind__startswith="return").exists()


def test_stock_linked_to_a_point_of_sale_ignores_update_stock(line, make_return, staff, shop_admin):
    inventory_settings_update(actor=shop_admin, stock_linked_to_pos=True)
    rma = make_return(line, quantity=2, status="approved")
    services.return_change(
        rma=rma, user=staff, version=rma.version, update_stock=True, status="credited"
    )
    assert on_hand(line) == 10
    assert not StockMovement.objects.filter(kind__startswith="return").exists()


def test_a_save_that_changes_no_stock_field_never_moves_stock(
    line, make_return, staff, shop_admin, client
):
    # Created with Update stock on, approved while stock was linked to a point of sale
    # (which took the items in), then the link is switched off and someone adds a note.
    rma = make_return(line, quantity=2)
    inventory_settings_update(actor=shop_admin, stock_linked_to_pos=True)
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="approved")
    assert rma.restock_skipped_at is not None
    inventory_settings_update(actor=shop_admin, stock_linked_to_pos=False)

    rma = services.return_change(
        rma=rma, user=staff, version=rma.version, staff_note="Parcel was wet", update_stock=True
    )
    rma = services.return_change(rma=rma, user=staff, version=rma.version, status="credited")
    assert on_hand(line) == 10
    assert not StockMovement.objects.filter(kind__startswith="return").exists()

    client.force_login(staff)
    page = client.get(rma.get_absolute_url()).content.decode()
    assert "Approved without restock on" in page
    assert "stock was linked to a point of sale" in page

    # Setting Update stock again once the link is off is a deliberate restock.
    rma = services.return_change(rma=rma, user=staff, version=rma.version, update_stock=False)
    rma = services.return_change(rma=rma, user=staff, version=rma.version, update_stock=True)
    assert on_hand(line) == 12
    assert rma.restock_skipped_at is None
    assert "Approved without restock" not in client.get(rma.get_absolute_url()).content.decode()


def test_the_database_refuses_restocking_more_than_a_line_holds(line, make_return):
    rma = make_return(line, quantity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnLine.objects.filter(rma=rma).update(restocked_quantity=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(pk=line.pk).update(returned_quantity=4)


# --- History is append-only --------------------------------------------------------------


def test_history_rows_cannot_be_changed_or_deleted(line, make_return):
    event = make_return(line).history.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        HistoryEntry.objects.filter(pk=event.pk).update(kind="tampered")
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            HistoryEntry.objects.filter(pk=event.pk).delete()
    assert HistoryEntry.objects.get(pk=event.pk).kind == "created"


# --- Catalog and settings -----------------------------------------------------------------


def test_catalog_entries_are_added_renamed_moved_and_audited(shop_admin):
    first = services.catalog_entry_create(actor=shop_admin, kind="reason", name="Too small")
    second = services.catalog_entry_create(actor=shop_admin, kind="reason", name="Too large")
    assert (first.position, second.position) == (1, 2)
    services.catalog_entry_move(actor=shop_admin, entry=second, up=True)
    assert list(
        CatalogEntry.objects.filter(kind="reason")
        .order_by("position")
        .values_list("name", flat=True)
    ) == ["Too large", "Too small"]
    services.catalog_entry_update(actor=shop_admin, entry=first, name="Runs small", active=False)
    first.refresh_from_db()
    assert (first.name, first.active) == ("Runs small", False)
    assert AuditEntry.objects.filter(area="catalog").count() == 4


def test_an_entry_in_use_is_never_deleted(line, make_return, reason, shop_admin):
    make_return(line)
    with pytest.raises(exceptions.CatalogEntryInUse):
        services.catalog_entry_delete(actor=shop_admin, entry=reason)
    assert CatalogEntry.objects.filter(pk=reason.pk).exists()
    unused = services.catalog_entry_create(actor=shop_admin, kind="action", name="Unused")
    services.catalog_entry_delete(actor=shop_admin, entry=unused)
    assert not CatalogEntry.objects.filter(pk=unused.pk).exists()


def test_return_settings_are_audited(shop_admin):
    services.return_settings_update(actor=shop_admin, allow_returns=False, return_window_days=14)
    entry = AuditEntry.objects.get(area="settings.returns")
    assert entry.changes == {"allow_returns": [True, False], "return_window_days": [30, 14]}


def test_catalog_names_are_unique_per_kind_in_any_capitalisation(shop_admin):
    """A rule of the service (and of the database), not only of the form: the API and the
    import reach it too."""
    entry = services.catalog_entry_create(actor=shop_admin, kind="reason", name="Too small")
    other = services.catalog_entry_create(actor=shop_admin, kind="reason", name="Too large")
    for attempt in (
        lambda: services.catalog_entry_create(actor=shop_admin, kind="reason", name="TOO SMALL"),
        lambda: services.catalog_entry_update(actor=shop_admin, entry=other, name=" too small "),
    ):
        with pytest.raises(exceptions.CatalogNameTaken) as refused:
            attempt()
        assert refused.value.field == "name"
    # The same name as an action is another entry; renaming an entry's own case is fine.
    services.catalog_entry_create(actor=shop_admin, kind="action", name="Too small")
    services.catalog_entry_update(actor=shop_admin, entry=entry, name="Too Small")
    assert CatalogEntry.objects.filter(kind="reason").count() == 2


def test_the_database_refuses_a_catalog_name_twice_whatever_the_case(shop_admin):
    from django.db import IntegrityError, transaction

    services.catalog_entry_create(actor=shop_admin, kind="reason", name="Too small")
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogEntry.objects.create(kind="reason", name="too SMALL", position=9)


@pytest.mark.parametrize("days", [-1, 3651, 10**9])
def test_the_return_window_is_bounded_by_the_service_and_the_database(shop_admin, days):
    from django.db import IntegrityError, transaction

    from returns.models import ReturnSettings

    with pytest.raises(exceptions.InvalidSettings) as refused:
        services.return_settings_update(actor=shop_admin, return_window_days=days)
    assert refused.value.field == "return_window_days"
    assert not AuditEntry.objects.filter(area="settings.returns").exists()
    if days > 0:
        with pytest.raises(IntegrityError), transaction.atomic():
            ReturnSettings.objects.update_or_create(pk=1, defaults={"return_window_days": days})
    services.return_settings_update(actor=shop_admin, return_window_days=3650)
    assert ReturnSettings.objects.get(pk=1).return_window_days == 3650


def test_the_return_address_and_instructions_per_language_are_kept_and_audited(shop_admin):
    from returns.models import ReturnSettings

    services.return_settings_update(
        actor=shop_admin,
        return_address="Demo Shop Returns\r\nDock 4\r\n1234 AB Amsterdam",
        return_instructions={"en": "Put the slip in the box.", "nl": " "},
    )
    saved = ReturnSettings.objects.get(pk=1)
    assert saved.return_address == "Demo Shop Returns\nDock 4\n1234 AB Amsterdam"
    assert saved.return_instructions == {"en": "Put the slip in the box."}
    assert saved.instructions_in("nl") == "Put the slip in the box."  # the shop's language
    first = AuditEntry.objects.get(area="settings.returns")
    assert set(first.changes) == {"return_address", "return_instructions:en"}
    services.return_settings_update(
        actor=shop_admin, return_instructions={"en": "Slip in the box.", "nl": "Bon in de doos."}
    )
    assert ReturnSettings.objects.get(pk=1).instructions_in("nl") == "Bon in de doos."
    with pytest.raises(exceptions.InvalidSettings):
        services.return_settings_update(actor=shop_admin, return_instructions={"xx": "?"})


def test_a_reason_or_action_change_reads_as_one_line_old_to_new(line, make_return, staff, action):
    from returns.history import history_lines
    from returns.selectors import return_history

    rma = make_return(line, action=services.Choice(entry=action))
    services.return_change(
        rma=rma, user=staff, version=rma.version, action=services.Choice(text="Send size L")
    )
    [updated] = [
        item for item in history_lines(return_history(rma)) if item.entry.kind == "updated"
    ]
    assert updated.details == ["Return action: Send a larger size → Send size L"]


def test_history_written_before_choices_were_one_field_still_reads_as_one_line(line, make_return):
    from returns.history import history_lines
    from returns.models import HistoryEntry

    rma = make_return(line)
    legacy = HistoryEntry.objects.create(
        rma=rma,
        kind="updated",
        data={"fields": {"action": ["Refund", None], "action_text": ["", "Send size L"]}},
    )
    assert history_lines([legacy])[0].details == ["Return action: Refund → Send size L"]
