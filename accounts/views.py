from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy

from .forms import EmailAuthenticationForm
from .models import AuditEntry
from .permissions import backoffice_required


class SideLoginView(auth_views.LoginView):
    """The login page of one side of the shop (backoffice or customer account).

    `allowed(user)` says who may log in on this side; anyone else is told the same as for a
    wrong password, so the page reveals nothing about which accounts exist.
    """

    form_class = EmailAuthenticationForm
    allowed = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["allowed"] = self.allowed
        return kwargs


class BackofficeLoginView(SideLoginView):
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
