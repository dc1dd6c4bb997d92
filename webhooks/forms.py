from django import forms
from django.utils.translation import gettext_lazy as _

from . import catalog


class EndpointForm(forms.Form):
    """An endpoint's URL and the events it gets; the service checks the URL (https, and
    where it leads) again."""

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are sent, as an HTTPS POST."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=catalog.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)
