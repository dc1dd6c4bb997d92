from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inventory:product-detail", args=[self.pk])


class Variant(models.Model):
    """A sellable variant of a product (size, colour). `on_hand` changes only through
    `inventory.services.stock_apply`, which writes the ledger row in the same transaction."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    title = models.CharField(_("variant"), max_length=200)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    on_hand = models.IntegerField(_("on hand"), default=0, editable=False)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product_id", "pk"]

    def __str__(self):
        return f"{self.product.name} — {self.title}" if self.title else self.product.name


class StockMovement(models.Model):
    """One row of the stock ledger: on-hand of a variant equals the sum of its movements."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Stock received")
        ADJUSTMENT = "adjustment", _("Adjustment")
        SALE = "sale", _("Sale")
        RETURN_RESTOCK = "return_restock", _("Return restock")
        RETURN_REVERSAL = "return_reversal", _("Return reversal")
        EXCHANGE_SHIPMENT = "exchange_shipment", _("Exchange shipment")

    variant = models.ForeignKey(
        Variant,
        verbose_name=_("variant"),
        on_delete=models.PROTECT,
        related_name="movements",
        db_index=False,  # inv_movement_variant_idx starts with it
    )
    delta = models.IntegerField(_("change"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # What caused the movement (a return line, say). Generic, because inventory knows
    # nothing about the apps that move stock.
    reference_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # inv_movement_ref_idx starts with it
    )
    reference_id = models.PositiveBigIntegerField(null=True, blank=True)
    reference = GenericForeignKey("reference_type", "reference_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock ledger")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["variant", "-created_at"], name="inv_movement_variant_idx"),
            models.Index(fields=["reference_type", "reference_id"], name="inv_movement_ref_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(delta=0), name="inv_movement_delta_nonzero"),
        ]

    def __str__(self):
        return f"{self.variant_id} {self.delta:+d} ({self.kind})"


class InventorySettings(models.Model):
    """The inventory section of Settings (one row)."""

    stock_linked_to_pos = models.BooleanField(
        _("Stock linked to a point of sale"),
        default=False,
        help_text=_(
            "When on, stock is managed by the physical point of sale: returns never change it "
            "and Update stock is not available."
        ),
    )

    class Meta:
        verbose_name = _("inventory settings")
        verbose_name_plural = _("inventory settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="inv_settings_single_row")
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
