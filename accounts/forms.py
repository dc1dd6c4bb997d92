from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # The same wording as a wrong password: the form does not reveal which accounts exist.
        if self.allowed is not None and not self.allowed(user):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
