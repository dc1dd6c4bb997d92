import html

from django.forms import ModelChoiceField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise
from django.utils.safestring import SafeString

# templates/forms/field.html and form.html, built in Python by render_field and
# render_form (the same markup).
FIELD_TEMPLATE = "forms/field.html"
FORM_TEMPLATE = "forms/form.html"
FORM_CONTEXT = {"form", "fields", "hidden_fields", "errors"}  # Django's Form.get_context()
WIDGETS = "django/forms/widgets/"
SELECT_TEMPLATE = WIDGETS + "select.html"
TEXTAREA_TEMPLATE = WIDGETS + "textarea.html"
# The widget templates that are nothing but an include of input.html.
INPUT_TEMPLATES = {
    WIDGETS + name
    for name in (
        "text.html", "number.html", "email.html", "password.html", "hidden.html",
        "checkbox.html", "date.html", "datetime.html", "time.html", "url.html",
        "search.html", "tel.html", "color.html", "file.html",
    )
}  # fmt: skip


class FormRenderer(TemplatesSetting):
    """One layout for every form: labels, help, errors and widgets in the same places.

    Widgets are built in Python: Django's templates render each <option>, and each input's
    attributes, through includes of their own, which made a page's form cost more than its
    queries. The markup is the same (tests/test_forms.py compares the two)."""

    form_template_name = FORM_TEMPLATE
    field_template_name = FIELD_TEMPLATE

    def render(self, template_name, context, request=None):
        if template_name == FIELD_TEMPLATE and set(context) == {"field"}:
            return render_field(context["field"])
        if template_name == FORM_TEMPLATE and set(context) == FORM_CONTEXT:
            return render_form(context)
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        return super().render(template_name, context, request)


def escape(value) -> str:
    """django.utils.html.conditional_escape, without the lazy-string wrappers around
    escape() that were a third of a form's rendering: safe HTML as it is, anything else
    escaped as escape() does (html.escape of str())."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them, in the same order."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget) -> str:
    groups = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = "".join(
            f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f"{escape(option['label'])}</option>"
            for option in options
        )
        if group_name:
            rendered = f'\n  <optgroup label="{escape(group_name)}">{rendered}\n  </optgroup>'
        groups.append(rendered)
    return SafeString(
        f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>'
        f"{''.join(groups)}\n</select>"
    )


def render_input(widget) -> str:
    value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
    return SafeString(
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def render_textarea(widget) -> str:
    return SafeString(
        f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{escape(widget['value'] or '')}</textarea>\n"
    )


def render_field(field) -> str:
    """templates/forms/field.html: a field's label, widget, help and errors."""
    errors = field.errors
    checkbox = field.widget_type == "checkbox"
    classes = "field"
    if errors:
        classes += " field--error"
    if checkbox:
        classes += " field--checkbox"
    if field.field.disabled:
        classes += " field--disabled"
    auto_id = escape(field.auto_id)
    if checkbox:
        body = f'\n  {escape(field)}\n  <label for="{auto_id}">{escape(field.label)}</label>'
    elif field.use_fieldset:
        body = (
            f"\n  <fieldset><legend>{escape(field.label)}</legend>"
            f"\n  {escape(field)}\n  </fieldset>"
        )
    else:
        required = (
            ' <span class="required" aria-hidden="true">*</span>' if field.field.required else ""
        )
        body = (
            f'\n  <label for="{auto_id}">{escape(field.label)}{required}</label>'
            f"\n  {escape(field)}\n  "
        )
    help_text = (
        f'<p class="help" id="{auto_id}_helptext">{escape(field.help_text)}</p>'
        if field.help_text
        else ""
    )
    error_html = f'<div class="errors">{escape(errors)}</div>' if errors else ""
    return SafeString(f'<div class="{classes}">{body}\n{help_text}\n{error_html}\n</div>\n')


def render_form(context) -> str:
    """templates/forms/form.html: the form's own errors, its field groups, its hidden
    fields."""
    errors = context["errors"]
    head = f'<div class="form-errors" role="alert">{escape(errors)}</div>' if errors else ""
    groups = "".join(escape(field.as_field_group()) for field, _errors in context["fields"])
    hidden = "".join(escape(field) for field in context["hidden_fields"])
    # Django's renderers strip what a template gives.
    return SafeString(f"{head}\n{groups}\n{hidden}".strip())


class ReadOnceChoiceIterator(ModelChoiceIterator):
    """Django's ModelChoiceIterator reads its queryset with .iterator(), which on
    PostgreSQL is a server-side cursor (DECLARE, FETCH, CLOSE: three round trips, none
    prepared) and reads again on every rendering, even of a queryset already read. This
    one reads the queryset once, into its result cache, and reuses that."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ReadOnceModelChoiceField(ModelChoiceField):
    """A ModelChoiceField for short lists (the assignable staff) read once per request,
    or not at all when the queryset given already has its rows (returns.selectors.
    assignable_staff, from the process's cache: core.config). A chosen value is still
    looked up in the database (to_python filters a clone)."""

    iterator = ReadOnceChoiceIterator

    def _set_queryset(self, queryset):
        # ModelChoiceField keeps a clone (.all()), which would drop rows already read.
        if queryset is not None and queryset._result_cache is None:
            queryset = queryset.all()
        self._queryset = queryset
        self.widget.choices = self.choices

    queryset = property(ModelChoiceField._get_queryset, _set_queryset)
