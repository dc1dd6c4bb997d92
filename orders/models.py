from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """A shop customer: a login (accounts.User) plus what the shop knows about them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        related_name="customer",
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    created_at = models.DateTimeField(_("customer since"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def email(self):
        return self.user.email


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("order number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,  # orders_customer_idx starts with it
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    # Money, as the shop charged it (snapshots). Amounts include VAT. The columns have
    # database defaults so that bulk loads (demo.bulk COPY) may leave them out.
    currency = models.CharField(_("currency"), max_length=3, default="EUR", db_default="EUR")
    shipping_cost = models.DecimalField(
        _("shipping costs"), max_digits=10, decimal_places=2, default=0, db_default=0
    )
    payment_cost = models.DecimalField(
        _("payment costs"), max_digits=10, decimal_places=2, default=0, db_default=0
    )
    # Shipping and payment costs are taxed at the shop's standard rate.
    costs_vat_rate = models.DecimalField(
        _("VAT rate of the costs"), max_digits=5, decimal_places=2, default=21, db_default=21
    )
    total_paid = models.DecimalField(
        _("total paid"), max_digits=12, decimal_places=2, default=0, db_default=0
    )
    payment_method = models.CharField(
        _("payment method"), max_length=64, blank=True, default="", db_default=""
    )
    # What live credit invoices (billing) hold of this order, kept by the billing services
    # under the order's row lock, as returned_quantity is for returns. The check
    # constraints make crediting more than was paid impossible for any code path.
    credited_total = models.DecimalField(
        _("credited"), max_digits=12, decimal_places=2, default=0, db_default=0, editable=False
    )
    credited_shipping = models.DecimalField(
        _("shipping costs credited"),
        max_digits=10,
        decimal_places=2,
        default=0,
        db_default=0,
        editable=False,
    )
    credited_payment = models.DecimalField(
        _("payment costs credited"),
        max_digits=10,
        decimal_places=2,
        default=0,
        db_default=0,
        editable=False,
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["-placed_at", "-id"], name="orders_placed_idx"),
            models.Index(fields=["customer", "-placed_at"], name="orders_customer_idx"),
            models.Index(fields=["status", "-placed_at"], name="orders_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shipping_cost__gte=0, payment_cost__gte=0, total_paid__gte=0),
                name="orders_order_money_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(credited_total__gte=0)
                & models.Q(credited_total__lte=models.F("total_paid")),
                name="orders_order_credited_lte_paid",
            ),
            models.CheckConstraint(
                condition=models.Q(credited_shipping__gte=0)
                & models.Q(credited_shipping__lte=models.F("shipping_cost")),
                name="orders_order_credited_shipping_lte_cost",
            ),
            models.CheckConstraint(
                condition=models.Q(credited_payment__gte=0)
                & models.Q(credited_payment__lte=models.F("payment_cost")),
                name="orders_order_credited_payment_lte_cost",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.number])

    @property
    def has_shipped(self):
        return self.shipped_at is not None

    @property
    def creditable_total(self):
        """What may still be credited on this order in all."""
        return self.total_paid - self.credited_total


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(
        "inventory.Variant",
        verbose_name=_("variant"),
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    # Snapshots: what the customer bought, even if the product is renamed later.
    title = models.CharField(_("product"), max_length=300)
    sku = models.CharField(_("SKU"), max_length=64)
    quantity = models.PositiveIntegerField(_("quantity"))
    # Including VAT, at vat_rate (both snapshots of the sale).
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=2, default=21, db_default=21
    )
    # How many of this line left the warehouse (orders.services.order_ship). Only these
    # can come back: a return of goods that never shipped would restock them twice.
    shipped_quantity = models.PositiveIntegerField(_("shipped"), default=0)
    # How many of this line live returns (all but rejected and cancelled) hold. Kept by the
    # returns services under the order's row lock; the check constraints make
    # over-returning impossible even for a code path that forgets the rule.
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0, editable=False)
    # What live credit invoices credit for this line (billing, under the order's row lock):
    # never more than was paid for it (unit price × quantity; a database check).
    credited_amount = models.DecimalField(
        _("credited"), max_digits=12, decimal_places=2, default=0, db_default=0, editable=False
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orders_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(returned_quantity__lte=models.F("quantity")),
                name="orders_line_returned_lte_quantity",
            ),
            # returned <= shipped <= quantity: nothing comes back that did not leave.
            models.CheckConstraint(
                condition=models.Q(shipped_quantity__lte=models.F("quantity")),
                name="orders_line_shipped_lte_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_quantity__lte=models.F("shipped_quantity")),
                name="orders_line_returned_lte_shipped",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0, vat_rate__gte=0, vat_rate__lt=100),
                name="orders_line_price_and_rate_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(credited_amount__gte=0)
                & models.Q(credited_amount__lte=models.F("unit_price") * models.F("quantity")),
                name="orders_line_credited_lte_paid",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.title}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity

    @property
    def creditable_amount(self):
        """What may still be credited for this line."""
        return self.line_total - self.credited_amount


class SalesTally(models.Model):
    """Items sold per variant per day, month and year (core.tallies) by the day the order
    was placed (the shop's days), and how many of them live returns hold (the sum of
    OrderLine.returned_quantity): the dashboard's return rate over any date range.
    Kept by orders.services.order_upsert and by the returns services that change what
    returns hold, in their transactions."""

    grain = models.CharField(max_length=1)
    day = models.DateField()
    variant_id = models.BigIntegerField()
    sold = models.BigIntegerField(default=0)
    held = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("sales tally")
        verbose_name_plural = _("sales tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["variant_id", "grain", "day"], name="orders_sales_tally_unique"
            ),
        ]

    def __str__(self):
        return f"{self.variant_id}/{self.grain}/{self.day}: {self.sold}, {self.held}"
