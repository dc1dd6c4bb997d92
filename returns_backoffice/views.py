"""The pages that belong to no single app: the shop front, the backoffice start page, the
Settings hub (each section is its app's own page) and the language switch."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.permissions import backoffice_required, settings_required
from orders.permissions import customer_of
from orders.services import customer_set_language


def healthz(request):
    """For load balancers: the process answers. It goes through every middleware, which
    also makes it the benchmark's ceiling for a page that does nothing."""
    return HttpResponse("ok", content_type="text/plain")


def front_page(request):
    return render(request, "front.html", {"customer": customer_of(request.user)})


@backoffice_required
def backoffice_home(request):
    return render(request, "backoffice/home.html", {"section": "home"})


@settings_required
def settings_home(request):
    return render(request, "backoffice/settings.html", {"section": "settings"})


@require_POST
def set_language(request):
    """Django's language switch; a customer's choice is also kept for their e-mails."""
    response = django_set_language(request)
    customer = customer_of(request.user)
    language = request.POST.get("language", "")
    if customer is not None and response.status_code in (200, 302):
        customer_set_language(customer=customer, language=language)
    return response
