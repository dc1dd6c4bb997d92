from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_money

from .calculation import FeeKind
from .models import BillingSettings, CreditInvoice
from .services import Fee, LineInput

FEE_KINDS = [
    (FeeKind.NONE, gettext_lazy("None")),
    (FeeKind.PERCENT, gettext_lazy("Percentage")),
    (FeeKind.FIXED, gettext_lazy("Fixed amount")),
]


def money_field(label, **kwargs):
    # Amounts of whole cents >= 0; "12,50" is read as the Dutch write it.
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
        localize=True,
        **kwargs,
    )


class CreditInvoiceForm(forms.Form):
    """Create credit invoice, from an order or from a return (prefilled with its lines).
    The form checks types and bounds; the money rule and the fees are the service's, whose
    refusals the view shows on this form."""

    shipping = money_field(gettext_lazy("Shipping costs refunded"))
    payment = money_field(gettext_lazy("Payment costs refunded"))
    restocking_fee_kind = forms.ChoiceField(label=gettext_lazy("Restocking fee"), choices=FEE_KINDS)
    restocking_fee_value = money_field(
        gettext_lazy("Restocking fee: percentage or amount"),
        help_text=gettext_lazy("A percentage of the items credited, or a fixed amount."),
    )
    restocking_fee_reason = forms.CharField(
        label=gettext_lazy("Reason for the restocking fee"), max_length=300, required=False
    )
    return_shipping_fee = money_field(
        gettext_lazy("Return shipping fee"),
        help_text=gettext_lazy("Deducted when the customer returned with the shop's label."),
    )

    def __init__(
        self, *args, order, order_lines, quantities=None, settings: BillingSettings, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.order = order
        quantities = quantities or {}
        line_fields = {}
        for line in order_lines:
            line_fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.title} ({line.sku})",
                min_value=0,
                max_value=line.quantity,
                initial=quantities.get(line.pk, 0),
                required=False,
                help_text=_(
                    "%(count)s ordered at %(price)s, %(rate)s %% VAT; %(left)s left to credit."
                )
                % {
                    "count": line.quantity,
                    "price": format_money(line.unit_price, order.currency),
                    "rate": f"{line.vat_rate:g}",
                    "left": format_money(line.creditable_amount, order.currency),
                },
            )
        self.fields = {**line_fields, **self.fields}
        self.line_names = list(line_fields)
        self.fields["shipping"].help_text = _("Charged: %(amount)s.") % {
            "amount": format_money(order.shipping_cost, order.currency)
        }
        self.fields["payment"].help_text = _("Charged: %(amount)s.") % {
            "amount": format_money(order.payment_cost, order.currency)
        }
        self.initial.setdefault("restocking_fee_kind", settings.restocking_fee_kind)
        self.initial.setdefault("restocking_fee_value", settings.restocking_fee_value)
        self.initial.setdefault("return_shipping_fee", settings.return_shipping_fee)
        self.initial.setdefault("shipping", Decimal(0))
        self.initial.setdefault("payment", Decimal(0))

    def add_service_error(self, error):
        self.add_error(error.field if error.field in self.fields else None, error.message)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "lines": {
                int(name.removeprefix("line_")): LineInput(data[name])
                for name in self.line_names
                if data.get(name)
            },
            "shipping": data["shipping"] or Decimal(0),
            "payment": data["payment"] or Decimal(0),
            "restocking_fee": Fee(
                data["restocking_fee_kind"],
                data["restocking_fee_value"] or Decimal(0),
                data["restocking_fee_reason"],
            ),
            "return_shipping_fee": data["return_shipping_fee"] or Decimal(0),
        }


class CreditReturnMixin(forms.Form):
    """The offer to move the credit invoice's return to Item(s) credited."""

    credit_return = forms.BooleanField(
        label=gettext_lazy("Also set the return to Item(s) credited"), required=False
    )
    notify_customer = forms.BooleanField(
        label=gettext_lazy("Notify customer"),
        required=False,
        help_text=gettext_lazy("E-mail the customer that their return was credited."),
    )

    def __init__(self, *args, offer_return: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_return:
            del self.fields["credit_return"]
            del self.fields["notify_customer"]

    def return_kwargs(self) -> dict:
        return {
            "credit_return": self.cleaned_data.get("credit_return", False),
            "notify_customer": self.cleaned_data.get("notify_customer", False),
        }


class IssueForm(CreditReturnMixin):
    email_customer = forms.BooleanField(
        label=gettext_lazy("E-mail the credit invoice to the customer"),
        required=False,
        initial=True,
        help_text=gettext_lazy("With its PDF attached, in the customer's language."),
    )
    field_order = ["email_customer", "credit_return", "notify_customer"]

    def return_kwargs(self) -> dict:
        return {**super().return_kwargs(), "email_customer": self.cleaned_data["email_customer"]}


class RefundForm(CreditReturnMixin):
    method = forms.ChoiceField(
        label=gettext_lazy("Refund method"), choices=CreditInvoice.RefundMethod.choices
    )
    iban = forms.CharField(
        label=gettext_lazy("IBAN"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("For a bank transfer: the account to pay back to."),
    )
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("The refund's reference at the payment provider or bank."),
    )
    field_order = ["method", "iban", "reference", "credit_return", "notify_customer"]

    def add_service_error(self, error):
        self.add_error(error.field if error.field in self.fields else None, error.message)


class BillingSettingsForm(forms.ModelForm):
    """Settings > Returns & refunds."""

    restocking_fee_value = money_field(gettext_lazy("Default restocking fee: percentage or amount"))
    return_shipping_fee = money_field(gettext_lazy("Default return shipping fee"))

    class Meta:
        model = BillingSettings
        fields = [
            "restocking_fee_kind",
            "restocking_fee_value",
            "return_shipping_fee",
            "shop_name",
            "shop_address",
            "vat_number",
            "coc_number",
        ]
        widgets = {"shop_address": forms.Textarea(attrs={"rows": 4})}

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        for name in ("restocking_fee_value", "return_shipping_fee"):
            values[name] = values[name] or Decimal(0)
        return values


class ExchangeForm(forms.Form):
    """Exchange items of a return: per line, another variant (same product first: a
    list; any other product: its SKU) and how many."""

    mark_repaired = forms.BooleanField(
        label=gettext_lazy("Also set the return to Item(s) repaired"), required=False
    )
    notify_customer = forms.BooleanField(
        label=gettext_lazy("Notify customer"),
        required=False,
        help_text=gettext_lazy("E-mail the customer that their return's status changed."),
    )

    def __init__(self, *args, return_lines, same_product: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.return_lines = list(return_lines)
        fields = {}
        for line in self.return_lines:
            title = line.order_line.title
            options = [("", _("— choose —"))] + [
                (
                    variant.pk,
                    _("%(title)s (%(sku)s), %(price)s, %(count)s in stock")
                    % {
                        "title": variant.title,
                        "sku": variant.sku,
                        "price": format_money(variant.price),
                        "count": variant.on_hand,
                    },
                )
                for variant in same_product.get(line.order_line.variant.product_id, [])
            ]
            fields[f"variant_{line.pk}"] = forms.TypedChoiceField(
                label=_("%(title)s: exchange for") % {"title": title},
                choices=options,
                coerce=int,
                required=False,
                empty_value=None,
            )
            fields[f"sku_{line.pk}"] = forms.CharField(
                label=_("%(title)s: or another product's SKU") % {"title": title},
                max_length=64,
                required=False,
            )
            fields[f"quantity_{line.pk}"] = forms.IntegerField(
                label=_("%(title)s: how many") % {"title": title},
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                required=False,
            )
        self.fields = {**fields, **self.fields}

    def clean(self):
        from inventory.models import Variant

        data = super().clean()
        self.choices = {}
        for line in self.return_lines:
            variant_id = data.get(f"variant_{line.pk}")
            sku = (data.get(f"sku_{line.pk}") or "").strip()
            quantity = data.get(f"quantity_{line.pk}") or 0
            if sku:
                variant_id = Variant.objects.filter(sku=sku).values_list("pk", flat=True).first()
                if variant_id is None:
                    self.add_error(f"sku_{line.pk}", _("No product has this SKU."))
                    continue
            if variant_id and quantity:
                self.choices[line.pk] = (variant_id, quantity)
        if not self.errors and not self.choices:
            raise forms.ValidationError(_("Choose at least one item to exchange."))
        return data
