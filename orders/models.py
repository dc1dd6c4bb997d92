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

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["-placed_at", "-id"], name="orders_placed_idx"),
            models.Index(fields=["customer", "-placed_at"], name="orders_customer_idx"),
            models.Index(fields=["status", "-placed_at"], name="orders_status_idx"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.number])

    @property
    def has_shipped(self):
        return self.shipped_at is not None


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
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    # How many of this line left the warehouse (orders.services.order_ship). Only these
    # can come back: a return of goods that never shipped would restock them twice.
    shipped_quantity = models.PositiveIntegerField(_("shipped"), default=0)
    # How many of this line live returns (all but rejected and cancelled) hold. Kept by the
    # returns services under the order's row lock; the check constraints make
    # over-returning impossible even for a code path that forgets the rule.
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0, editable=False)

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
        ]

    def __str__(self):
        return f"{self.quantity} × {self.title}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity
