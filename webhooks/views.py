"""Settings > Webhooks (admins): the endpoints, their deliveries and attempts."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import settings_required

from . import selectors, services
from .exceptions import InvalidWebhookEndpoint, NotResendable
from .forms import EndpointForm, PauseForm
from .models import WebhookDelivery, WebhookEndpoint


def _show_secret(request, endpoint, secret, title):
    """The page that shows a new secret: once, in the answer to the POST that made it
    (neither in the session nor in a later page)."""
    return render(
        request,
        "webhooks/secret.html",
        {"endpoint": endpoint, "secret": secret, "title": title, "section": "settings"},
    )


def _save(request, form, endpoint=None):
    try:
        if endpoint is None:
            return services.endpoint_create(actor=request.user, **form.cleaned_data)
        return services.endpoint_update(
            actor=request.user, endpoint=endpoint, **form.cleaned_data
        ), None
    except InvalidWebhookEndpoint as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None, None


@settings_required
def endpoint_list(request):
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"endpoints": selectors.endpoint_list(), "section": "settings"},
    )


@settings_required
def endpoint_create(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = _save(request, form)
        if endpoint is not None:
            return _show_secret(request, endpoint, secret, _("Endpoint created"))
    return render(
        request,
        "webhooks/endpoint_form.html",
        {"form": form, "endpoint": None, "section": "settings"},
    )


@settings_required
def endpoint_edit(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved, _secret = _save(request, form, endpoint)
        if saved is not None:
            messages.success(request, _("Endpoint saved."))
            return redirect(saved)
    return render(
        request,
        "webhooks/endpoint_form.html",
        {"form": form, "endpoint": endpoint, "section": "settings"},
    )


@settings_required
def endpoint_detail(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    page = Paginator(selectors.endpoint_deliveries(endpoint), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {"endpoint": endpoint, "page": page, "pause_form": PauseForm(), "section": "settings"},
    )


@settings_required
@require_POST
def endpoint_rotate(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    secret = services.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    return _show_secret(request, endpoint, secret, _("New signing secret"))


@settings_required
@require_POST
def endpoint_pause(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    form = PauseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.endpoint_pause(actor=request.user, endpoint=endpoint, reason=reason)
    messages.success(request, _("Endpoint paused: nothing is sent to it until it is resumed."))
    return redirect(endpoint)


@settings_required
@require_POST
def endpoint_resume(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.endpoint_resume(actor=request.user, endpoint=endpoint)
    messages.success(request, _("Endpoint resumed: what waited is being sent."))
    return redirect(endpoint)


@settings_required
@require_POST
def endpoint_test(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.endpoint_send_test(actor=request.user, endpoint=endpoint)
    messages.success(request, _("A test event is on its way."))
    return redirect(endpoint)


@settings_required
def delivery_detail(request, pk):
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    return render(
        request,
        "webhooks/delivery_detail.html",
        {
            "delivery": delivery,
            "attempts": selectors.delivery_attempts(delivery),
            "payload_json": json.dumps(delivery.payload, indent=2, ensure_ascii=False),
            "section": "settings",
        },
    )


@settings_required
@require_POST
def delivery_resend(request, pk):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.delivery_resend(delivery=delivery, actor=request.user)
    except NotResendable as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The delivery is queued to be sent again."))
    return redirect("webhooks:delivery", pk=delivery.pk)
