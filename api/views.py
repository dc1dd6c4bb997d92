"""The API's endpoints. Thin, as the pages are: read through the apps' selectors, write
through their services, and let api.problems turn domain errors into problem documents."""

from csp.decorators import csp_update
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import permissions, status
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound
from core.pagination import seek_page
from inventory import services as inventory_services
from inventory.models import Variant
from inventory.selectors import product_ledger, product_variants, stock_linked_to_pos
from orders import services as order_services
from orders.selectors import order_detail
from returns import history, selectors, services, workflow
from returns.exceptions import InvalidReturnInput
from returns.filters import ReturnFilter
from returns.models import CatalogEntry, Return
from returns.workflow import Choice

from . import serializers as s
from .idempotency import idempotent
from .problems import PROBLEM_JSON, PreconditionFailed, PreconditionRequired

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

PROBLEMS = {
    (code, PROBLEM_JSON): OpenApiResponse(s.ProblemSerializer, description=text)
    for code, text in [
        (400, "The request could not be read"),
        (401, "No key, or a key that is not valid, revoked or expired"),
        (403, "The key's scope or the login does not allow this"),
        (404, "No such object"),
        (409, "The rules refuse this change"),
        (412, "The return changed since the version in If-Match"),
        (413, "The body is too large"),
        (415, "Not JSON"),
        (422, "An input the rules refuse"),
        (428, "If-Match is missing"),
        (429, "Too many requests; see Retry-After"),
    ]
}


def problems(*codes):
    """The problem documents an endpoint may answer, besides its success."""
    return {
        (code, PROBLEM_JSON): PROBLEMS[(code, PROBLEM_JSON)]
        for code in (400, 401, 403, 429, *codes)
    }


class ApiView(APIView):
    """Every endpoint: text with a NUL character in the address is refused (400) before
    anything reads it (PostgreSQL refuses to compare with one)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        values = [*request.query_params.keys(), *request.query_params.values()]
        values += [str(value) for value in kwargs.values()]
        if any("\x00" in value for value in values):
            raise ParseError(_("Text may not contain the NUL character."))


# --- Presenting a return ----------------------------------------------------------------


def _ref(entry):
    return {"id": entry.pk, "name": entry.label} if entry is not None else None


def return_data(rma: Return, request) -> dict:
    lines = selectors.return_lines(rma)
    request_view = selectors.request_view(rma, lines)
    can_reopen = request.user.has_perm("returns.reopen_return")
    return {
        "id": rma.pk,
        "number": rma.number,
        "version": rma.version,
        "status": rma.status,
        "allowed_statuses": workflow.allowed_next(rma.status, can_reopen=can_reopen),
        "origin": rma.origin,
        "order_number": rma.order.number,
        "customer_name": rma.customer.name,
        "customer_email": rma.customer.user.email,
        "reason": _ref(rma.reason),
        "reason_text": rma.reason_text,
        "action": _ref(rma.action),
        "action_text": rma.action_text,
        "update_stock": rma.update_stock,
        "customer_comment": rma.customer_comment,
        "created_at": rma.created_at,
        "updated_at": rma.updated_at,
        "lines": [
            {
                "id": line.pk,
                "order_line": line.order_line_id,
                "sku": line.order_line.sku,
                "title": line.order_line.title,
                "quantity": line.quantity,
                "restocked_quantity": line.restocked_quantity,
            }
            for line in lines
        ],
        "request": {
            "requested_at": request_view.requested_at,
            "lines": [
                {"order_line": order_line.pk, "sku": order_line.sku, "quantity": quantity}
                for order_line, quantity in request_view.lines
            ],
            "reason": request_view.reason,
            "action": request_view.action,
            "comment": request_view.comment,
        }
        if request_view is not None
        else None,
        "history": [
            {
                "kind": line.entry.kind,
                "created_at": line.entry.created_at,
                "actor": str(line.entry.actor) if line.entry.actor_id else None,
                "title": str(line.title),
                "details": [str(detail) for detail in line.details],
                "text": line.text or "",
            }
            for line in history.history_lines(selectors.return_history(rma))
        ],
    }


def etag(rma: Return) -> str:
    return f'"{rma.pk}-{rma.version}"'


def _return_response(rma: Return, request, *, code=status.HTTP_200_OK, headers=None):
    rma = selectors.return_detail(pk=rma.pk)
    data = s.ReturnSerializer(return_data(rma, request)).data
    return Response(data, status=code, headers={"ETag": etag(rma), **(headers or {})})


def _if_match_version(request, rma: Return) -> int:
    """The version the caller's change is based on, from If-Match: 428 without it, 412
    when it is not this return's current version (the service checks again, under the
    row lock, for a change that lands in between)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _("Send the return's ETag in If-Match: changes are based on a version.")
        )
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if "*" in tags:
        return rma.version
    if etag(rma) not in tags:
        raise PreconditionFailed(
            _("The return changed since the version in If-Match. Read it again.")
        )
    return rma.version


def _choice(data, *, kind: str, field: str) -> Choice | None:
    """A reason or an action from {"id": …} or {"text": …}; None (or {}) for no action."""
    if data is None:
        return Choice()
    entry_id = data.get("id")
    if entry_id is not None:
        entry = CatalogEntry.objects.filter(pk=entry_id, kind=kind).first()
        if entry is None:
            raise InvalidReturnInput(_("Choose an entry from the list."), field=field)
        return Choice(entry=entry)
    return Choice(text=data.get("text", "").strip())


# --- Returns -----------------------------------------------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter(
        "status", str, enum=[code for code, _label in Return._meta.get_field("status").choices]
    ),
    OpenApiParameter("reason", int, description="A catalog reason's id"),
    OpenApiParameter("created_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("created_to", str, description="YYYY-MM-DD"),
    OpenApiParameter("q", str, description="Return or order number, customer name or e-mail"),
    OpenApiParameter("sort", str, enum=["newest", "oldest", "changed"]),
    OpenApiParameter("after", str, description="The `next` cursor of the previous page"),
    OpenApiParameter("before", str, description="The `previous` cursor of the next page"),
    OpenApiParameter("page_size", int, description=f"1 to {MAX_PAGE_SIZE}, default {PAGE_SIZE}"),
]


def _page_size(request) -> int:
    text = request.query_params.get("page_size", "")
    if not text:
        return PAGE_SIZE
    if not text.isdecimal() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise drf_serializers.ValidationError(
            {"page_size": [_("Enter a number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}]}
        )
    return int(text)


class ReturnListView(ApiView):
    @extend_schema(
        operation_id="returns_list",
        parameters=LIST_PARAMETERS,
        responses={200: s.ReturnPageSerializer, **problems()},
        summary="Returns, with the backoffice's filters, newest first, by cursor",
    )
    def get(self, request):
        size = _page_size(request)
        filterset = ReturnFilter(request.query_params or None, queryset=selectors.return_rows())
        rows = filterset.qs
        if status_code := filterset.cleaned.get("status"):
            rows = rows.filter(status=status_code)
        page = seek_page(
            rows,
            ordering=filterset.ordering,
            size=size,
            after=request.query_params.get("after", ""),
            before=request.query_params.get("before", ""),
        )
        labels = selectors.reason_labels()
        results = [
            {
                "id": row.pk,
                "number": row.number,
                "status": row.status,
                "origin": row.origin,
                "reason": {"id": row.reason_id, "name": labels.get(row.reason_id, "")}
                if row.reason_id
                else None,
                "reason_text": row.reason_text,
                "order_number": row.order__number,
                "customer_name": row.customer__name,
                "customer_email": row.customer__user__email,
                "item_count": row.item_count or 0,
                "created_at": row.created_at,
                "updated_at": row.updated_at,
            }
            for row in page
        ]
        return Response(
            {
                "results": s.ReturnRowSerializer(results, many=True).data,
                "next": self._link(request, after=page.next_cursor) if page.has_next else None,
                "previous": self._link(request, before=page.previous_cursor)
                if page.has_previous
                else None,
            }
        )

    @staticmethod
    def _link(request, **cursor) -> str:
        query = request.query_params.copy()
        query.pop("after", None)
        query.pop("before", None)
        query.update(cursor)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    @extend_schema(
        operation_id="returns_create",
        request=s.ReturnCreateInput,
        responses={201: s.ReturnSerializer, **problems(404, 409, 413, 415, 422)},
        summary="Create a return from an order (the rules of Create return)",
    )
    def post(self, request):
        serializer = s.ReturnCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = order_detail(number=data["order_number"])
        quantities = _order_line_quantities(order, data["lines"])
        rma = services.return_create(
            order=order,
            quantities=quantities,
            user=request.user,
            origin=Return.Origin.STAFF,
            reason=_choice(data["reason"], kind=CatalogEntry.Kind.REASON, field="reason"),
            action=_choice(data.get("action"), kind=CatalogEntry.Kind.ACTION, field="action"),
            update_stock=data["update_stock"],
            customer_comment=data["customer_comment"].strip(),
            staff_note=data["staff_note"],
            notify_customer=data["notify_customer"],
        )
        location = reverse("api:return-detail", args=[rma.pk])
        return _return_response(
            rma, request, code=status.HTTP_201_CREATED, headers={"Location": location}
        )


def _order_line_quantities(order, lines) -> dict[int, int]:
    """{order line id: quantity} from lines named by id or SKU."""
    by_sku: dict[str, list[int]] = {}
    for pk, sku in order.lines.values_list("pk", "sku"):
        by_sku.setdefault(sku, []).append(pk)
    quantities: dict[int, int] = {}
    for line in lines:
        pk = line.get("order_line")
        if pk is None:
            found = by_sku.get(line["sku"], [])
            if len(found) != 1:
                raise InvalidReturnInput(
                    _("The order has no line with SKU %(sku)s.") % {"sku": line["sku"]}
                    if not found
                    else _("The order has several lines with SKU %(sku)s; name the line.")
                    % {"sku": line["sku"]},
                    field="lines",
                )
            pk = found[0]
        if pk in quantities:
            raise InvalidReturnInput(_("Each order line may appear once."), field="lines")
        quantities[pk] = line["quantity"]
    return quantities


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the return as last read",
)


class ReturnDetailView(ApiView):
    @extend_schema(
        operation_id="returns_read",
        responses={200: s.ReturnSerializer, **problems(404)},
        summary="A return with its lines, the customer's request and its history",
    )
    def get(self, request, pk):
        return _return_response(selectors.return_detail(pk=pk), request)

    @extend_schema(
        operation_id="returns_change",
        request=s.ReturnChangeInput,
        parameters=[IF_MATCH],
        responses={200: s.ReturnSerializer, **problems(404, 409, 412, 413, 415, 422, 428)},
        summary="Change a return (status, reason, action, Update stock, notify, note)",
    )
    def patch(self, request, pk):
        rma = selectors.return_detail(pk=pk)
        serializer = s.ReturnChangeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = _if_match_version(request, rma)
        data = serializer.validated_data
        reason = action = None
        if "reason" in data:
            reason = _choice(data["reason"], kind=CatalogEntry.Kind.REASON, field="reason")
        if "action" in data:
            action = _choice(data["action"], kind=CatalogEntry.Kind.ACTION, field="action")
        quantities = None
        if data.get("lines"):
            quantities = {line["id"]: line["quantity"] for line in data["lines"]}
        rma = services.return_change(
            rma=rma,
            user=request.user,
            version=version,
            status=data.get("status"),
            quantities=quantities,
            reason=reason,
            action=action,
            update_stock=data.get("update_stock"),
            customer_comment=data.get("customer_comment"),
            staff_note=data["staff_note"],
            notify_customer=data["notify_customer"],
        )
        return _return_response(rma, request)


class ReturnNoteView(ApiView):
    @extend_schema(
        operation_id="returns_note_add",
        request=s.NoteInput,
        responses={201: s.NoteSerializer, **problems(404, 413, 415, 422)},
        summary="Add a staff note (customers never see it; the version stays)",
    )
    def post(self, request, pk):
        rma = selectors.return_detail(pk=pk)
        serializer = s.NoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.return_note_add(
            rma=rma, user=request.user, text=serializer.validated_data["text"]
        )
        data = {
            "id": note.pk,
            "text": note.text,
            "author": str(request.user),
            "created_at": note.created_at,
        }
        return Response(s.NoteSerializer(data).data, status=status.HTTP_201_CREATED)


# --- Catalog and settings ------------------------------------------------------------------


class CatalogView(ApiView):
    @extend_schema(
        operation_id="catalog_list",
        responses={200: s.CatalogEntrySerializer(many=True), **problems()},
        summary="The return reasons and actions, active or not",
    )
    def get(self, request):
        return Response(s.CatalogEntrySerializer(selectors.catalog_entries(), many=True).data)


class SettingsView(ApiView):
    @extend_schema(
        operation_id="settings_read",
        responses={200: s.SettingsSerializer, **problems()},
        summary="The shop's return settings",
    )
    def get(self, request):
        current = selectors.return_settings()
        data = {
            "allow_returns": current.allow_returns,
            "return_window_days": current.return_window_days,
            "return_address": current.return_address,
            "stock_linked_to_pos": stock_linked_to_pos(),
            "languages": [code for code, _name in settings.LANGUAGES],
        }
        return Response(s.SettingsSerializer(data).data)


# --- The description of it all ---------------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3.1 description, public: it says how to call the API, not what is in it."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = []
    authentication_classes = []


# Swagger UI draws its icons from data: URLs in its style sheet.
@method_decorator(csp_update({"img-src": ["data:"]}), name="get")
class DocsView(SpectacularSwaggerSplitView):
    """The documentation page (Swagger UI from local static files, its start script a file
    of its own: no inline script or style, as the Content-Security-Policy demands)."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = []
    authentication_classes = []
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


# --- Orders, customers, products ------------------------------------------------------------

ORDER_PROBLEMS = problems(409, 413, 415, 422)


def order_data(order) -> dict:
    order = order_detail(number=order.number)
    return {
        "number": order.number,
        "status": order.status,
        "placed_at": order.placed_at,
        "shipped_at": order.shipped_at,
        "customer": {
            "email": order.customer.user.email,
            "name": order.customer.name,
            "language": order.customer.language,
        },
        "lines": [
            {
                "id": line.pk,
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "currency": order.currency,
                "vat_rate": line.vat_rate,
                "shipped_quantity": line.shipped_quantity,
                "returned_quantity": line.returned_quantity,
                "credited_amount": line.credited_amount,
            }
            for line in order.lines.order_by("pk")
        ],
        "currency": order.currency,
        "shipping_cost": order.shipping_cost,
        "payment_cost": order.payment_cost,
        "costs_vat_rate": order.costs_vat_rate,
        "total_paid": order.total_paid,
        "payment_method": order.payment_method,
        "credited_total": order.credited_total,
    }


class OrderUpsertView(ApiView):
    @extend_schema(
        operation_id="orders_upsert",
        request=s.OrderInput,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                description="The same key again within 24 h gets the first answer",
            )
        ],
        responses={200: s.OrderSerializer, 201: s.OrderSerializer, **ORDER_PROBLEMS},
        summary="Create or update an order by its number, with its customer and lines",
    )
    @idempotent
    def post(self, request):
        serializer = s.OrderInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order, created = order_services.order_upsert(
            number=data["number"],
            customer=dict(data["customer"]),
            status=data["status"],
            lines=[dict(line) for line in data["lines"]],
            placed_at=data.get("placed_at"),
            shipped_at=data.get("shipped_at"),
            money={key: data[key] for key in s.OrderInput.MONEY_FIELDS if key in data},
        )
        return Response(
            s.OrderSerializer(order_data(order)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class OrderDetailView(ApiView):
    @extend_schema(
        operation_id="orders_read",
        responses={200: s.OrderSerializer, **problems(404)},
        summary="An order with its lines: shipped and returned quantities",
    )
    def get(self, request, number):
        return Response(s.OrderSerializer(order_data(order_detail(number=number))).data)


class CustomerUpsertView(ApiView):
    @extend_schema(
        operation_id="customers_upsert",
        request=s.CustomerInput,
        responses={200: s.CustomerSerializer, **ORDER_PROBLEMS},
        summary="Create or update a customer by e-mail address (name, language)",
    )
    @idempotent
    def post(self, request):
        serializer = s.CustomerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            customer = order_services.customer_upsert(**serializer.validated_data)
        data = {
            "email": customer.user.email,
            "name": customer.name,
            "language": customer.language,
            "created_at": customer.created_at,
        }
        return Response(s.CustomerSerializer(data).data)


LEDGER_ROWS = 50


def product_data(product) -> dict:
    variants = list(product_variants(product))
    movements: dict[int, list] = {variant.pk: [] for variant in variants}
    for movement in product_ledger(product)[: LEDGER_ROWS * max(1, len(variants))]:
        rows = movements.get(movement.variant_id)
        if rows is not None and len(rows) < LEDGER_ROWS:
            rows.append(
                {"delta": movement.delta, "kind": movement.kind, "created_at": movement.created_at}
            )
    return {
        "id": product.pk,
        "name": product.name,
        "description": product.description,
        "variants": [
            {
                "sku": variant.sku,
                "title": variant.title,
                "price": variant.price,
                "currency": settings.SHOP_CURRENCY,
                "on_hand": variant.on_hand,
                "ledger": movements[variant.pk],
            }
            for variant in variants
        ],
    }


class ProductUpsertView(ApiView):
    @extend_schema(
        operation_id="products_upsert",
        request=s.ProductInput,
        responses={200: s.ProductSerializer, 201: s.ProductSerializer, **ORDER_PROBLEMS},
        summary="Create or update a product and its variants, found by SKU (not stock)",
    )
    @idempotent
    def post(self, request):
        serializer = s.ProductInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product, created = inventory_services.product_upsert(
            name=data["name"],
            description=data["description"],
            variants=[dict(variant) for variant in data["variants"]],
        )
        return Response(
            s.ProductSerializer(product_data(product)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class VariantDetailView(ApiView):
    @extend_schema(
        operation_id="products_read",
        responses={200: s.ProductSerializer, **problems(404)},
        summary="The product of a SKU: its variants, on hand and latest stock ledger rows",
    )
    def get(self, request, sku):
        variant = Variant.objects.select_related("product").filter(sku=sku).first()
        if variant is None:
            raise NotFound
        return Response(s.ProductSerializer(product_data(variant.product)).data)
