from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import backoffice_required, settings_required
from core.languages import language_name

from . import registry, selectors, services
from .exceptions import InvalidTemplate, NotResendable
from .forms import EmailTemplateForm
from .models import OutgoingEmail


def template_admin_required(view):
    """Admins only: Settings, and the permission to change e-mail templates."""
    return settings_required(backoffice_required(view, perm="notifications.change_emailtemplate"))


# --- Outbox ---------------------------------------------------------------------------


@backoffice_required(perm="notifications.view_outgoingemail")
def outbox_list(request):
    state = request.GET.get("state", "")
    if state not in OutgoingEmail.State.values:
        state = ""
    page = Paginator(selectors.outbox_list(state=state), 50).get_page(request.GET.get("page"))
    counts = selectors.outbox_state_counts()
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts[value]) for value, label in OutgoingEmail.State.choices
    ]
    return render(
        request,
        "notifications/outbox_list.html",
        {"page": page, "state": state, "tabs": tabs, "section": "outbox"},
    )


@backoffice_required(perm="notifications.view_outgoingemail")
def outbox_detail(request, pk):
    email = get_object_or_404(selectors.outbox_email_detail(), pk=pk)
    return render(
        request, "notifications/outbox_detail.html", {"email": email, "section": "outbox"}
    )


@backoffice_required(perm="notifications.resend_outgoingemail")
@require_POST
def outbox_resend(request, pk):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    try:
        services.email_resend(email=email, actor=request.user)
    except NotResendable as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The e-mail is queued to be sent again."))
    return redirect(email)


# --- Settings > Website settings > Notification e-mails --------------------------------


def _template_or_404(event: str, language: str) -> tuple[registry.EmailEvent, str]:
    if not registry.exists(event) or language not in dict(settings.LANGUAGES):
        raise Http404
    return registry.get(event), language_name(language)


@template_admin_required
def template_list(request):
    return render(
        request,
        "notifications/template_list.html",
        {"rows": selectors.email_template_overview(), "section": "settings"},
    )


@template_admin_required
def template_edit(request, event, language):
    email_event, language_label = _template_or_404(event, language)
    subject, body, saved = selectors.email_template_texts(event=event, language=language)
    preview = None
    if request.method == "POST":
        form = EmailTemplateForm(request.POST, placeholders=email_event.placeholders)
        if form.is_valid():
            if request.POST.get("action") == "preview":
                preview = selectors.email_template_preview(
                    event=event,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    language=language,
                )
            else:
                try:
                    services.email_template_save(
                        actor=request.user,
                        event=event,
                        language=language,
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                    )
                except InvalidTemplate as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("The e-mail template is saved."))
                    return redirect("notifications:template-edit", event=event, language=language)
    else:
        form = EmailTemplateForm(
            initial={"subject": subject, "body": body}, placeholders=email_event.placeholders
        )
    return render(
        request,
        "notifications/template_edit.html",
        {
            "form": form,
            "event": event,
            "event_label": email_event.label,
            "language": language,
            "language_label": language_label,
            "saved": saved,
            "placeholders": [
                (f"{{{name}}}", help_text) for name, help_text in email_event.placeholders.items()
            ],
            "preview": preview,
            "section": "settings",
        },
    )


@template_admin_required
@require_POST
def template_reset(request, event, language):
    _template_or_404(event, language)
    services.email_template_reset(actor=request.user, event=event, language=language)
    messages.success(request, _("The e-mail template is back to its default text."))
    return redirect("notifications:template-edit", event=event, language=language)
