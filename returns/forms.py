import uuid
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import ReadOnceModelChoiceField
from core.languages import language_name

from . import workflow
from .exceptions import InvalidPhoto
from .models import CatalogEntry, Return, ReturnSettings, Status
from .photos import MAX_BYTES, MAX_PHOTOS, process_photo, too_many
from .workflow import LATE_FIELDS, MAX_LATE_DAYS, Choice

TEXT_LIMIT = 5000
# Dates a shop can mean (the arithmetic of a range runs off the calendar beyond them).
DATE_BOUNDS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(9000, 12, 31))]
POS_EXPLANATION = _(
    "Not available: stock is linked to a physical point of sale (Settings > Inventory)."
)


class CatalogEntryField(forms.TypedChoiceField):
    """A drop-down of catalog entries that were already loaded (no query of its own);
    cleans to the CatalogEntry, or None for "nothing chosen"."""

    def __init__(self, *, entries=(), **kwargs):
        self.entries = {str(entry.pk): entry for entry in entries}
        super().__init__(
            choices=[("", _("— choose or type below —"))]
            + [(key, entry.label) for key, entry in self.entries.items()],
            coerce=lambda key: self.entries[key],
            empty_value=None,
            required=False,
            **kwargs,
        )

    def valid_value(self, value):
        return str(value) in self.entries or value in ("", None)

    def prepare_value(self, value):
        return str(value.pk) if isinstance(value, CatalogEntry) else value


class PhotosInput(forms.FileInput):
    """<input type=file multiple accept="image/*">: phones offer the camera and the
    gallery. The accept list is a hint to the browser; the content decides (returns.photos)."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", **(attrs or {})})


class PhotosField(forms.Field):
    """Photos sent with a form: each checked by its content and re-encoded
    (returns.photos.process_photo); cleans to a list of ProcessedPhoto. Every refused file
    is named in the errors, each with its reason."""

    widget = PhotosInput

    def __init__(self, *, max_count: int = MAX_PHOTOS, **kwargs):
        self.max_count = max_count
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, data):
        files = [item for item in (data or []) if item is not None]
        if not isinstance(data, (list, tuple)) and data:
            files = [data]
        if len(files) > self.max_count:
            raise forms.ValidationError(too_many(self.max_count).message)
        processed, errors = [], []
        for upload in files:
            try:
                processed.append(process_photo(upload))
            except InvalidPhoto as error:
                errors.append(error.message)
        if errors:
            raise forms.ValidationError(errors)
        return processed

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def photos_help(max_count: int):
    return ngettext(
        "At most %(count)s photo (JPEG, PNG, WebP or HEIC), each at most %(mb)s MB.",
        "At most %(count)s photos (JPEG, PNG, WebP or HEIC), each at most %(mb)s MB.",
        max_count,
    ) % {"count": max_count, "mb": MAX_BYTES // (1024 * 1024)}


class ReturnChoicesForm(forms.Form):
    """Return reason and Return action, each chosen from the catalog or typed, plus the
    quantity-per-line fields the subclasses add. Shared by the staff and customer forms."""

    reason = CatalogEntryField(label=_("Return reason"))
    reason_text = forms.CharField(label=_("…or type a reason"), max_length=200, required=False)
    action = CatalogEntryField(label=_("Return action"))
    action_text = forms.CharField(label=_("…or type an action"), max_length=200, required=False)

    def __init__(self, *args, catalog: list[CatalogEntry], **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in (
            ("reason", CatalogEntry.Kind.REASON),
            ("action", CatalogEntry.Kind.ACTION),
        ):
            field = self.fields[name]
            entries = [entry for entry in catalog if entry.kind == kind]
            self.fields[name] = CatalogEntryField(entries=entries, label=field.label)

    def clean(self):
        data = super().clean()
        for name, required in (("reason", True), ("action", False)):
            entry, text = data.get(name), (data.get(f"{name}_text") or "").strip()
            if entry is not None and text:
                self.add_error(
                    f"{name}_text", _("Choose from the list or type your own, not both.")
                )
            elif required and entry is None and not text and f"{name}_text" not in self.errors:
                self.add_error(name, _("Choose a return reason or type one."))
        return data

    def choice(self, name: str) -> Choice:
        return Choice(
            entry=self.cleaned_data.get(name),
            text=(self.cleaned_data.get(f"{name}_text") or "").strip(),
        )

    def line_fields(self):
        return [self[name] for name in self.fields if name.startswith("line_")]

    def detail_fields(self):
        return [
            self[name]
            for name in self.fields
            if not name.startswith("line_") and not self[name].is_hidden
        ]

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and not self.fields[name].disabled
        }


class ReturnFieldsForm(ReturnChoicesForm):
    """The fields of a return as the seed describes them, shared by the Create return form
    and the return page. The form checks the shape of the input; the services check the
    rules (transitions, quantities) and their errors are added to the form by the view."""

    update_stock = forms.BooleanField(
        label=_("Update stock"),
        required=False,
        help_text=_("Put the returned items back into stock once the return is approved."),
    )
    notify_customer = forms.BooleanField(
        label=_("Notify customer"),
        required=False,
        help_text=_("E-mail the customer that the status of their return changed."),
    )
    customer_comment = forms.CharField(
        label=_("Customer comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("What the customer said. Only backoffice users see it."),
    )
    staff_note = forms.CharField(
        label=_("Staff note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_(
            "Added to the notes of this return for your colleagues; customers never see it."
        ),
    )

    def __init__(self, *args, catalog: list[CatalogEntry], pos_linked: bool, **kwargs):
        super().__init__(*args, catalog=catalog, **kwargs)
        # Shown, but not changeable, where the service would ignore it anyway.
        self.update_stock_applies = workflow.update_stock_applies(pos_linked=pos_linked)
        if not self.update_stock_applies:
            self.fields["update_stock"].disabled = True
            self.fields["update_stock"].help_text = POS_EXPLANATION


def _line_label(order_line):
    return f"{order_line.title} ({order_line.sku})"


def _still_returnable(available: int, order_line) -> str:
    # "1 van 1 kan nog worden geretourneerd", "2 van 3 kunnen ...": the verb agrees with
    # the number that can still be returned. Out of what shipped (only that can return).
    return ngettext(
        "%(available)s of %(shipped)s can still be returned.",
        "%(available)s of %(shipped)s can still be returned.",
        available,
    ) % {"available": available, "shipped": order_line.shipped_quantity}


class ReturnCreateForm(ReturnFieldsForm):
    """Orders > order > Create return (staff)."""

    field_order = ["reason", "reason_text", "action", "action_text", "update_stock"]

    def __init__(self, *args, order_lines, returnable: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        line_fields = {}
        for line in order_lines:
            available = returnable.get(line.pk, 0)
            line_fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_line_label(line),
                min_value=0,
                max_value=available,
                initial=0,
                required=False,
                disabled=available == 0,
                help_text=_still_returnable(available, line),
            )
        self.fields = {**line_fields, **self.fields}
        self.initial.setdefault("update_stock", self.update_stock_applies)
        self.fields["notify_customer"].help_text = _(
            "E-mail the customer that you created this return, with where to send the parcel."
        )

    def clean(self):
        data = super().clean()
        if not any(self.quantities().values()) and not any(
            name.startswith("line_") for name in self.errors
        ):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return data


class ReturnChangeForm(ReturnFieldsForm):
    """The form on the return page: the seed's fields plus Status and the version the user
    started from (for the "changed meanwhile" check)."""

    status = forms.ChoiceField(label=_("Status"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["status", "reason", "reason_text", "action", "action_text", "update_stock"]

    def __init__(self, *args, rma: Return, lines, can_reopen: bool, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": rma.status,
                "reason": rma.reason,
                "reason_text": rma.reason_text,
                "action": rma.action,
                "action_text": rma.action_text,
                "update_stock": rma.update_stock,
                "customer_comment": rma.customer_comment,
                "version": rma.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.rma = rma
        if rma.origin == Return.Origin.CUSTOMER:
            # What the customer said is their request, shown above the form and never
            # edited; the field is for what a customer said to staff (phone, counter).
            del self.fields["customer_comment"]
        allowed = [rma.status, *workflow.allowed_next(rma.status, can_reopen=can_reopen)]
        self.fields["status"].choices = [(code, Status(code).label) for code in allowed]
        editable = workflow.quantities_editable(rma.status)
        line_fields = {}
        for line in lines:
            order_line = line.order_line
            name = f"line_{line.pk}"
            line_fields[name] = forms.IntegerField(
                label=_line_label(order_line),
                min_value=1,
                max_value=order_line.shipped_quantity,
                disabled=not editable,
                help_text=_("Shipped: %(shipped)s.") % {"shipped": order_line.shipped_quantity},
            )
            self.initial.setdefault(name, line.quantity)
        self.fields = {**line_fields, **self.fields}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "version": data["version"],
            "status": data["status"],
            "quantities": self.quantities() or None,
            "reason": self.choice("reason"),
            "action": self.choice("action"),
            "update_stock": data["update_stock"],
            "customer_comment": data.get("customer_comment"),
            "staff_note": data["staff_note"],
            "notify_customer": data["notify_customer"],
        }


class ReturnMessageForm(forms.Form):
    """The return page's message to the customer (an e-mail; their page shows it too)."""

    text = forms.CharField(
        label=_("Message to the customer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        help_text=_(
            "E-mailed to the customer and shown on their return page. Staff notes stay "
            "internal; this does not."
        ),
    )


class RequestTokenField(forms.UUIDField):
    """The request form's one-time token. A missing or mangled token is not the
    customer's fault: the request gets a fresh one (it is only there to recognise a form
    sent twice)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value) or uuid.uuid4()
        except forms.ValidationError:
            return uuid.uuid4()


class ReturnRequestForm(ReturnChoicesForm):
    """My orders > an order > Request return (customers).

    How many of each line that still has items to return, a reason and a wished action
    from the customer-visible catalog (or their own words), a comment, and the form's
    one-time token. The form checks the shape; the service checks the rules again under
    the order's row lock and its errors are added to the form by the view."""

    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("Anything else the shop should know."),
    )
    photos = PhotosField(label=_("Photos"))
    token = RequestTokenField()

    def __init__(
        self,
        *args,
        order_lines,
        returnable: dict[int, int],
        photo_reasons: list[CatalogEntry] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["action_text"].label = _("…or type what you would like us to do")
        help_text = photos_help(MAX_PHOTOS)
        if photo_reasons:
            needed = _("We need at least one photo for these reasons: %(reasons)s.") % {
                "reasons": ", ".join(entry.label for entry in photo_reasons)
            }
            help_text = f"{help_text} {needed}"
        self.fields["photos"].help_text = help_text
        line_fields = {}
        for line in order_lines:
            available = returnable.get(line.pk, 0)
            line_fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_line_label(line),
                min_value=0,
                max_value=available,
                initial=0,
                required=False,
                disabled=available == 0,
                error_messages={
                    "max_value": _("You can return at most %(limit_value)s of this item."),
                    "invalid": _("Enter a number of items, such as 1."),
                },
                help_text=_still_returnable(available, line),
            )
        self.fields = {**line_fields, **self.fields}
        self.initial.setdefault("token", uuid.uuid4())

    def clean(self):
        data = super().clean()
        # A browser only sends the lines the form shows; anything else is forged or stale.
        for key in self.data:
            if not key.startswith("line_") or str(self.data.get(key)).strip() in ("", "0"):
                continue
            if key not in self.fields:
                raise forms.ValidationError(_("A chosen item is not part of this order."))
            if self.fields[key].disabled:
                self.add_error(key, _("Nothing more of this item can be returned."))
        if not any(self.quantities().values()) and not any(
            name.startswith("line_") for name in self.errors
        ):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return data


def _other_languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class CatalogEntryForm(forms.ModelForm):
    """Edit an entry: its name in every language the shop speaks (the shop's own language
    required), Active and Visible to customers. Adding one uses the same form without
    Active (new entries are)."""

    class Meta:
        model = CatalogEntry
        fields = ["name", "active", "visible_to_customers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["active"]
        self.fields["name"].label = _name_label(settings.LANGUAGE_CODE)
        names = self.instance.names or {}
        fields = {"name": self.fields.pop("name")}
        for code in _other_languages():
            fields[f"name_{code}"] = forms.CharField(
                label=_name_label(code),
                max_length=CatalogEntry._meta.get_field("name").max_length,
                required=False,
                initial=names.get(code, ""),
                help_text=_("Empty: customers reading this language see the name above."),
                widget=forms.TextInput(attrs={"lang": code}),
            )
        self.fields = {**fields, **self.fields}

    def validate_unique(self):
        # Unique names (in any capitalisation) are the service's rule, checked under its
        # lock (returns.services.catalog); the view shows its CatalogNameTaken here.
        pass

    def names(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"name_{code}", "") for code in _other_languages()}

    def service_values(self) -> dict:
        values = {
            name: value for name, value in self.cleaned_data.items() if not name.startswith("name_")
        }
        return {**values, "names": self.names()}


def _name_label(code: str):
    return _("Name (%(language)s)") % {"language": language_name(code)}


class ReturnSettingsForm(forms.ModelForm):
    """Settings > Account & service, with the return instructions in every language."""

    class Meta:
        model = ReturnSettings
        fields = [
            "allow_returns",
            "return_window_days",
            "return_address",
            "late_new_days",
            "late_in_progress_days",
            "late_approved_days",
            "photo_required_reasons",
        ]
        widgets = {
            "photo_required_reasons": forms.CheckboxSelectMultiple,
            "return_window_days": forms.NumberInput(
                attrs={"min": 0, "max": workflow.MAX_RETURN_WINDOW_DAYS}
            ),
            "return_address": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = self.fields["photo_required_reasons"]
        reasons.queryset = CatalogEntry.objects.filter(
            kind=CatalogEntry.Kind.REASON, active=True, visible_to_customers=True
        ).order_by("position", "name", "pk")
        reasons.help_text = _(
            "A customer who chooses one of these reasons must add at least one photo to "
            "their request."
        )
        for name in LATE_FIELDS.values():
            self.fields[name].required = False
            self.fields[name].widget.attrs.update(min=0, max=MAX_LATE_DAYS)
        texts = self.instance.return_instructions or {}
        for code, _name in settings.LANGUAGES:
            self.fields[f"instructions_{code}"] = forms.CharField(
                label=_("Return instructions (%(language)s)") % {"language": language_name(code)},
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
                max_length=2000,
                required=False,
                initial=texts.get(code, ""),
                help_text=_(
                    "What customers should put in the parcel and how to send it; shown in "
                    "their confirmation e-mail and on the return slip."
                ),
            )

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "allow_returns": data["allow_returns"],
            "return_window_days": data["return_window_days"],
            "return_address": data["return_address"],
            # A threshold left empty keeps its value.
            "late_days": {
                status: data[name]
                for status, name in LATE_FIELDS.items()
                if data.get(name) is not None
            },
            "return_instructions": {
                code: data[f"instructions_{code}"] for code, _name in settings.LANGUAGES
            },
            "photo_required_reasons": list(data["photo_required_reasons"]),
        }


class ReturnReceiveForm(forms.Form):
    """Receive and inspect, on the return page: per line how many arrived, their condition
    and what happens to them. A line whose condition is left empty is not received (yet);
    the service checks every receipt (returns.workflow.check_receipt)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rma: Return, lines, **kwargs):
        # Its own ids: the change form on the same page has a version field too.
        kwargs.setdefault("auto_id", "receive_%s")
        super().__init__(*args, initial={"version": rma.version}, **kwargs)
        self.line_groups = []
        for line in lines:
            label = _line_label(line.order_line)
            names = (f"received_{line.pk}", f"condition_{line.pk}", f"disposition_{line.pk}")
            self.fields[names[0]] = forms.IntegerField(
                label=_("Received"),
                min_value=0,
                max_value=line.quantity,
                required=False,
                initial=line.received_quantity if line.inspected else line.quantity,
                help_text=_("of %(quantity)s returned") % {"quantity": line.quantity},
            )
            self.fields[names[1]] = forms.ChoiceField(
                label=_("Condition"),
                choices=[("", _("— not received yet —")), *workflow.Condition.choices],
                required=False,
                initial=line.condition,
            )
            self.fields[names[2]] = forms.ChoiceField(
                label=_("What happens to them"),
                choices=[("", "—"), *workflow.Disposition.choices],
                required=False,
                initial=line.disposition,
            )
            self.line_groups.append((line, label, [self[name] for name in names]))

    def receipts(self) -> dict:
        """{return line id: Receipt} for the lines given a condition."""
        data = self.cleaned_data
        receipts = {}
        for line, _label, _fields in self.line_groups:
            condition = data.get(f"condition_{line.pk}") or ""
            if not condition:
                continue
            received = data.get(f"received_{line.pk}")
            if condition == workflow.Condition.MISSING and received is None:
                received = 0
            receipts[line.pk] = workflow.Receipt(
                received=received if received is not None else line.quantity,
                condition=condition,
                disposition=data.get(f"disposition_{line.pk}") or "",
            )
        return receipts


class InspectionPhotosForm(forms.Form):
    """Inspection photos on the return page: for the whole return or one of its lines."""

    line = forms.TypedChoiceField(label=_("Of"), coerce=int, empty_value=None, required=False)
    photos = PhotosField(label=_("Photos"), required=True)

    def __init__(self, *args, lines, max_count: int, **kwargs):
        kwargs.setdefault("auto_id", "photo_%s")
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("The whole return"))] + [
            (line.pk, _line_label(line.order_line)) for line in lines
        ]
        photos = self.fields["photos"]
        photos.max_count = max_count
        photos.help_text = photos_help(max_count)
        photos.error_messages["required"] = _("Choose at least one photo.")


class AssignForm(forms.Form):
    """Who handles the return: a member of the staff, or nobody."""

    assignee = ReadOnceModelChoiceField(
        label=_("Assigned to"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name()


class BulkForm(forms.Form):
    """The returns list's bulk actions: the chosen returns (or all that match the list's
    filter) to one status, or to one person, or their slips printed. Which is the button
    pressed."""

    SELECTED, MATCHING = "selected", "matching"
    STATUS, ASSIGN, SLIPS = "status", "assign", "slips"

    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[
            (SELECTED, _("The returns ticked below")),
            (MATCHING, _("Every return in this list")),
        ],
        initial=SELECTED,
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(
        label=_("New status"), choices=[("", "—"), *Status.choices], required=False
    )
    notify_customer = forms.BooleanField(label=_("Notify customer"), required=False)
    assignee = ReadOnceModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )
    action = forms.ChoiceField(
        choices=[(STATUS, STATUS), (ASSIGN, ASSIGN), (SLIPS, SLIPS)], widget=forms.HiddenInput
    )
    # The list's query string, for "every return in this list" and the way back.
    filter = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, staff, **kwargs):
        # Its own ids: the list's filter form beside it has a "status" field too.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name()

    def clean(self):
        data = super().clean()
        if data.get("action") == self.STATUS and not data.get("status"):
            self.add_error("status", _("Choose the new status."))
        ids = []
        for value in self.data.getlist("ids") if hasattr(self.data, "getlist") else []:
            if not str(value).isdecimal() or len(str(value)) > 18:
                raise forms.ValidationError(_("The selection is not valid."))
            ids.append(int(value))
        if data.get("scope") == self.SELECTED and not ids:
            raise forms.ValidationError(_("Tick the returns to change first."))
        data["ids"] = ids
        return data


class DashboardRangeForm(forms.Form):
    """The dashboard's date range: any two days (no cap), the last 30 days unless asked.
    Invalid input falls back to that default rather than to an error."""

    DEFAULT_DAYS = 30

    # A date input speaks ISO dates whatever the page's language.
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name in ("start", "end"):
            self.fields[name].validators += DATE_BOUNDS

    def range(self):
        """(first day, last day), both included."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=self.DEFAULT_DAYS - 1)
        return (start, end) if start <= end else (end, start)
