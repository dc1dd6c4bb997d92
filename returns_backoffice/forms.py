from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """One layout for every form: labels, help, errors and widgets in the same places."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
