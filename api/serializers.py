"""What the API reads and writes. Input serializers bound every value to what the
database can hold (lengths, integer ranges, dates, decimal digits), so that no input ever
reaches a query it would break: every refusal is a 4xx problem document."""

from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orders.models import Order
from returns.models import Return, Status

# PostgreSQL's integer; ids and quantities beyond it name nothing.
INT_MAX = 2**31 - 1
TEXT_LIMIT = 5000
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 12, 31, tzinfo=UTC)


class BoundedDateTimeField(serializers.DateTimeField):
    """ISO 8601, with a time zone or in the shop's, between 1900 and 9000."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment <= LATEST:
            raise serializers.ValidationError(_("Enter a date between 1900 and 9000."))
        return moment


def Id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=INT_MAX, **kwargs)


# --- Shared shapes --------------------------------------------------------------------


class CatalogRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CatalogEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    name = serializers.CharField(source="label")
    names = serializers.DictField(child=serializers.CharField())
    active = serializers.BooleanField()
    visible_to_customers = serializers.BooleanField()
    position = serializers.IntegerField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    field = serializers.CharField(required=False)
    errors = serializers.ListField(child=serializers.DictField(), required=False)


# --- Returns: reading -----------------------------------------------------------------


class ReturnRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    origin = serializers.ChoiceField(choices=Return.Origin.choices)
    reason = CatalogRefSerializer(allow_null=True)
    reason_text = serializers.CharField(allow_blank=True)
    order_number = serializers.CharField()
    customer_name = serializers.CharField(allow_blank=True)
    customer_email = serializers.CharField()
    item_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReturnPageSerializer(serializers.Serializer):
    results = ReturnRowSerializer(many=True)
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


class ReturnLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    restocked_quantity = serializers.IntegerField()


class RequestLineSerializer(serializers.Serializer):
    order_line = serializers.IntegerField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()


class CustomerRequestSerializer(serializers.Serializer):
    requested_at = serializers.DateTimeField()
    lines = RequestLineSerializer(many=True)
    reason = serializers.CharField(allow_blank=True)
    action = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)


class HistoryEntrySerializer(serializers.Serializer):
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    details = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField(allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    allowed_statuses = serializers.ListField(child=serializers.CharField())
    origin = serializers.ChoiceField(choices=Return.Origin.choices)
    order_number = serializers.CharField()
    customer_name = serializers.CharField(allow_blank=True)
    customer_email = serializers.CharField()
    reason = CatalogRefSerializer(allow_null=True)
    reason_text = serializers.CharField(allow_blank=True)
    action = CatalogRefSerializer(allow_null=True)
    action_text = serializers.CharField(allow_blank=True)
    update_stock = serializers.BooleanField()
    customer_comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    lines = ReturnLineSerializer(many=True)
    request = CustomerRequestSerializer(allow_null=True)
    history = HistoryEntrySerializer(many=True)


# --- Returns: writing -----------------------------------------------------------------


class ChoiceInput(serializers.Serializer):
    """A reason or an action: a catalog entry's id, or text."""

    id = Id(required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReturnLineInput(serializers.Serializer):
    order_line = Id(required=False, help_text=_("The order line's id (or give its SKU)."))
    sku = serializers.CharField(required=False, max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=INT_MAX)

    def validate(self, attrs):
        if "order_line" not in attrs and not attrs.get("sku"):
            raise serializers.ValidationError(_("Give the order line or its SKU."))
        return attrs


class ReturnCreateInput(serializers.Serializer):
    order_number = serializers.CharField(max_length=32)
    lines = ReturnLineInput(many=True, allow_empty=False, max_length=500)
    reason = ChoiceInput()
    action = ChoiceInput(required=False)
    update_stock = serializers.BooleanField(default=True)
    customer_comment = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMIT, default=""
    )
    staff_note = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMIT, default=""
    )
    notify_customer = serializers.BooleanField(default=False)


class ReturnChangeLineInput(serializers.Serializer):
    id = Id(help_text=_("The return line's id."))
    quantity = serializers.IntegerField(min_value=1, max_value=INT_MAX)


class ReturnChangeInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    lines = ReturnChangeLineInput(many=True, required=False, max_length=500)
    reason = ChoiceInput(required=False)
    action = ChoiceInput(required=False, allow_null=True)
    update_stock = serializers.BooleanField(required=False)
    customer_comment = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMIT
    )
    staff_note = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMIT, default=""
    )
    notify_customer = serializers.BooleanField(default=False)


class NoteInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_LIMIT)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    author = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


# --- Settings -------------------------------------------------------------------------


class SettingsSerializer(serializers.Serializer):
    allow_returns = serializers.BooleanField()
    return_window_days = serializers.IntegerField()
    return_address = serializers.CharField(allow_blank=True)
    stock_linked_to_pos = serializers.BooleanField()
    languages = serializers.ListField(child=serializers.CharField())


# --- Orders ---------------------------------------------------------------------------


class CustomerInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class OrderLineInput(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=300)
    quantity = serializers.IntegerField(min_value=1, max_value=INT_MAX)
    unit_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, coerce_to_string=True
    )
    shipped_quantity = serializers.IntegerField(min_value=0, max_value=INT_MAX, default=0)
    vat_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=Decimal("99.99"),
        required=False,
        help_text="VAT rate in percent included in unit_price (default 21).",
    )

    def validate(self, attrs):
        if attrs["shipped_quantity"] > attrs["quantity"]:
            raise serializers.ValidationError(
                {"shipped_quantity": _("No more can ship than was ordered.")}
            )
        return attrs


class OrderInput(serializers.Serializer):
    number = serializers.RegexField(r"^[A-Za-z0-9#._/-]{1,32}$", max_length=32)
    customer = CustomerInput()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    placed_at = BoundedDateTimeField(required=False)
    shipped_at = BoundedDateTimeField(required=False, allow_null=True)
    lines = OrderLineInput(many=True, allow_empty=False, max_length=500)
    # Money as the shop charged it (amounts include VAT). Left out on an update: kept.
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    shipping_cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False
    )
    payment_cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False
    )
    costs_vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=Decimal("99.99"), required=False
    )
    total_paid = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Default for a new paid, shipped or delivered order: its lines and costs.",
    )
    payment_method = serializers.CharField(max_length=64, required=False, allow_blank=True)

    # The fields above that order_upsert takes as its `money`.
    MONEY_FIELDS = (
        "currency",
        "shipping_cost",
        "payment_cost",
        "costs_vat_rate",
        "total_paid",
        "payment_method",
    )

    def validate_lines(self, lines):
        skus = [line["sku"] for line in lines]
        if len(set(skus)) != len(skus):
            raise serializers.ValidationError(_("Each SKU may appear on one line only."))
        return lines


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    shipped_quantity = serializers.IntegerField()
    returned_quantity = serializers.IntegerField()
    credited_amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class OrderCustomerSerializer(serializers.Serializer):
    email = serializers.CharField()
    name = serializers.CharField()
    language = serializers.CharField()


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    placed_at = serializers.DateTimeField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    customer = OrderCustomerSerializer()
    lines = OrderLineSerializer(many=True)
    currency = serializers.CharField()
    shipping_cost = serializers.DecimalField(max_digits=10, decimal_places=2)
    payment_cost = serializers.DecimalField(max_digits=10, decimal_places=2)
    costs_vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    total_paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    payment_method = serializers.CharField()
    credited_total = serializers.DecimalField(max_digits=12, decimal_places=2)


class CustomerSerializer(serializers.Serializer):
    email = serializers.CharField()
    name = serializers.CharField()
    language = serializers.CharField()
    created_at = serializers.DateTimeField()


class VariantInput(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=200, allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)


class ProductInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT_LIMIT, allow_blank=True, default="")
    variants = VariantInput(many=True, allow_empty=False, max_length=200)

    def validate_variants(self, variants):
        skus = [variant["sku"] for variant in variants]
        if len(set(skus)) != len(skus):
            raise serializers.ValidationError(_("Each SKU may appear once."))
        return variants


class MovementSerializer(serializers.Serializer):
    delta = serializers.IntegerField()
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()


class VariantSerializer(serializers.Serializer):
    sku = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    on_hand = serializers.IntegerField()
    ledger = MovementSerializer(many=True)


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    variants = VariantSerializer(many=True)
