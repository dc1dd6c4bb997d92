from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rendering import template_errors
from .services import MAX_BODY_LENGTH


class EmailTemplateForm(forms.Form):
    """An admin's subject and text for one e-mail; only `placeholders` (the e-mail
    event's) may appear in braces."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        help_text=_("One line, with placeholders such as {return_number}."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Plain text. Write {{ or }} for a brace that is not a placeholder."),
    )

    def __init__(self, *args, placeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholders = placeholders

    def _check(self, text: str) -> str:
        errors = template_errors(text, self.placeholders)
        if errors:
            raise ValidationError(errors)
        return text

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if "\n" in subject or "\r" in subject:
            raise ValidationError(_("The subject is one line."))
        return self._check(subject)

    def clean_body(self):
        # Browsers send a textarea's line breaks as CRLF; store them as the defaults are.
        return self._check(self.cleaned_data["body"].replace("\r\n", "\n"))
