import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel

from .workflow import (
    MAX_LATE_DAYS,
    MAX_RETURN_WINDOW_DAYS,
    WINDOW_TOO_LONG,
    Condition,
    Disposition,
    Status,
    is_final,
)


class CatalogEntry(models.Model):
    """A return reason or a return action the shop offers in its drop-downs.

    Entries are renamed, reordered and deactivated, never deleted while a return uses them
    (the foreign keys protect them). `name` is the name in the shop's language
    (settings.LANGUAGE_CODE), unique per kind; `names` the names in the other languages,
    {language: name}. Everyone reads `label`: the name in their own language, else the
    shop's.
    """

    class Kind(models.TextChoices):
        REASON = "reason", _("Return reason")
        ACTION = "action", _("Return action")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(_("name"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    visible_to_customers = models.BooleanField(
        _("visible to customers"),
        default=True,
        help_text=_("Customers can choose it when they request a return."),
    )

    class Meta:
        verbose_name = _("return reason or action")
        verbose_name_plural = _("return reasons and actions")
        ordering = ["kind", "position", "name", "pk"]
        constraints = [
            # One name per kind, however it is capitalised ("Too small" and "too small"
            # would be two entries nobody can tell apart in a drop-down).
            models.UniqueConstraint("kind", Lower("name"), name="returns_catalog_unique_name_ci"),
        ]

    def __str__(self):
        return self.label

    def name_in(self, language: str | None) -> str:
        """The name in `language`, else in the shop's language."""
        return (self.names or {}).get(language or "") or self.name

    @property
    def label(self) -> str:
        """The name in the active language (the reader's), else in the shop's."""
        return self.name_in(translation.get_language())


class Return(models.Model):
    """A return (RMA) of some lines of one order."""

    class Origin(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        STAFF = "staff", _("Staff")

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="returns"
    )
    # The order's customer, kept on the return so that "my returns" and searches by
    # customer need no join through orders.
    customer = models.ForeignKey(
        "orders.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="returns",
        db_index=False,  # returns_customer_idx starts with it
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    reason = models.ForeignKey(
        CatalogEntry,
        verbose_name=_("Return reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # returns_reason_idx starts with it
        limit_choices_to={"kind": CatalogEntry.Kind.REASON},
    )
    reason_text = models.CharField(_("Return reason"), max_length=200, blank=True)
    action = models.ForeignKey(
        CatalogEntry,
        verbose_name=_("Return action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # returns_action_idx
        limit_choices_to={"kind": CatalogEntry.Kind.ACTION},
    )
    action_text = models.CharField(_("Return action"), max_length=200, blank=True)
    update_stock = models.BooleanField(_("Update stock"), default=True)
    # Set when the return reached an approved-type status with Update stock on while stock
    # was linked to a point of sale: the point of sale moved that stock, so this return
    # never restocks it later (until it is reopened or Update stock is set again).
    restock_skipped_at = models.DateTimeField(
        _("approved without restock"), null=True, blank=True, editable=False
    )
    customer_comment = models.TextField(_("Customer comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who on the staff handles it (returns.services.return_assign); nobody by default.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # returns_assigned_idx starts with it
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    # When the return came into its current status: "waiting since" on the list. Kept by
    # the services with every change of status (returns.services.lifecycle).
    status_changed_at = models.DateTimeField(_("Waiting since"), default=timezone.now)
    # Bumped by every change; a save based on an older version is refused (SPEC §7).
    version = models.PositiveIntegerField(default=1, editable=False)
    # The one-time token of the customer's request form: sending that form twice (double
    # click, back and resubmit) finds this return instead of creating a second one.
    request_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-pk"]
        permissions = [("reopen_return", _("Can reopen a final return"))]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="returns_created_idx"),
            models.Index(
                fields=["status", "-created_at", "-id"], name="returns_status_created_idx"
            ),
            models.Index(fields=["customer", "-created_at", "-id"], name="returns_customer_idx"),
            models.Index(fields=["reason", "-created_at", "-id"], name="returns_reason_idx"),
            models.Index(fields=["action"], name="returns_action_idx"),
            models.Index(fields=["-updated_at", "-id"], name="returns_updated_idx"),
            # "Assigned to me", newest first.
            models.Index(fields=["assigned_to", "-created_at", "-id"], name="returns_assigned_idx"),
            # The "waiting longest" sort, over all returns and per status tab.
            models.Index(fields=["status_changed_at", "id"], name="returns_waiting_idx"),
            models.Index(
                fields=["status", "status_changed_at", "id"], name="returns_status_waiting_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="returns_status_valid"
            ),
            models.UniqueConstraint(
                fields=["customer", "request_token"],
                condition=models.Q(request_token__isnull=False),
                name="returns_request_token_unique",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("returns:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return format_number(self.pk)

    @property
    def is_final(self):
        return is_final(self.status)

    @property
    def reason_display(self):
        return self.reason.label if self.reason_id else self.reason_text

    @property
    def action_display(self):
        return self.action.label if self.action_id else self.action_text


def format_number(pk) -> str:
    """RET-000123: the readable return number, derived from the key so it is unique."""
    return f"RET-{pk:06d}" if pk else ""


def parse_number(text: str) -> int | None:
    """The key of a return number as people type it: RET-000123, ret123, #123 or 123."""
    text = text.strip().upper().removeprefix("RET").lstrip("-# ")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return int(text) if text.isdecimal() and len(text) < 12 else None


class ReturnLine(models.Model):
    rma = models.ForeignKey(
        Return,
        verbose_name=_("return"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,  # returns_line_unique starts with it
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="return_lines",
    )
    quantity = models.PositiveIntegerField(_("Quantity returned"))
    # How many of this line's items the stock ledger holds as restocked right now. The
    # stock rule (returns.services) keeps it equal to `quantity` or 0; the constraints
    # make restocking more than the line holds impossible, whatever the code path.
    restocked_quantity = models.PositiveIntegerField(_("restocked"), default=0, editable=False)
    # Receiving and inspection (returns.services.return_receive): how many items of the
    # line arrived, what they look like and what happens to them, by whom and when. A line
    # with received_at set restocks its received items whose disposition is restock
    # (returns.workflow.restock_target); one never inspected restocks its quantity.
    # Database defaults too: bulk loaders (seed_demo's COPY) name only the columns they fill.
    received_quantity = models.PositiveIntegerField(
        _("received"), default=0, db_default=0, editable=False
    )
    condition = models.CharField(
        _("condition"),
        max_length=8,
        choices=Condition.choices,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    disposition = models.CharField(
        _("disposition"),
        max_length=10,
        choices=Disposition.choices,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["rma_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="returns_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(restocked_quantity__gte=0)
                & models.Q(restocked_quantity__lte=models.F("quantity")),
                name="returns_line_restocked_within_quantity",
            ),
            models.UniqueConstraint(fields=["rma", "order_line"], name="returns_line_unique"),
            # Never more received than returned; an inspected line never restocks more
            # than arrived (restocked <= received <= quantity).
            models.CheckConstraint(
                condition=models.Q(received_quantity__lte=models.F("quantity")),
                name="returns_line_received_within_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(received_at__isnull=True)
                | models.Q(restocked_quantity__lte=models.F("received_quantity")),
                name="returns_line_restocked_within_received",
            ),
            models.CheckConstraint(
                condition=models.Q(condition__in=["", *Condition.values])
                & models.Q(disposition__in=["", *Disposition.values]),
                name="returns_line_receipt_valid",
            ),
        ]

    def __str__(self):
        return f"{format_number(self.rma_id)} · {self.quantity} × {self.order_line.sku}"

    def get_absolute_url(self):
        return reverse("returns:detail", args=[self.rma_id])

    @property
    def inspected(self) -> bool:
        return self.received_at is not None


class ReturnRequest(AppendOnlyModel):
    """What the customer asked for when they requested the return, exactly as they sent it:
    the lines and quantities, their reason and wished action (a catalog entry or their own
    words) and their comment.

    Written once, by the service that records a customer's request (returns.services), and
    never changed: staff work on the return's own fields, and the customer's pages and
    e-mails show this (returns.selectors.customer_view). The model refuses updates and
    deletes, and a database trigger refuses UPDATE (and DELETE on PostgreSQL).
    """

    rma = models.OneToOneField(
        Return, verbose_name=_("return"), on_delete=models.PROTECT, related_name="request"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    # [[order line id, quantity], ...] in the order the customer chose them.
    lines = models.JSONField(_("lines"), default=list)
    reason = models.ForeignKey(
        CatalogEntry,
        verbose_name=_("Return reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason_text = models.CharField(_("Return reason"), max_length=200, blank=True)
    action = models.ForeignKey(
        CatalogEntry,
        verbose_name=_("Wished action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action_text = models.CharField(_("Wished action"), max_length=200, blank=True)
    comment = models.TextField(_("Customer comment"), blank=True)

    class Meta:
        verbose_name = _("customer's request")
        verbose_name_plural = _("customers' requests")

    def __str__(self):
        return format_number(self.rma_id)

    @property
    def quantities(self) -> dict[int, int]:
        """{order line id: quantity requested}."""
        return {int(pk): int(quantity) for pk, quantity in self.lines}


class ReturnNote(models.Model):
    """A staff note. Notes accumulate; they are never edited and never shown to customers."""

    rma = models.ForeignKey(
        Return, verbose_name=_("return"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    text = models.TextField(_("Staff note"))

    class Meta:
        verbose_name = _("staff note")
        verbose_name_plural = _("staff notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text[:60]


class HistoryEntry(AppendOnlyModel):
    """One entry of a return's history: what happened, who did it, when.

    Rows are only ever inserted (by returns.services.history); the model refuses updates
    and deletes, and a database trigger refuses UPDATE (and DELETE on PostgreSQL).
    How each kind reads is returns/history.py.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS_CHANGED = "status_changed", _("Status changed")
        REOPENED = "reopened", _("Reopened")
        UPDATED = "updated", _("Details changed")
        QUANTITY_CHANGED = "quantity_changed", _("Quantity changed")
        NOTE_ADDED = "note_added", _("Note added")
        MESSAGE_SENT = "message_sent", _("Message to the customer")
        ASSIGNED = "assigned", _("Assigned")
        STOCK_MOVED = "stock_moved", _("Stock moved")
        RECEIVED = "received", _("Received and inspected")
        PHOTOS_ADDED = "photos_added", _("Photos added")
        EMAIL_QUEUED = "email_queued", _("E-mail queued")
        EMAIL_SENT = "email_sent", _("E-mail sent")
        EMAIL_RETRY = "email_retry", _("E-mail delivery failed, retrying")
        EMAIL_FAILED = "email_failed", _("E-mail failed")

    rma = models.ForeignKey(
        Return,
        verbose_name=_("return"),
        on_delete=models.PROTECT,
        related_name="history",
        db_index=False,  # returns_history_rma_idx starts with it
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    # Notes are never deleted, so nothing looks events up by note: no index to maintain.
    note = models.ForeignKey(
        ReturnNote,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("return history entry")
        verbose_name_plural = _("return history")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["rma", "-created_at", "-id"], name="returns_history_rma_idx")
        ]

    def __str__(self):
        return f"{format_number(self.rma_id)} {self.kind}"


class ReturnSettings(models.Model):
    """Settings > Account & service (one row)."""

    allow_returns = models.BooleanField(
        _("Allow returns"),
        default=True,
        help_text=_("When off, customers cannot request returns from their account."),
    )
    return_window_days = models.PositiveIntegerField(
        _("Return window (days)"),
        default=30,
        validators=[MaxValueValidator(MAX_RETURN_WINDOW_DAYS, message=WINDOW_TOO_LONG)],
        help_text=_("Days after shipping in which customers may request a return; 0 = no limit."),
    )

    # Where customers send their parcels, and what to put in them: shown in the customer's
    # confirmation e-mail and on the return slip. Instructions per language ({"nl": ...}).
    return_address = models.TextField(
        _("Return address"),
        blank=True,
        max_length=1000,
        help_text=_("Where customers send their parcels: name, street, postcode and city."),
    )
    return_instructions = models.JSONField(_("Return instructions"), default=dict, blank=True)

    # The dashboard's ageing: a return waiting longer than this in its status is late.
    late_new_days = models.PositiveIntegerField(
        _("New is late after (days)"), default=2, validators=[MaxValueValidator(MAX_LATE_DAYS)]
    )
    late_in_progress_days = models.PositiveIntegerField(
        _("In progress is late after (days)"),
        default=7,
        validators=[MaxValueValidator(MAX_LATE_DAYS)],
    )
    late_approved_days = models.PositiveIntegerField(
        _("Approved but not credited is late after (days)"),
        default=14,
        validators=[MaxValueValidator(MAX_LATE_DAYS)],
    )

    # A customer giving one of these reasons must attach at least one photo to the request.
    photo_required_reasons = models.ManyToManyField(
        CatalogEntry,
        verbose_name=_("Require a photo for these reasons"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": CatalogEntry.Kind.REASON},
    )

    class Meta:
        verbose_name = _("account & service settings")
        verbose_name_plural = _("account & service settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="returns_settings_single_row"),
            models.CheckConstraint(
                condition=models.Q(return_window_days__lte=MAX_RETURN_WINDOW_DAYS),
                name="returns_settings_window_bounded",
            ),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    def instructions_in(self, language: str) -> str:
        """The instructions in `language`, else in the shop's language, else none."""
        texts = self.return_instructions or {}
        return texts.get(language) or texts.get(settings.LANGUAGE_CODE) or ""


class ReturnCount(models.Model):
    """How many returns there are per status and catalog reason (reason_key 0: a typed
    reason). Kept by returns.services in the same transaction as the returns themselves,
    so the list's status tabs and totals read a few rows instead of counting a million."""

    status = models.CharField(max_length=16, choices=Status.choices)
    reason_key = models.PositiveBigIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("return count")
        verbose_name_plural = _("return counts")
        constraints = [
            models.UniqueConstraint(fields=["status", "reason_key"], name="returns_count_unique"),
        ]

    def __str__(self):
        return f"{self.status}/{self.reason_key}: {self.count}"


class ReturnTally(models.Model):
    """Returns and items per day, month and year (core.tallies), by one of several kinds,
    kept by returns.services in the same transaction as the returns themselves, so the
    dashboard sums a few hundred rows for any date range instead of reading the returns.

    - created: returns created on the day (key ""), with their items;
    - reason: the same by reason (key: the catalog entry's id, "0" for a typed reason);
    - origin: the same by origin (key: customer, staff);
    - variant: items of returns created on the day by variant (key: the variant's id);
    - final: returns in a final status that reached it on the day (by status_changed_at),
      by whole hours from creation (key: the hours), for the median time to a final status.
    Days are the shop's (settings.TIME_ZONE). Rebuilt by `manage.py recount_tallies`.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        REASON = "reason", _("Return reason")
        ORIGIN = "origin", _("Origin")
        VARIANT = "variant", _("Variant")
        FINAL = "final", _("Final status reached")

    grain = models.CharField(max_length=1)
    day = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=32, blank=True)
    returns = models.BigIntegerField(default=0)
    items = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("return tally")
        verbose_name_plural = _("return tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "grain", "day", "key"], name="returns_tally_unique"
            ),
        ]

    def __str__(self):
        return f"{self.kind}/{self.grain}/{self.day}/{self.key}: {self.returns}, {self.items}"


def photo_storage():
    """The private storage of photos (settings.STORAGES["photos"]): never under
    STATIC_ROOT, never served by a public URL; only returns.views hands them out."""
    return storages["photos"]


def photo_name(suffix: str = "jpg") -> str:
    """An unguessable name: 32 random bytes, nothing about the return or the customer."""
    return f"returns/{secrets.token_urlsafe(32)}.{suffix}"


class ReturnPhoto(models.Model):
    """A photo kept as evidence: one the customer attached to their request (shown to
    them and to staff), or one staff took while inspecting a line (staff only).

    The files are the re-encoded images of returns.photos (JPEG, no metadata) in the
    private photo storage under random names; the rows are written by
    returns.services.photos, which records them in the history."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer's photo")
        INSPECTION = "inspection", _("Inspection photo")

    rma = models.ForeignKey(
        Return, verbose_name=_("return"), on_delete=models.PROTECT, related_name="photos"
    )
    line = models.ForeignKey(
        ReturnLine,
        verbose_name=_("return line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("photo"), storage=photo_storage, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), storage=photo_storage, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["rma_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["customer", "inspection"]),
                name="returns_photo_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{format_number(self.rma_id)} · {self.get_kind_display()}"
