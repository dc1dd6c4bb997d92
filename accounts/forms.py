from datetime import date, datetime, time

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiKey
from .throttling import lockout_message


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with e-mail and password; `allowed(user)` decides which side may log in here."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or password is not correct."),
    }

    def __init__(self, request=None, *args, allowed=None, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.allowed = allowed

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def get_invalid_login_error(self):
        # django-axes flags the request when this failure (or an earlier one) reached the
        # limit for this address from this client; say so instead of "wrong password".
        if getattr(self.request, "axes_locked_out", False):
            return forms.ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()

    @property
    def locked_out(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "locked_out")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # The same wording as a wrong password: the form does not reveal which accounts exist.
        if self.allowed is not None and not self.allowed(user):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class ApiKeyForm(forms.Form):
    """Settings > API keys: a new key."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who or what uses the key, e.g. “Web shop sync”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiKey.Scope.choices,
        initial=ApiKey.Scope.READ,
        help_text=_("Read: lists and reads. Read and write: also creates and changes."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. The key stops working at the start of this day."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if "\x00" in name:
            raise forms.ValidationError(_("Enter a name."))
        return name

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and not (timezone.localdate() < day <= date(9000, 12, 31)):
            raise forms.ValidationError(_("Choose a day after today."))
        return day

    @property
    def expires_at(self):
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min))
