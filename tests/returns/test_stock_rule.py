"""A Hypothesis state machine over random sequences of saves: status changes, Update
stock toggles, quantity edits, the point-of-sale setting, saves that change nothing of
that (a note) and reopening. After every step the ledger and the rule hold; a save that
changes neither status, quantities nor Update stock never moves stock."""

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from inventory.models import InventorySettings, StockMovement, Variant
from inventory.services import inventory_settings_update, stock_receive_initial
from orders.models import OrderLine
from returns import exceptions, services
from returns.models import Return, Status
from returns.workflow import RELEASED_STATUSES, RESTOCK_STATUSES
from tests.factories import AdminUserFactory, CatalogEntryFactory, OrderLineFactory, VariantFactory

INITIAL = 50


class StockRuleMachine(RuleBasedStateMachine):
    @initialize()
    def shop(self):
        InventorySettings.objects.update_or_create(pk=1, defaults={"stock_linked_to_pos": False})
        self.admin = AdminUserFactory()
        reason = CatalogEntryFactory(kind="reason", name="Too small")
        shared = VariantFactory()
        self.lines = [
            OrderLineFactory(variant=shared, quantity=4),
            OrderLineFactory(variant=VariantFactory(), quantity=4),
        ]
        # Two lines of one order on two variants, one of which another order also uses.
        second = OrderLineFactory(
            order=self.lines[0].order, variant=self.lines[1].variant, quantity=4
        )
        self.lines[1] = second
        self.variants = {line.variant_id for line in self.lines}
        stock_receive_initial(quantities=dict.fromkeys(self.variants, INITIAL))
        self.rma = services.return_create(
            order=self.lines[0].order,
            quantities={line.pk: 1 for line in self.lines},
            user=self.admin,
            origin="staff",
            reason=services.Choice(entry=reason),
        )
        # The model: what the last stock-moving save decided, kept apart from the code.
        self.pos_at_last_move = False
        self.skipped = False

    def save(self, **changes):
        rma = Return.objects.get(pk=self.rma.pk)
        before = (rma.status, rma.update_stock, self.quantities(rma))
        movements = StockMovement.objects.count()
        pos = InventorySettings.objects.get(pk=1).stock_linked_to_pos
        try:
            self.rma = services.return_change(
                rma=rma, user=self.admin, version=rma.version, **changes
            )
        except (
            exceptions.InvalidTransition,
            exceptions.QuantityNotReturnable,
            exceptions.InvalidReturnInput,
        ):
            self.rma = rma  # refused: nothing changed, nothing to check anew
            return
        after = (self.rma.status, self.rma.update_stock, self.quantities(self.rma))
        if before == after:
            assert StockMovement.objects.count() == movements, "an unrelated save moved stock"
            return
        self.pos_at_last_move = pos
        if self.rma.status not in RESTOCK_STATUSES:
            self.skipped = False
        elif pos:
            self.skipped = self.skipped or self.rma.update_stock
        else:
            self.skipped = self.skipped and before[1] == after[1]

    @staticmethod
    def quantities(rma):
        return tuple(rma.lines.order_by("pk").values_list("quantity", flat=True))

    @rule(status=st.sampled_from(Status.values))
    def change_status(self, status):
        self.save(status=status)

    @rule()
    def toggle_update_stock(self):
        self.save(update_stock=not self.rma.update_stock)

    @rule(index=st.integers(0, 1), quantity=st.integers(1, 4))
    def edit_quantity(self, index, quantity):
        line = self.rma.lines.order_by("pk")[index]
        self.save(quantities={line.pk: quantity})

    @rule(linked=st.booleans())
    def point_of_sale(self, linked):
        inventory_settings_update(actor=self.admin, stock_linked_to_pos=linked)

    @rule()
    def add_a_note(self):
        self.save(staff_note="Customer called")

    @invariant()
    def on_hand_equals_initial_plus_ledger(self):
        for variant_id in self.variants:
            ledger = StockMovement.objects.filter(variant_id=variant_id).aggregate(s=Sum("delta"))[
                "s"
            ]
            assert Variant.objects.get(pk=variant_id).on_hand == ledger
            returns_part = (
                StockMovement.objects.filter(
                    variant_id=variant_id, kind__startswith="return"
                ).aggregate(s=Sum("delta"))["s"]
                or 0
            )
            assert ledger == INITIAL + returns_part

    @invariant()
    def each_line_holds_what_the_rule_says(self):
        rma = Return.objects.get(pk=self.rma.pk)
        assert (rma.restock_skipped_at is not None) == self.skipped
        for line in rma.lines.select_related("order_line"):
            expected = (
                line.quantity
                if rma.status in RESTOCK_STATUSES
                and rma.update_stock
                and not self.pos_at_last_move
                and not self.skipped
                else 0
            )
            assert line.restocked_quantity == expected
            held = 0 if rma.status in RELEASED_STATUSES else line.quantity
            assert OrderLine.objects.get(pk=line.order_line_id).returned_quantity == held
            returns_part = (
                StockMovement.objects.filter(
                    reference_id=line.pk, kind__startswith="return"
                ).aggregate(s=Sum("delta"))["s"]
                or 0
            )
            assert returns_part == line.restocked_quantity


@pytest.mark.django_db
def test_stock_follows_the_rule_over_random_sequences_of_saves():
    run_state_machine_as_test(
        StockRuleMachine,
        settings=settings(
            max_examples=200,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
