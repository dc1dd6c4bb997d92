from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiKeyForm, EmailAuthenticationForm
from .models import ApiKey, AuditEntry
from .permissions import backoffice_required, settings_required
from .throttling import LOCKED_OUT_STATUS


class SideLoginView(auth_views.LoginView):
    """The login page of one side of the shop (backoffice or customer account).

    `allowed(user)` says who may log in on this side; anyone else is told the same as for a
    wrong password, so the page reveals nothing about which accounts exist. Too many
    failures for one address from one client lock that pair out for a while (django-axes,
    see accounts/throttling.py); the page then says so, with status 429.
    `session_age` (seconds) overrides the site-wide session expiry for logins on this side.
    """

    form_class = EmailAuthenticationForm
    allowed = None
    session_age: int | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["allowed"] = self.allowed
        return kwargs

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.session_age is not None:
            self.request.session.set_expiry(self.session_age)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked_out:
            response.status_code = LOCKED_OUT_STATUS
        return response


class BackofficeLoginView(SideLoginView):
    """Backoffice sessions follow the site-wide SESSION_COOKIE_AGE and
    SESSION_EXPIRE_AT_BROWSER_CLOSE (8 hours, ending with the browser, by default)."""

    template_name = "accounts/backoffice_login.html"
    next_page = reverse_lazy("backoffice-home")
    allowed = staticmethod(lambda user: user.is_backoffice_user)


class BackofficeLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:backoffice-login")


@backoffice_required(perm="accounts.view_auditentry")
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page, "section": "settings"})


@settings_required
def api_keys(request):
    """Settings > API keys: the keys, a form for a new one. A new key's secret is shown in
    the answer to the POST itself, once: it is neither stored nor put in the session."""
    form = ApiKeyForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        created, secret = services.api_key_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at,
        )
        form = ApiKeyForm()
    return render(
        request,
        "accounts/api_keys.html",
        {
            "form": form,
            "keys": ApiKey.objects.select_related("created_by"),
            "created": created,
            "secret": secret,
            "section": "settings",
        },
    )


@require_POST
@settings_required
def api_key_revoke(request, pk):
    key = get_object_or_404(ApiKey, pk=pk)
    services.api_key_revoke(actor=request.user, key=key)
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("accounts:api-keys")
