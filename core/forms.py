from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
SELECT_TEMPLATE = WIDGETS + "select.html"
TEXTAREA_TEMPLATE = WIDGETS + "textarea.html"
# The widget templates that are nothing but an include of input.html.
INPUT_TEMPLATES = {
    WIDGETS + name
    for name in (
        "text.html", "number.html", "email.html", "password.html", "hidden.html",
        "checkbox.html", "date.html", "datetime.html", "time.html", "url.html",
        "search.html", "tel.html", "color.html",
    )
}  # fmt: skip


class FormRenderer(TemplatesSetting):
    """One layout for every form: labels, help, errors and widgets in the same places.

    Widgets are built in Python: Django's templates render each <option>, and each input's
    attributes, through includes of their own, which made a page's form cost more than its
    queries. The markup is the same (tests/test_forms.py compares the two)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
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
