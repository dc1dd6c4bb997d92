"""The Python-built widgets (core.forms) give what Django's templates give."""

import re

from django import forms
from django.forms.renderers import TemplatesSetting

from core.forms import FormRenderer


class MultipleFiles(forms.FileInput):
    allow_multiple_selected = True


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "Apples & <pears>"), ("b", 'Say "hi"')])
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("a", "Apple"), ("b", "Banana")]), ("Veg", [("c", "Carrot")])]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    disabled = forms.ChoiceField(choices=[("1", "One")], disabled=True)
    text = forms.CharField(
        max_length=10, help_text="Help", widget=forms.TextInput(attrs={"placeholder": '"q"'})
    )
    number = forms.IntegerField(min_value=0)
    flag = forms.BooleanField(required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.HiddenInput)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    upload = forms.FileField(widget=forms.FileInput(attrs={"accept": "image/*"}))
    uploads = forms.FileField(required=False, widget=MultipleFiles(attrs={"accept": "image/*"}))


def normalized(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).replace("> <", "><").strip()


DATA = {
    "plain": "b",
    "grouped": "c",
    "many": ["x", "y"],
    "text": "<b>way too long</b>",
    "number": "-1",
    "flag": "on",
    "when": "2026-11-26",
    "secret": "s3",
    "notes": "Line one\n<script>",
}


def test_widgets_render_as_djangos_templates_do():
    form = Sample(
        data=DATA,
        renderer=FormRenderer(),
    )
    reference = Sample(data=DATA, renderer=TemplatesSetting())
    assert not form.is_valid()  # errors too: aria-invalid and aria-describedby
    reference.is_valid()
    for name in form.fields:
        ours, theirs = normalized(form[name]), normalized(reference[name])
        assert ours == theirs, name
    assert "Apples &amp; &lt;pears&gt;" in str(form["plain"])
    assert '<option value="b" selected>' in str(form["plain"])


def test_unbound_widgets_with_initial_values_render_the_same_too():
    initial = {"plain": "a", "flag": True, "notes": "x", "number": 3}
    ours = Sample(initial=initial, renderer=FormRenderer())
    theirs = Sample(initial=initial, renderer=TemplatesSetting())
    for name in ours.fields:
        assert normalized(ours[name]) == normalized(theirs[name]), name


class TemplateFieldGroups(TemplatesSetting):
    """The project's field template rendered by Django's template engine: the reference."""

    field_template_name = FormRenderer.field_template_name


class WithFieldsets(Sample):
    choice = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="Pick <one>"
    )
    agree = forms.BooleanField(label="I <agree>", help_text="Required")


def test_field_groups_render_as_the_field_template_does():
    """Label (with the required mark), widget, help and errors of every kind of field:
    a checkbox, a fieldset of radios, a disabled one; bound with errors and unbound."""
    for kwargs in ({"data": {**DATA, "choice": "x"}}, {"initial": {"plain": "a"}}):
        ours = WithFieldsets(renderer=FormRenderer(), **kwargs)
        theirs = WithFieldsets(renderer=TemplateFieldGroups(), **kwargs)
        ours.is_valid(), theirs.is_valid()
        for name in ours.fields:
            mine, reference = ours[name].as_field_group(), theirs[name].as_field_group()
            assert normalized(mine) == normalized(reference), name
    bound = WithFieldsets(data={"choice": "x"}, renderer=FormRenderer())
    html = bound["choice"].as_field_group()
    assert 'class="field field--error"' in html and "<fieldset><legend>" in html
    assert "Pick &lt;one&gt;" in html
    assert 'class="field field--error field--checkbox"' in bound["agree"].as_field_group()


class TemplateForms(TemplateFieldGroups):
    form_template_name = FormRenderer.form_template_name


def test_whole_forms_render_as_the_form_template_does():
    """Errors of the form (and of its hidden fields), every field group, hidden fields:
    the template's markup (whitespace between tags aside, as for the field groups)."""
    for kwargs in ({"data": {**DATA, "choice": "x", "secret": ""}}, {"initial": {"plain": "a"}}):
        ours = WithFieldsets(renderer=FormRenderer(), **kwargs)
        theirs = WithFieldsets(renderer=TemplateForms(), **kwargs)
        ours.is_valid(), theirs.is_valid()
        if "data" in kwargs:
            ours.add_error(None, "Not <like> this")
            theirs.add_error(None, "Not <like> this")
        assert normalized(ours) == normalized(theirs)
        if "data" in kwargs:
            assert '<div class="form-errors" role="alert">' in str(ours)
            assert "Not &lt;like&gt; this" in str(ours)
