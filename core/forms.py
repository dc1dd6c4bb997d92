from django.forms import ModelChoiceField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# templates/forms/field.html, built in Python by render_field (the same markup).
FIELD_TEMPLATE = "forms/field.html"
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

    form_template_name = "forms/form.html"
    field_template_name = FIELD_TEMPLATE

    def render(self, template_name, context, request=None):
        if template_name == FIELD_TEMPLATE and set(context) == {"field"}:
            return render_field(context["field"])
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        return super().render(template_name, context, request)


def _attrs(attrs: dict) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them, in the same order."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def render_select(widget) -> str:
    groups = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            (
                (str(option["value"]), _attrs(option["attrs"]), option["label"])
                for option in options
            ),
        )
        if group_name:
            rendered = format_html(
                '\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered
            )
        groups.append(rendered)
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        _attrs(widget["attrs"]),
        mark_safe("".join(groups)),  # noqa: S308 (parts built with format_html)
    )


def render_input(widget) -> str:
    value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>\n',
        widget["type"],
        widget["name"],
        value,
        _attrs(widget["attrs"]),
    )


def render_textarea(widget) -> str:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>\n',
        widget["name"],
        _attrs(widget["attrs"]),
        widget["value"] or "",
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
    if checkbox:
        body = format_html(
            '\n  {}\n  <label for="{}">{}</label>', field, field.auto_id, field.label
        )
    elif field.use_fieldset:
        body = format_html(
            "\n  <fieldset><legend>{}</legend>\n  {}\n  </fieldset>", field.label, field
        )
    else:
        required = (
            mark_safe(' <span class="required" aria-hidden="true">*</span>')
            if field.field.required
            else ""
        )
        body = format_html(
            '\n  <label for="{}">{}{}</label>\n  {}\n  ',
            field.auto_id,
            field.label,
            required,
            field,
        )
    help_text = (
        format_html('<p class="help" id="{}_helptext">{}</p>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    error_html = format_html('<div class="errors">{}</div>', errors) if errors else ""
    return format_html('<div class="{}">{}\n{}\n{}\n</div>\n', classes, body, help_text, error_html)


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
    """A ModelChoiceField for short lists (the assignable staff) read once per request."""

    iterator = ReadOnceChoiceIterator
