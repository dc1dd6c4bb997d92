"""Pages of returns: the backoffice's, and the customer's in their account. Thin: read
through selectors, write through services, turn domain errors into messages on the form."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import backoffice_required, settings_required
from core.csv_export import csv_response
from core.pagination import seek_page
from core.querystrings import QueryStrings
from inventory.selectors import stock_linked_to_pos
from orders.permissions import customer_required
from orders.selectors import customer_order, order_detail

from . import history, selectors, services, slip, workflow
from .exceptions import (
    CatalogEntryInUse,
    CatalogNameTaken,
    InvalidReturnInput,
    InvalidSettings,
    ReturnChangedMeanwhile,
    ReturnError,
    ReturnsNotAllowed,
)
from .filters import ReturnFilter
from .forms import (
    AssignForm,
    BulkForm,
    CatalogEntryForm,
    InspectionPhotosForm,
    ReturnChangeForm,
    ReturnCreateForm,
    ReturnMessageForm,
    ReturnReceiveForm,
    ReturnRequestForm,
    ReturnSettingsForm,
)
from .models import CatalogEntry, Return, Status, format_number
from .signals import return_page_panels

PAGE_SIZE = 50
PHOTO_CONTENT_TYPE = "image/jpeg"  # what returns.photos writes
ACCOUNT_PAGE_SIZE = 20


@backoffice_required(perm="returns.view_return")
def return_list(request):
    filterset = ReturnFilter(request.GET or None, queryset=selectors.return_rows(), request=request)
    cleaned = filterset.cleaned
    returns = filterset.qs  # every filter but the status: the tabs count across statuses
    if filterset.narrowed:
        counts = selectors.status_counts_of(returns)
    else:
        counts = selectors.status_counts(reason=cleaned.get("reason"))
    status = cleaned.get("status", "")
    if status:
        returns = returns.filter(status=status)
    page = seek_page(
        returns,
        ordering=filterset.ordering,
        size=PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    staff = selectors.assignable_staff()
    link = QueryStrings(request.GET)
    return render(
        request,
        "returns/return_list.html",
        {
            "bulk_form": BulkForm(initial={"filter": request.GET.urlencode()}, staff=staff),
            # Names the rendered assignee choices (returns_tags.bulk_field_groups).
            "staff_key": tuple((user.pk, user.get_full_name()) for user in staff),
            "bulk_limit": services.BULK_LIMIT,
            "slips_limit": slip.SLIPS_LIMIT,
            "filter": filterset,
            "page": page,
            "reason_labels": selectors.reason_labels(),
            # (link, label, count, code) of each status tab; the assigned tabs' links.
            "tabs": [
                (link(status=code, after=None, before=None), label, counts.counts[code], code)
                for code, label in Status.choices
            ],
            "all_link": link(status=None, after=None, before=None),
            "everybody_link": link(assigned=None, after=None, before=None),
            "mine_link": link(assigned="me", after=None, before=None),
            "unassigned_link": link(assigned="nobody", after=None, before=None),
            "all_count": counts.total,
            "total": counts.counts[status] if status and counts.exact else counts.total,
            "exact": counts.exact,
            "current_status": status,
            "assigned": cleaned.get("assigned", ""),
            "section": "returns",
        },
    )


def _listed(request, params: QueryDict, queryset):
    """The returns list's filters (status included) applied to `queryset`."""
    filterset = ReturnFilter(params or None, queryset=queryset, request=request)
    returns = filterset.qs
    status = filterset.cleaned.get("status")
    return returns.filter(status=status) if status else returns


@backoffice_required(perm="returns.view_return")
def return_export(request):
    """The returns of the list as it is filtered, as a CSV download (streamed)."""
    returns = _listed(request, request.GET, Return.objects.all())
    return csv_response(
        f"returns-{timezone.localdate().isoformat()}.csv",
        selectors.export_header(),
        selectors.export_lines(returns),
    )


@require_POST
@backoffice_required(perm="returns.change_return")
def return_bulk(request):
    """The list's bulk actions: each return through the same service as a single save;
    the answer lists what changed and what was refused, and why."""
    form = BulkForm(request.POST, staff=selectors.assignable_staff())
    back = reverse("returns:list") + "?" + request.POST.get("filter", "")[:2000]
    if not form.is_valid():
        for error in [*form.non_field_errors(), *form.errors.get("status", [])]:
            messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    ids = data["ids"]
    if data["scope"] == BulkForm.MATCHING:
        matching = _listed(request, QueryDict(data["filter"]), Return.objects.all())
        ids = list(matching.order_by("pk").values_list("pk", flat=True)[: services.BULK_LIMIT + 1])
    if len(ids) > services.BULK_LIMIT:
        messages.error(
            request,
            _("More than %(limit)s returns match; narrow the list down first.")
            % {"limit": services.BULK_LIMIT},
        )
        return redirect(back)
    if data["action"] == BulkForm.SLIPS:
        return _bulk_slips(request, ids, back)
    if data["action"] == BulkForm.STATUS:
        result = services.returns_bulk_change_status(
            ids=ids,
            user=request.user,
            status=data["status"],
            notify_customer=data["notify_customer"],
        )
        done = _("Status changed to “%(status)s”") % {"status": Status(data["status"]).label}
    else:
        assignee = data["assignee"]
        result = services.returns_bulk_assign(ids=ids, user=request.user, assignee=assignee)
        done = (
            _("Assigned to %(name)s") % {"name": assignee.get_full_name()}
            if assignee
            else _("Assigned to nobody")
        )
    return render(
        request,
        "returns/bulk_result.html",
        {"result": result, "done": done, "back": back, "section": "returns"},
    )


def _bulk_slips(request, ids, back):
    """Print slips: one PDF of every printable return's slip, straight away; when some
    are refused, a page that lists them with the PDF of the others to download."""
    if len(ids) > slip.SLIPS_LIMIT:
        messages.error(
            request,
            _("Slips are printed for at most %(limit)s returns at once; narrow the list down.")
            % {"limit": slip.SLIPS_LIMIT},
        )
        return redirect(back)
    printable, refused = selectors.slip_returns(ids)
    if printable and not refused:
        return _slips_response(printable)
    query = QueryDict(mutable=True)
    query.setlist("ids", [str(rma.pk) for rma in printable])
    return render(
        request,
        "returns/bulk_result.html",
        {
            "result": services.BulkResult(
                changed=[rma.number for rma in printable], refused=refused
            ),
            "done": _("Print return slips"),
            "slips_url": reverse("returns:slips") + "?" + query.urlencode() if printable else "",
            "slips": True,
            "back": back,
            "section": "returns",
        },
    )


@require_GET
@backoffice_required(perm="returns.view_return")
def return_slips(request):
    """The slips of the returns `ids` (at most slip.SLIPS_LIMIT) in one PDF, a page each:
    what the bulk action's page links to when it refused some. Returns that cannot have
    a slip are left out, as that page said."""
    values = request.GET.getlist("ids")[: slip.SLIPS_LIMIT + 1]
    if (
        not values
        or len(values) > slip.SLIPS_LIMIT
        or not all(value.isdecimal() and len(value) <= 18 for value in values)
    ):
        raise BadRequest("ids")
    printable, _refused = selectors.slip_returns([int(value) for value in values])
    if not printable:
        raise Http404
    return _slips_response(printable)


def _slips_response(returns):
    name = f"return-slips-{timezone.localdate().isoformat()}.pdf"
    return _slip_response(slip.return_slips(returns, filename=name))


@backoffice_required(perm="returns.view_return")
def return_detail(request, pk):
    rma, lines = selectors.return_detail_with_lines(pk=pk)
    can_change = request.user.has_perm("returns.change_return")
    data = request.POST if request.method == "POST" else None
    form = _change_form(request, rma, data=data, lines=lines)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            old_status = rma.status
            try:
                rma = services.return_change(rma=rma, user=request.user, **form.service_kwargs())
            except ReturnChangedMeanwhile as error:
                # Show the return as it is now; keep what the user typed, based on the
                # current version, so that saving again is a decision made knowingly.
                rma = selectors.return_detail(pk=pk)
                data = request.POST.copy()
                data["version"] = rma.version
                form = _change_form(request, rma, data=data)
                form.is_valid()
                form.add_error(None, error.message)
            except ReturnError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Return %(number)s saved.") % {"number": rma.number})
                notify = form.cleaned_data["notify_customer"]
                if notify and not workflow.status_email_due(
                    notify=notify, old_status=old_status, new_status=rma.status
                ):
                    messages.warning(
                        request,
                        _(
                            "No e-mail was sent: Notify customer e-mails a change of status, "
                            "and the status did not change. To tell the customer something "
                            "else, send them a message."
                        ),
                    )
                return redirect(rma)
    return _detail_page(request, rma, form, can_change=can_change)


@require_POST
@backoffice_required(perm="returns.change_return")
def return_message(request, pk):
    """Send the customer a message about their return (an e-mail through the outbox; it
    shows in the history and on the customer's page)."""
    rma = selectors.return_detail(pk=pk)
    message_form = ReturnMessageForm(request.POST)
    if message_form.is_valid():
        try:
            services.return_message_send(
                rma=rma, user=request.user, text=message_form.cleaned_data["text"]
            )
        except ReturnError as error:
            message_form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("Your message to %(email)s is on its way.") % {"email": rma.customer.email},
            )
            return redirect(rma)
    return _detail_page(
        request, rma, _change_form(request, rma, data=None), message_form=message_form
    )


@require_GET
@backoffice_required(perm="returns.view_return")
def return_slip(request, pk):
    """The return slip, for staff to print (the same document the customer gets)."""
    return _slip_response(slip.return_slip(selectors.return_detail(pk=pk)))


def _slip_response(document) -> HttpResponse:
    response = HttpResponse(document.pdf, content_type="application/pdf")
    # inline: the browser shows it with its print button; the name is the return number.
    response["Content-Disposition"] = f'inline; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@backoffice_required(perm="returns.view_return")
def receive(request):
    """Receive: the field a keyboard scanner types into (every backoffice page has it at
    the top; here it has the focus). One return named: open it. Else list the matches."""
    text = request.GET.get("code", "")
    found = selectors.receive_matches(text) if text.strip() else None
    if found is not None and found.rma is not None:
        return redirect(found.rma)
    return render(
        request,
        "returns/receive.html",
        {"code": text, "found": found, "section": "receive"},
    )


@require_POST
@backoffice_required(perm="returns.change_return")
def return_receive(request, pk):
    """Receive and inspect: what arrived of each line, its condition and disposition."""
    rma, lines = selectors.return_detail_with_lines(pk=pk)
    change_form = _change_form(request, rma, data=None, lines=lines)
    receive_form = ReturnReceiveForm(request.POST, rma=rma, lines=change_form.lines)
    if receive_form.is_valid():
        try:
            services.return_receive(
                rma=rma,
                user=request.user,
                version=receive_form.cleaned_data["version"],
                receipts=receive_form.receipts(),
            )
        except ReturnChangedMeanwhile as error:
            messages.error(request, error.message)
            return redirect(rma)
        except ReturnError as error:
            receive_form.add_error(None, error.message)
        else:
            messages.success(
                request, _("What arrived of %(number)s is recorded.") % {"number": rma.number}
            )
            return redirect(rma)
    return _detail_page(request, rma, change_form, receive_form=receive_form)


@require_POST
@backoffice_required(perm="returns.change_return")
def return_photos_add(request, pk):
    """Add inspection photos to the return or one of its lines (staff only ever see them)."""
    rma = selectors.return_detail(pk=pk)
    change_form = _change_form(request, rma, data=None)
    photos_form = _photos_form(request, change_form.lines)
    if photos_form.is_valid():
        try:
            added = services.return_photos_add(
                rma=rma,
                user=request.user,
                photos=photos_form.cleaned_data["photos"],
                line_id=photos_form.cleaned_data["line"],
            )
        except ReturnError as error:
            photos_form.add_error(
                error.field if error.field in photos_form.fields else None, error.message
            )
        else:
            messages.success(
                request,
                ngettext("%(count)s photo added.", "%(count)s photos added.", len(added))
                % {"count": len(added)},
            )
            return redirect(f"{rma.get_absolute_url()}#photos-title")
    return _detail_page(request, rma, change_form, photos_form=photos_form)


def _photos_form(request, lines):
    return InspectionPhotosForm(
        request.POST if request else None,
        request.FILES if request else None,
        lines=lines,
        max_count=services.MAX_INSPECTION_PHOTOS,
    )


@require_GET
@backoffice_required(perm="returns.view_return")
def return_photo(request, pk, photo_pk, size="full"):
    """A photo of the return, for staff: every photo, the customer's and the inspection's."""
    return _photo_response(selectors.return_photo(rma_pk=pk, pk=photo_pk), size)


def _photo_response(photo, size: str) -> FileResponse:
    """The file from the private storage, for this reader's browser only."""
    field = photo.thumbnail if size == "thumb" else photo.file
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=PHOTO_CONTENT_TYPE)
    name = f"{format_number(photo.rma_id)}-{photo.pk}{'-thumb' if size == 'thumb' else ''}.jpg"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    # Shown to one logged-in reader: never kept by a shared cache.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@backoffice_required(perm="returns.change_return")
def return_assign(request, pk):
    """Assign the return to a member of the staff (or to nobody)."""
    rma = selectors.return_detail(pk=pk)
    assign_form = AssignForm(request.POST, staff=selectors.assignable_staff())
    if assign_form.is_valid():
        assignee = assign_form.cleaned_data["assignee"]
        try:
            changed = services.return_assign(rma=rma, user=request.user, assignee=assignee)
        except ReturnError as error:
            assign_form.add_error(error.field, error.message)
        else:
            if changed and assignee:
                messages.success(
                    request,
                    _("Return %(number)s is assigned to %(name)s.")
                    % {"number": rma.number, "name": assignee.get_full_name()},
                )
            elif changed:
                messages.success(
                    request, _("Return %(number)s is assigned to nobody.") % {"number": rma.number}
                )
            return redirect(rma)
    return _detail_page(
        request, rma, _change_form(request, rma, data=None), assign_form=assign_form
    )


def _change_form(request, rma: Return, *, data, lines=None):
    if lines is None:
        lines = selectors.return_lines(rma)
    form = ReturnChangeForm(
        data,
        rma=rma,
        lines=lines,
        catalog=selectors.catalog_for_form(rma.reason, rma.action),
        pos_linked=stock_linked_to_pos(),
        can_reopen=request.user.has_perm("returns.reopen_return"),
    )
    form.lines = lines
    return form


def _detail_page(
    request,
    rma,
    form,
    *,
    can_change=True,
    message_form=None,
    assign_form=None,
    receive_form=None,
    photos_form=None,
):
    panels = [
        html
        for _receiver, html in return_page_panels.send(sender=None, request=request, rma=rma)
        if html
    ]
    return render(
        request,
        "returns/return_detail.html",
        {
            "rma": rma,
            "form": form,
            "lines": form.lines,
            "request_view": selectors.request_view(rma, form.lines),
            "message_form": message_form or ReturnMessageForm(),
            "receive_form": receive_form or ReturnReceiveForm(rma=rma, lines=form.lines),
            "photos": selectors.return_photos(rma),
            "photos_form": photos_form or _photos_form(None, form.lines),
            "assign_form": assign_form
            or AssignForm(
                initial={"assignee": rma.assigned_to_id}, staff=selectors.assignable_staff()
            ),
            "history": history.history_lines(selectors.return_history(rma)),
            "can_change": can_change,
            "panels": panels,
            "section": "returns",
        },
    )


@backoffice_required(perm="returns.add_return")
def return_create(request, number):
    order = order_detail(number=number)
    order_lines = selectors.returnable_lines(order)
    refusal, returnable = selectors.staff_returnability(order, lines=order_lines)
    if refusal:
        # The order page says why it offers no Create return; a form sent anyway (forged,
        # or from before the order changed) is refused the same way and changes nothing.
        messages.error(request, refusal)
        return redirect(order)
    form = ReturnCreateForm(
        request.POST or None,
        order_lines=order_lines,
        returnable=returnable,
        catalog=selectors.catalog_for_form(),
        pos_linked=stock_linked_to_pos(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rma = services.return_create(
                order=order,
                quantities=form.quantities(),
                user=request.user,
                origin=Return.Origin.STAFF,
                reason=form.choice("reason"),
                action=form.choice("action"),
                update_stock=data["update_stock"],
                customer_comment=data["customer_comment"],
                staff_note=data["staff_note"],
                notify_customer=data["notify_customer"],
            )
        except ReturnsNotAllowed as error:
            messages.error(request, error.message)
            return redirect(order)
        except ReturnError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Return %(number)s created.") % {"number": rma.number})
            return redirect(rma)
    return render(
        request,
        "returns/return_create.html",
        {"order": order, "form": form, "section": "returns"},
    )


# --- Catalog of reasons and actions (admins) ------------------------------------------------


@backoffice_required(perm="returns.change_catalogentry")
def catalog(request):
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms_by_kind = {
        value: CatalogEntryForm(
            request.POST if kind == value else None,
            instance=CatalogEntry(kind=value),
            prefix=value,
        )
        for value in CatalogEntry.Kind.values
    }
    if kind in forms_by_kind:
        form = forms_by_kind[kind]
        if form.is_valid():
            try:
                entry = services.catalog_entry_create(
                    actor=request.user,
                    kind=kind,
                    name=form.cleaned_data["name"],
                    names=form.names(),
                    visible_to_customers=form.cleaned_data["visible_to_customers"],
                )
            except (CatalogNameTaken, InvalidReturnInput) as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("“%(name)s” added.") % {"name": entry.label})
                return redirect("returns:catalog")
    entries = list(selectors.catalog_with_usage())
    sections = [
        (value, label, [e for e in entries if e.kind == value], forms_by_kind[value])
        for value, label in CatalogEntry.Kind.choices
    ]
    return render(request, "returns/catalog.html", {"sections": sections, "section": "returns"})


@backoffice_required(perm="returns.change_catalogentry")
def catalog_entry_edit(request, pk):
    entry = selectors.catalog_entry(pk=pk)
    form = CatalogEntryForm(request.POST or None, instance=selectors.catalog_entry(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.catalog_entry_update(actor=request.user, entry=entry, **form.service_values())
        except (CatalogNameTaken, InvalidReturnInput) as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("returns:catalog")
    return render(
        request, "returns/catalog_entry.html", {"entry": entry, "form": form, "section": "returns"}
    )


@require_POST
@backoffice_required(perm="returns.change_catalogentry")
def catalog_entry_move(request, pk):
    entry = selectors.catalog_entry(pk=pk)
    services.catalog_entry_move(
        actor=request.user, entry=entry, up=request.POST.get("direction") == "up"
    )
    return redirect("returns:catalog")


@require_POST
@backoffice_required(perm="returns.delete_catalogentry")
def catalog_entry_delete(request, pk):
    entry = selectors.catalog_entry(pk=pk)
    try:
        services.catalog_entry_delete(actor=request.user, entry=entry)
    except CatalogEntryInUse as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(name)s” deleted.") % {"name": entry.label})
    return redirect("returns:catalog")


# --- Settings > Account & service (admins) --------------------------------------------------


@settings_required
def account_service_settings(request):
    form = ReturnSettingsForm(request.POST or None, instance=selectors.return_settings())
    if request.method == "POST" and form.is_valid():
        try:
            services.return_settings_update(actor=request.user, **form.service_values())
        except InvalidSettings as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Account & service settings saved."))
            return redirect("returns:settings")
    return render(request, "returns/settings.html", {"form": form, "section": "settings"})


# --- The customer's account: request a return, My returns -----------------------------------


@customer_required
def account_request(request, number):
    """Request a return for one of my orders. Another customer's order is a 404 before
    anything else; an order that is not eligible (returns switched off, not shipped,
    period over, nothing left) gets a page saying why, for GET and POST alike."""
    customer = request.customer
    order = customer_order(customer=customer, number=number)
    if request.method == "POST":
        # The same form sent again (back button, double click): show what it created.
        existing = selectors.requested_return(customer=customer, token=request.POST.get("token"))
        if existing is not None:
            return _already_requested(request, existing)
    order_lines = list(selectors.returnable_lines(order))
    eligibility = selectors.return_eligibility(order, lines=order_lines)
    if not eligibility.eligible:
        return _refused(request, order, eligibility.reason)
    catalog = selectors.customer_catalog()
    photo_reasons = selectors.photo_required_reasons()
    form = ReturnRequestForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        order_lines=order_lines,
        returnable=eligibility.returnable,
        catalog=catalog,
        photo_reasons=[entry for entry in catalog if entry.pk in photo_reasons],
    )
    if request.method == "POST" and form.is_valid():
        try:
            rma, created = services.return_request(
                customer=customer,
                order=order,
                quantities=form.quantities(),
                reason=form.choice("reason"),
                action=form.choice("action"),
                comment=form.cleaned_data["comment"],
                token=form.cleaned_data["token"],
                photos=form.cleaned_data["photos"],
            )
        except ReturnsNotAllowed as error:
            return _refused(request, order, error.message)
        except ReturnError as error:
            form.add_error(error.field, error.message)
        else:
            if not created:
                return _already_requested(request, rma)
            messages.success(
                request,
                _(
                    "Thank you. We received your return request %(number)s and will let you "
                    "know when we have handled it."
                )
                % {"number": rma.number},
            )
            return redirect("returns:account-detail", rma.pk)
    if form.is_bound and form.errors and request.FILES:
        # A browser never sends files again: say so, rather than let them vanish.
        messages.warning(request, _("Please choose your photos again."))
    return render(
        request,
        "returns/account_request.html",
        {"order": order, "form": form, "eligibility": eligibility, "section": "orders"},
    )


def _refused(request, order, reason):
    # 403: the customer may see this order, but the shop refuses the request right now.
    # The page is an ordinary account page that says why, with the way back.
    return render(
        request,
        "returns/account_request_refused.html",
        {"order": order, "reason": reason, "section": "orders"},
        status=403,
    )


def _already_requested(request, rma):
    messages.info(
        request,
        _("You already sent this return request; this is return %(number)s.")
        % {"number": rma.number},
    )
    return redirect("returns:account-detail", rma.pk)


@customer_required
def account_return_list(request):
    page = Paginator(selectors.customer_returns(request.customer), ACCOUNT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "returns/account_list.html", {"page": page, "section": "returns"})


@require_GET
@customer_required
def account_return_slip(request, pk):
    """The customer's return slip, to print and put in the parcel."""
    rma = selectors.customer_return(customer=request.customer, pk=pk)
    return _slip_response(slip.return_slip(rma))


@require_GET
@customer_required
def account_return_photo(request, pk, photo_pk, size="full"):
    """A photo the customer sent with their request; any other photo is a 404."""
    photo = selectors.customer_photo(customer=request.customer, rma_pk=pk, pk=photo_pk)
    return _photo_response(photo, size)


@customer_required
def account_return_detail(request, pk):
    rma = selectors.customer_return(customer=request.customer, pk=pk)
    return render(
        request,
        "returns/account_detail.html",
        {
            "rma": rma,
            "view": selectors.customer_view(rma, selectors.return_lines(rma)),
            "photos": selectors.return_photos(rma, for_customer=True),
            "history": history.history_lines(
                selectors.return_history(rma, for_customer=True), for_customer=True
            ),
            "section": "returns",
        },
    )
