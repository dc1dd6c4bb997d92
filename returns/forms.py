from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CatalogEntry, Return, ReturnSettings, Status, next_statuses
from .services import Choice

TEXT_LIMIT = 5000
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
            + [(key, entry.name) for key, entry in self.entries.items()],
            coerce=lambda key: self.entries[key],
            empty_value=None,
            required=False,
            **kwargs,
        )

    def valid_value(self, value):
        return str(value) in self.entries or value in ("", None)

    def prepare_value(self, value):
        return str(value.pk) if isinstance(value, CatalogEntry) else value


class ReturnFieldsForm(forms.Form):
    """The fields of a return as the seed describes them, shared by the Create return form
    and the return page. The form checks the shape of the input; the services check the
    rules (transitions, quantities) and their errors are added to the form by the view."""

    reason = CatalogEntryField(label=_("Return reason"))
    reason_text = forms.CharField(label=_("…or type a reason"), max_length=200, required=False)
    action = CatalogEntryField(label=_("Return action"))
    action_text = forms.CharField(label=_("…or type an action"), max_length=200, required=False)
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
        super().__init__(*args, **kwargs)
        self.pos_linked = pos_linked
        for name, kind in (
            ("reason", CatalogEntry.Kind.REASON),
            ("action", CatalogEntry.Kind.ACTION),
        ):
            field = self.fields[name]
            entries = [entry for entry in catalog if entry.kind == kind]
            self.fields[name] = CatalogEntryField(entries=entries, label=field.label)
        if pos_linked:
            self.fields["update_stock"].disabled = True
            self.fields["update_stock"].help_text = POS_EXPLANATION

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
            self[name] for name in self.fields if not name.startswith("line_") and name != "version"
        ]

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and not self.fields[name].disabled
        }


def _line_label(order_line):
    return f"{order_line.title} ({order_line.sku})"


class ReturnCreateForm(ReturnFieldsForm):
    """Orders > order > Create return (staff)."""

    field_order = ["reason", "reason_text", "action", "action_text", "update_stock"]

    def __init__(self, *args, order_lines, **kwargs):
        super().__init__(*args, **kwargs)
        line_fields = {}
        for line in order_lines:
            available = line.quantity - line.returned_quantity
            line_fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_line_label(line),
                min_value=0,
                max_value=available,
                initial=0,
                required=False,
                disabled=available == 0,
                help_text=_("%(available)s of %(ordered)s can still be returned.")
                % {"available": available, "ordered": line.quantity},
            )
        self.fields = {**line_fields, **self.fields}
        self.initial.setdefault("update_stock", not self.pos_linked)

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
        allowed = [rma.status, *next_statuses(rma.status, can_reopen=can_reopen)]
        self.fields["status"].choices = [(code, Status(code).label) for code in allowed]
        editable = not rma.is_final
        line_fields = {}
        for line in lines:
            order_line = line.order_line
            name = f"line_{line.pk}"
            line_fields[name] = forms.IntegerField(
                label=_line_label(order_line),
                min_value=1,
                max_value=order_line.quantity,
                disabled=not editable,
                help_text=_("Ordered: %(ordered)s.") % {"ordered": order_line.quantity},
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
            "update_stock": None if self.pos_linked else data["update_stock"],
            "customer_comment": data["customer_comment"],
            "staff_note": data["staff_note"],
            "notify_customer": data["notify_customer"],
        }


class CatalogEntryForm(forms.ModelForm):
    """Edit an entry; adding one uses the same form without Active (new entries are)."""

    class Meta:
        model = CatalogEntry
        fields = ["name", "active", "visible_to_customers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["active"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicate = CatalogEntry.objects.filter(kind=self.instance.kind, name__iexact=name)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(_("There is already an entry with this name."))
        return name


class ReturnSettingsForm(forms.ModelForm):
    class Meta:
        model = ReturnSettings
        fields = ["allow_returns", "return_window_days"]
        widgets = {"return_window_days": forms.NumberInput(attrs={"min": 0, "max": 3650})}

    def clean_return_window_days(self):
        days = self.cleaned_data["return_window_days"]
        if days > 3650:
            raise forms.ValidationError(
                _("Enter at most 3650 days (ten years), or 0 for no limit.")
            )
        return days
