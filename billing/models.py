"""Credit invoices (credit notes): the money side of a return, or of a refund without one.

A credit invoice is written as a draft, issued (it then gets its number and is never
edited again: a mistake is corrected by another credit invoice), and refunded (the method,
date and reference recorded; the payment itself happens at the payment provider or the
bank) or, only while a draft, cancelled. Drafts and issued ones hold their amounts on the
order (orders.OrderLine.credited_amount, Order.credited_total): the money rule."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel

from .calculation import FeeKind

MONEY = {"max_digits": 12, "decimal_places": 2}


class BillingSettings(models.Model):
    """Settings > Returns & refunds (one row): default fees and the shop's invoice
    details printed on every credit invoice."""

    restocking_fee_kind = models.CharField(
        _("default restocking fee"),
        max_length=8,
        choices=[
            (FeeKind.NONE, _("None")),
            (FeeKind.PERCENT, _("Percentage")),
            (FeeKind.FIXED, _("Fixed amount")),
        ],
        default=FeeKind.NONE,
    )
    restocking_fee_value = models.DecimalField(
        _("restocking fee (percent or amount)"), max_digits=10, decimal_places=2, default=0
    )
    return_shipping_fee = models.DecimalField(
        _("return shipping fee"), max_digits=10, decimal_places=2, default=0
    )
    standard_vat_rate = models.DecimalField(
        _("standard VAT rate"), max_digits=5, decimal_places=2, default=21
    )
    shop_name = models.CharField(_("shop name"), max_length=200, blank=True)
    shop_address = models.TextField(_("shop address"), blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    coc_number = models.CharField(_("chamber of commerce number"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("returns & refunds settings")
        verbose_name_plural = _("returns & refunds settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="billing_settings_single_row"),
            models.CheckConstraint(
                condition=models.Q(restocking_fee_value__gte=0, return_shipping_fee__gte=0)
                & (
                    ~models.Q(restocking_fee_kind=FeeKind.PERCENT)
                    | models.Q(restocking_fee_value__lte=100)
                ),
                name="billing_settings_fees_valid",
                violation_error_message=_("A percentage is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(standard_vat_rate__gte=0, standard_vat_rate__lt=100),
                name="billing_settings_rate_valid",
            ),
        ]

    def __str__(self):
        return str(_("Returns & refunds"))


class CreditInvoiceSequence(models.Model):
    """The last credit invoice number given out in a year. Its row is locked while a
    number is taken and the issue commits or rolls back with it: numbers are gap-free."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("credit invoice number sequence")

    def __str__(self):
        return f"{self.year}: {self.last}"


class CreditInvoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    class RefundMethod(models.TextChoices):
        ORIGINAL = "original", _("Back to the original payment")
        STORE_CREDIT = "store_credit", _("Store credit")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="credit_invoices",
    )
    rma = models.ForeignKey(
        "returns.Return",
        verbose_name=_("return"),
        on_delete=models.PROTECT,
        related_name="credit_invoices",
        null=True,
        blank=True,
    )
    # Given at issue (CR-2026-00001); drafts and cancelled drafts have none.
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    shipping_refund = models.DecimalField(_("shipping costs refunded"), **MONEY, default=0)
    payment_refund = models.DecimalField(_("payment costs refunded"), **MONEY, default=0)
    costs_vat_rate = models.DecimalField(
        _("VAT rate of the costs"), max_digits=5, decimal_places=2, default=21
    )
    restocking_fee_kind = models.CharField(_("restocking fee"), max_length=8, default=FeeKind.NONE)
    restocking_fee_value = models.DecimalField(
        _("restocking fee (percent or amount)"), max_digits=10, decimal_places=2, default=0
    )
    restocking_fee = models.DecimalField(_("restocking fee"), **MONEY, default=0)
    restocking_fee_reason = models.CharField(
        _("reason for the restocking fee"), max_length=300, blank=True
    )
    return_shipping_fee = models.DecimalField(_("return shipping fee"), **MONEY, default=0)
    deduction_vat_rate = models.DecimalField(
        _("VAT rate of the fees"), max_digits=5, decimal_places=2, default=21
    )
    total = models.DecimalField(_("total"), **MONEY, default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refund_method = models.CharField(
        _("refund method"), max_length=16, choices=RefundMethod.choices, blank=True
    )
    refund_reference = models.CharField(_("refund reference"), max_length=100, blank=True)
    refund_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit invoice")
        verbose_name_plural = _("credit invoices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A number exactly when issued (or issued and refunded).
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=["issued", "refunded"], number__isnull=False)
                    | models.Q(status__in=["draft", "cancelled"], number__isnull=True)
                ),
                name="billing_invoice_number_when_issued",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total__gte=0,
                    shipping_refund__gte=0,
                    payment_refund__gte=0,
                    restocking_fee__gte=0,
                    return_shipping_fee__gte=0,
                ),
                name="billing_invoice_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refunded") | ~models.Q(refund_method=""),
                name="billing_invoice_refund_has_method",
            ),
        ]
        indexes = [models.Index(fields=["order", "-created_at"], name="billing_invoice_order_idx")]

    def __str__(self):
        return self.number or str(_("Draft credit invoice"))

    def get_absolute_url(self):
        return reverse("billing:detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class CreditInvoiceLine(models.Model):
    invoice = models.ForeignKey(
        CreditInvoice,
        verbose_name=_("credit invoice"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="credit_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # Including VAT; at most quantity × the line's unit price.
    amount = models.DecimalField(_("amount"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("credit invoice line")
        verbose_name_plural = _("credit invoice lines")
        ordering = ["invoice_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, amount__gte=0),
                name="billing_line_quantity_and_amount_valid",
            ),
            models.UniqueConstraint(
                fields=["invoice", "order_line"], name="billing_line_once_per_invoice"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.order_line_id}"


class StoreCredit(models.Model):
    """A store credit voucher: a code the customer spends in the shop, with a balance kept
    like stock. The balance changes only with a ledger row (StoreCreditEntry) written in
    the same transaction under this row's lock; it is never negative (a database check)."""

    code = models.CharField(_("voucher code"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "orders.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="store_credits",
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    balance = models.DecimalField(_("balance"), **MONEY, default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("store credit")
        verbose_name_plural = _("store credit")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="billing_store_credit_not_negative"
            )
        ]

    def __str__(self):
        return self.code


class StoreCreditEntry(AppendOnlyModel):
    """One change of a voucher's balance, written once (a database trigger refuses
    changes): the balance is always the sum of its entries."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund as store credit")
        REDEEMED = "redeemed", _("Spent in the shop")

    credit = models.ForeignKey(
        StoreCredit,
        verbose_name=_("store credit"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    delta = models.DecimalField(_("change"), **MONEY)
    invoice = models.ForeignKey(
        CreditInvoice,
        verbose_name=_("credit invoice"),
        on_delete=models.PROTECT,
        related_name="store_credit_entries",
        null=True,
        blank=True,
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit ledger")
        ordering = ["credit_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(delta=0), name="billing_store_credit_entry_not_zero"
            )
        ]

    def __str__(self):
        return f"{self.credit_id}: {self.delta}"


class Exchange(models.Model):
    """A return's items exchanged for others: the replacement order that ships them, and
    the price difference (positive: the customer owes it; negative: the shop credits it)."""

    rma = models.ForeignKey(
        "returns.Return",
        verbose_name=_("return"),
        on_delete=models.PROTECT,
        related_name="exchanges",
    )
    original_order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("original order"),
        on_delete=models.PROTECT,
        related_name="exchanges",
    )
    replacement_order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("replacement order"),
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    # New items' value − the returned items' value (VAT included).
    difference = models.DecimalField(_("price difference"), **MONEY)
    # The credit invoice for a cheaper exchange, once made.
    credit_invoice = models.OneToOneField(
        CreditInvoice,
        verbose_name=_("credit invoice"),
        on_delete=models.PROTECT,
        related_name="exchange",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return str(self.replacement_order)


class ExchangeLine(models.Model):
    exchange = models.ForeignKey(
        Exchange, verbose_name=_("exchange"), on_delete=models.CASCADE, related_name="lines"
    )
    # Each return line is exchanged at most once.
    return_line = models.OneToOneField(
        "returns.ReturnLine",
        verbose_name=_("return line"),
        on_delete=models.PROTECT,
        related_name="exchange_line",
    )
    replacement_line = models.OneToOneField(
        "orders.OrderLine",
        verbose_name=_("replacement line"),
        on_delete=models.PROTECT,
        related_name="exchanged_from",
    )
    # What of the returned items' price pays for the replacement (the lower of the two
    # values): it counts as credited on the original line, so the same money is never
    # both exchanged and paid back (the money rule).
    value = models.DecimalField(_("value used"), **MONEY, default=0)

    class Meta:
        verbose_name = _("exchange line")
        verbose_name_plural = _("exchange lines")
        ordering = ["exchange_id", "pk"]

    def __str__(self):
        return f"{self.return_line_id} → {self.replacement_line_id}"
