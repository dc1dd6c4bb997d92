from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy

from .forms import EmailAuthenticationForm
from .models import AuditEntry
from .permissions import backoffice_required
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
