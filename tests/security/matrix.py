"""Who may open which URL: one row per URL pattern of the project.

`ROUTES` is the table. The permission matrix test walks every pattern Django knows
(django.urls.get_resolver(), recursively, Django's admin and the language switch included),
finds its row here and checks GET and POST for every role in tests/security/world.py;
a pattern without a row fails the test by name. Other security tests reuse the table:
CSRF (every POST), headers and inline-content checks (every page), hostile input.

Adding a page = adding a row:

    Route(
        "account/returns/<int:pk>/",          # the pattern as Django prints it
        get=customer_owned(),                 # who gets what on GET
        post=NOT_ALLOWED,                     # ...and on POST (SAME: as GET)
        params={"pk": "return_a.pk"},         # a World attribute per URL parameter
    )

Django's own admin (/django-admin/) is one rule, ADMIN_SITE, for every pattern under it:
Django's AdminSite guards all of them the same way (is_staff, which none of our roles has),
and the rule grows with every model registered there. Each of those patterns is still
requested, for every role.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from .world import ADMIN, ANONYMOUS, CUSTOMER_A, CUSTOMER_B, ROLES, STAFF, photo_upload

# --- Outcomes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    login: str | None = None  # a redirect to this login page, with ?next=<the URL asked>
    to: str | None = None  # a redirect to exactly this URL
    label: str = ""

    def __str__(self):
        return self.label or str(self.status)

    @property
    def allows(self) -> bool:
        """The role gets the page, or the view did its job and redirected."""
        return self.status in (200, 302) and self.login is None

    def check(self, response, path: str) -> str | None:
        """None when `response` is this outcome, else what went wrong."""
        if response.status_code != self.status:
            where = f" -> {response['Location']}" if response.has_header("Location") else ""
            return f"expected {self}, got {response.status_code}{where}"
        if self.login:
            target = urlsplit(response["Location"])
            wanted_next = parse_qs(target.query).get("next")
            if target.path != self.login or wanted_next != [path]:
                return f"expected {self} with next={path}, got -> {response['Location']}"
            return None
        if self.status == 302 and self.to and response["Location"] != self.to:
            return f"expected a redirect to {self.to}, got -> {response['Location']}"
        if self.status == 302 and not self.to:
            # A normal redirect after a POST must not be a disguised trip to a login page.
            location = urlsplit(response["Location"]).path
            if location in LOGIN_PAGES:
                return f"expected {self}, got a redirect to the login page {location}"
        return None


OK = Outcome(200, label="200")
REDIRECT = Outcome(302, label="302 (the view's own redirect)")
UNAUTHORIZED = Outcome(401, label="401")
FORBIDDEN = Outcome(403, label="403")
NOT_FOUND = Outcome(404, label="404")
METHOD_NOT_ALLOWED = Outcome(405, label="405")
BACKOFFICE_LOGIN = Outcome(302, login="/backoffice/login/", label="redirect to backoffice login")
ACCOUNT_LOGIN = Outcome(302, login="/account/login/", label="redirect to account login")
ADMIN_SITE_LOGIN = Outcome(302, login="/django-admin/login/", label="redirect to admin login")
LOGIN_PAGES = {o.login for o in (BACKOFFICE_LOGIN, ACCOUNT_LOGIN, ADMIN_SITE_LOGIN)}


def redirect_to(url: str) -> Outcome:
    return Outcome(302, to=url, label=f"redirect to {url}")


# --- Policies: what each role gets ----------------------------------------------------

Policy = dict[str, Outcome]


def public(ok: Outcome = OK) -> Policy:
    """Anyone, logged in or not."""
    return dict.fromkeys(ROLES, ok)


def backoffice(ok: Outcome = OK) -> Policy:
    """Staff and admins (SPEC §1: every backoffice URL requires login; customers get 403)."""
    return {
        ANONYMOUS: BACKOFFICE_LOGIN,
        CUSTOMER_A: FORBIDDEN,
        CUSTOMER_B: FORBIDDEN,
        STAFF: ok,
        ADMIN: ok,
    }


def admin_only(ok: Outcome = OK) -> Policy:
    """Admins only: Settings, the reasons/actions catalog, the audit log."""
    return {**backoffice(ok), STAFF: FORBIDDEN}


def api_session(ok: Outcome = OK) -> Policy:
    """The API seen from a browser session (tests/api/test_matrix.py has the keys): staff
    and admins read, customers get 403, anonymous callers 401 (no credentials)."""
    return {
        ANONYMOUS: UNAUTHORIZED,
        CUSTOMER_A: FORBIDDEN,
        CUSTOMER_B: FORBIDDEN,
        STAFF: ok,
        ADMIN: ok,
    }


# A browser session may only read: a write is refused before anything else is looked at.
API_SESSION_WRITE = api_session(FORBIDDEN)


def customer(ok: Outcome = OK) -> Policy:
    """Any customer, about their own data; backoffice logins have no customer side."""
    return {
        ANONYMOUS: ACCOUNT_LOGIN,
        CUSTOMER_A: ok,
        CUSTOMER_B: ok,
        STAFF: FORBIDDEN,
        ADMIN: FORBIDDEN,
    }


def customer_owned(ok: Outcome = OK) -> Policy:
    """An object of customer A: B gets 404, exactly as for an id that does not exist."""
    return {**customer(ok), CUSTOMER_B: NOT_FOUND}


NOT_ALLOWED = dict.fromkeys(ROLES, METHOD_NOT_ALLOWED)
ADMIN_SITE = dict.fromkeys(ROLES, ADMIN_SITE_LOGIN)
SAME = "same as GET"


# --- The table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str
    get: Policy
    post: Policy | str = SAME
    # URL parameter -> World attribute path ("return_a.pk")
    params: dict[str, str] = field(default_factory=dict)
    # World -> form data for POST, built right before each request (so it can read the
    # current version of a return, say). Valid data: a refused POST is refused for who
    # sent it, not for what.
    data: Callable | None = None
    # True for the rows made up from the ADMIN_SITE rule, not written in ROUTES.
    rule: bool = False
    # False for answers that are not HTML pages (the health check).
    html: bool = True

    @property
    def post_policy(self) -> Policy:
        return self.get if self.post == SAME else self.post

    def allowed_roles(self, method: str) -> list[str]:
        policy = self.get if method == "GET" else self.post_policy
        return [role for role, outcome in policy.items() if outcome.allows]


def _return_change(world):
    rma = type(world.return_a).objects.get(pk=world.return_a.pk)
    line = rma.lines.get()
    return {
        "status": "in_progress",
        f"line_{line.pk}": line.quantity,
        "reason_text": rma.reason_text,
        "action_text": rma.action_text,
        "update_stock": "on",
        "customer_comment": rma.customer_comment,
        "staff_note": "Looked at it.",
        "version": rma.version,
    }


def _receive(world):
    rma = type(world.return_a).objects.get(pk=world.return_a.pk)
    line = rma.lines.get()
    return {
        f"received_{line.pk}": line.quantity,
        f"condition_{line.pk}": "as_new",
        f"disposition_{line.pk}": "restock",
        "version": rma.version,
    }


def _return_create(world):
    return {
        f"line_{world.line_a.pk}": 1,
        "reason": world.reason.pk,
        "action": world.action.pk,
        "update_stock": "on",
        "customer_comment": "Phoned in.",
    }


def _return_request(world):
    return {f"line_{world.line_a.pk}": 1, "reason_text": "Too small", "comment": "Thanks."}


_names = iter(range(1, 1_000_000))


def _catalog_add(world):
    return {"kind": "reason", "reason-name": f"Reason {next(_names)}"}


def _catalog_edit(world):
    return {"name": f"Renamed {next(_names)}", "active": "on", "visible_to_customers": "on"}


ROUTES: list[Route] = [
    # --- the shop front and the language switch
    Route("", get=public()),
    Route(
        "i18n/setlang/",
        get=NOT_ALLOWED,
        post=public(redirect_to("/")),
        data=lambda w: {"language": "nl", "next": "/"},
    ),
    # --- accounts
    Route("backoffice/login/", get=public(), data=lambda w: {}),
    Route(
        "backoffice/logout/",
        get=NOT_ALLOWED,
        post=public(redirect_to("/backoffice/login/")),
    ),
    Route("backoffice/settings/audit/", get=admin_only()),
    Route(
        "backoffice/settings/api-keys/",
        get=admin_only(),
        post=admin_only(OK),  # the answer shows the new key's secret, once
        data=lambda w: {"name": f"Key {next(_names)}", "scope": "read"},
    ),
    Route(
        "backoffice/settings/api-keys/<int:pk>/revoke/",
        get=NOT_ALLOWED,
        post=admin_only(REDIRECT),
        params={"pk": "api_key.pk"},
    ),
    # --- notifications: the outbox (staff read, admins resend) and the templates (admins)
    Route("backoffice/outbox/", get=backoffice()),
    Route("backoffice/outbox/<int:pk>/", get=backoffice(), params={"pk": "email.pk"}),
    # These two check who asks before how (the permission, then require_POST).
    Route(
        "backoffice/outbox/<int:pk>/resend/",
        get=admin_only(METHOD_NOT_ALLOWED),
        post=admin_only(REDIRECT),
        params={"pk": "email.pk"},
    ),
    Route("backoffice/settings/notification-emails/", get=admin_only()),
    Route(
        "backoffice/settings/notification-emails/<slug:event>/<slug:language>/",
        get=admin_only(),
        post=admin_only(REDIRECT),
        params={"event": "email_event", "language": "email_language"},
        data=lambda w: {"subject": "Your return {return_number}", "body": "Hello {customer_name}"},
    ),
    Route(
        "backoffice/settings/notification-emails/<slug:event>/<slug:language>/reset/",
        get=admin_only(METHOD_NOT_ALLOWED),
        post=admin_only(REDIRECT),
        params={"event": "email_event", "language": "email_language"},
    ),
    # --- webhooks: Settings > Webhooks (admins). The URL is a public address written as
    # an IP (valid without a name server); nothing is sent (no worker runs here).
    Route("backoffice/settings/webhooks/", get=admin_only()),
    Route(
        "backoffice/settings/webhooks/new/",
        get=admin_only(),
        post=admin_only(),  # the answer shows the new secret, once
        data=lambda w: {"url": "https://93.184.216.34/new", "events": ["return.created"]},
    ),
    Route(
        "backoffice/settings/webhooks/<int:pk>/",
        get=admin_only(),
        params={"pk": "webhook_endpoint.pk"},
    ),
    Route(
        "backoffice/settings/webhooks/<int:pk>/edit/",
        get=admin_only(),
        post=admin_only(REDIRECT),
        params={"pk": "webhook_endpoint.pk"},
        data=lambda w: {
            "url": "https://93.184.216.34/edited",
            "events": ["return.created", "order.upserted"],
        },
    ),
    Route(
        "backoffice/settings/webhooks/<int:pk>/rotate/",
        get=admin_only(METHOD_NOT_ALLOWED),
        post=admin_only(),  # the answer shows the new secret, once
        params={"pk": "webhook_endpoint.pk"},
    ),
    *[
        Route(
            f"backoffice/settings/webhooks/<int:pk>/{action}/",
            get=admin_only(METHOD_NOT_ALLOWED),
            post=admin_only(REDIRECT),
            params={"pk": "webhook_endpoint.pk"},
        )
        for action in ("pause", "resume", "test")
    ],
    Route(
        "backoffice/settings/webhooks/deliveries/<int:pk>/",
        get=admin_only(),
        params={"pk": "webhook_delivery.pk"},
    ),
    Route(
        "backoffice/settings/webhooks/deliveries/<int:pk>/resend/",
        get=admin_only(METHOD_NOT_ALLOWED),
        post=admin_only(REDIRECT),
        params={"pk": "webhook_delivery.pk"},
    ),
    Route("healthz", get=public(), html=False),
    Route("readyz", get=public(), post=NOT_ALLOWED, html=False),
    # Open to the networks of METRICS_ALLOWED_NETWORKS (the test client is 127.0.0.1);
    # tests/core/test_metrics.py: a 404 from anywhere else.
    Route("metrics", get=public(), post=NOT_ALLOWED, html=False),
    # --- the backoffice
    Route("backoffice/", get=backoffice()),
    Route("backoffice/settings/", get=admin_only()),
    Route("backoffice/products/", get=backoffice()),
    Route("backoffice/products/<int:pk>/", get=backoffice(), params={"pk": "product.pk"}),
    Route(
        "backoffice/settings/inventory/",
        get=admin_only(),
        post=admin_only(REDIRECT),
        data=lambda w: {"stock_linked_to_pos": "false"},
    ),
    Route("backoffice/orders/", get=backoffice()),
    Route("backoffice/orders/export.csv", get=backoffice(), html=False),
    Route("backoffice/orders/<str:number>/", get=backoffice(), params={"number": "order_a.number"}),
    Route("backoffice/returns/", get=backoffice()),
    Route(
        "backoffice/returns/<int:pk>/",
        get=backoffice(),
        post=backoffice(REDIRECT),
        params={"pk": "return_a.pk"},
        data=_return_change,
    ),
    Route(
        "backoffice/returns/<int:pk>/message/",
        get=NOT_ALLOWED,
        post=backoffice(REDIRECT),
        params={"pk": "return_a.pk"},
        data=lambda w: {"text": "Your parcel arrived today."},
    ),
    Route("backoffice/returns/export.csv", get=backoffice(), html=False),
    Route(
        "backoffice/returns/bulk/",
        get=NOT_ALLOWED,
        post=backoffice(OK),
        data=lambda w: {
            "ids": str(w.return_a.pk),
            "scope": "selected",
            "status": "in_progress",
            "action": "status",
        },
    ),
    Route(
        "backoffice/returns/<int:pk>/assign/",
        get=NOT_ALLOWED,
        post=backoffice(REDIRECT),
        params={"pk": "return_a.pk"},
        data=lambda w: {"assignee": str(w.staff.pk)},
    ),
    Route(
        "backoffice/returns/<int:pk>/receive/",
        get=NOT_ALLOWED,
        post=backoffice(REDIRECT),
        params={"pk": "return_a.pk"},
        data=_receive,
    ),
    Route(
        "backoffice/returns/<int:pk>/slip.pdf",
        get=backoffice(),
        post=NOT_ALLOWED,
        params={"pk": "return_a.pk"},
        html=False,
    ),
    # Inspection photos: staff add them; the photos themselves (every kind) are for staff.
    Route(
        "backoffice/returns/<int:pk>/photos/",
        get=NOT_ALLOWED,
        post=backoffice(REDIRECT),
        params={"pk": "return_a.pk"},
        data=lambda w: {"photos": [photo_upload()]},
    ),
    Route(
        "backoffice/returns/<int:pk>/photos/<int:photo_pk>.jpg",
        get=backoffice(),
        post=NOT_ALLOWED,
        params={"pk": "return_a.pk", "photo_pk": "photo_a.pk"},
        html=False,
    ),
    Route(
        "backoffice/returns/<int:pk>/photos/<int:photo_pk>-thumb.jpg",
        get=backoffice(),
        post=NOT_ALLOWED,
        params={"pk": "return_a.pk", "photo_pk": "photo_a.pk"},
        html=False,
    ),
    # The bulk action's slips of chosen returns: without ?ids= staff are told 400 (the
    # PDF itself is tests/returns/test_bulk_slips.py); nobody else gets that far.
    Route(
        "backoffice/returns/slips.pdf",
        get=backoffice(Outcome(400, label="400 (no returns chosen)")),
        post=NOT_ALLOWED,
    ),
    Route("backoffice/receive/", get=backoffice(), post=NOT_ALLOWED),
    Route(
        "backoffice/orders/<str:number>/create-return/",
        get=backoffice(),
        post=backoffice(REDIRECT),
        params={"number": "order_a.number"},
        data=_return_create,
    ),
    Route(
        "backoffice/returns/reasons-and-actions/",
        get=admin_only(),
        post=admin_only(REDIRECT),
        data=_catalog_add,
    ),
    Route(
        "backoffice/returns/reasons-and-actions/<int:pk>/",
        get=admin_only(),
        post=admin_only(REDIRECT),
        params={"pk": "spare_reason.pk"},
        data=_catalog_edit,
    ),
    Route(
        "backoffice/returns/reasons-and-actions/<int:pk>/move/",
        get=NOT_ALLOWED,
        post=admin_only(REDIRECT),
        params={"pk": "spare_reason.pk"},
        data=lambda w: {"direction": "up"},
    ),
    Route(
        "backoffice/returns/reasons-and-actions/<int:pk>/delete/",
        get=NOT_ALLOWED,
        post=admin_only(REDIRECT),
        params={"pk": "spare_reason.pk"},
    ),
    Route(
        "backoffice/settings/account-service/",
        get=admin_only(),
        post=admin_only(REDIRECT),
        data=lambda w: {"allow_returns": "on", "return_window_days": "30"},
    ),
    # --- billing: credit invoices (staff), Settings > Returns & refunds (admins)
    Route(
        "backoffice/orders/<str:number>/credit-invoices/new/",
        get=backoffice(),
        post=backoffice(REDIRECT),
        params={"number": "order_a.number"},
        data=lambda w: {
            f"line_{w.line_a.pk}": 1,
            "shipping": "0",
            "payment": "0",
            "restocking_fee_kind": "none",
            "restocking_fee_value": "0",
            "return_shipping_fee": "0",
        },
    ),
    Route(
        "backoffice/credit-invoices/<int:pk>/", get=backoffice(), params={"pk": "draft_invoice.pk"}
    ),
    # These three check who asks before how (the permission, then require_POST).
    Route(
        "backoffice/credit-invoices/<int:pk>/issue/",
        get=backoffice(METHOD_NOT_ALLOWED),
        post=backoffice(REDIRECT),
        params={"pk": "draft_invoice.pk"},
        data=lambda w: {},
    ),
    Route(
        "backoffice/credit-invoices/<int:pk>/refund/",
        get=backoffice(METHOD_NOT_ALLOWED),
        post=backoffice(REDIRECT),
        params={"pk": "issued_invoice.pk"},
        data=lambda w: {"method": "original", "reference": "PSP-1"},
    ),
    Route(
        "backoffice/credit-invoices/<int:pk>/cancel/",
        get=backoffice(METHOD_NOT_ALLOWED),
        post=backoffice(REDIRECT),
        params={"pk": "draft_invoice.pk"},
    ),
    Route(
        "backoffice/credit-invoices/<int:pk>/pdf/",
        get=backoffice(),
        params={"pk": "issued_invoice.pk"},
        html=False,
    ),
    Route(
        "account/credit-invoices/<int:pk>/pdf/",
        get=customer_owned(),
        params={"pk": "issued_invoice.pk"},
        html=False,
    ),
    # return_a is New: the exchange page sends staff back to the return, saying why.
    Route(
        "backoffice/returns/<int:pk>/exchange/",
        get=backoffice(REDIRECT),
        params={"pk": "return_a.pk"},
    ),
    # An even exchange has no difference to credit: staff are sent back, told why.
    Route(
        "backoffice/exchanges/<int:pk>/credit-difference/",
        get=backoffice(METHOD_NOT_ALLOWED),
        post=backoffice(REDIRECT),
        params={"pk": "exchange.pk"},
    ),
    Route(
        "backoffice/settings/returns-refunds/",
        get=admin_only(),
        post=admin_only(REDIRECT),
        data=lambda w: {
            "restocking_fee_kind": "percent",
            "restocking_fee_value": "10",
            "return_shipping_fee": "4.95",
            "shop_name": "Shop",
        },
    ),
    # --- the customer's account
    Route("account/login/", get=public(), data=lambda w: {}),
    Route(
        "account/logout/",
        get=NOT_ALLOWED,
        post=public(redirect_to("/")),
    ),
    Route("account/", get=customer()),
    Route("account/returns/", get=customer()),
    Route("account/returns/<int:pk>/", get=customer_owned(), params={"pk": "return_a.pk"}),
    Route(
        "account/returns/<int:pk>/slip.pdf",
        get=customer_owned(),
        post=NOT_ALLOWED,
        params={"pk": "return_a.pk"},
        html=False,
    ),
    # The customer's own photos only: another customer gets 404, as for any id.
    Route(
        "account/returns/<int:pk>/photos/<int:photo_pk>.jpg",
        get=customer_owned(),
        post=NOT_ALLOWED,
        params={"pk": "return_a.pk", "photo_pk": "photo_a.pk"},
        html=False,
    ),
    Route(
        "account/returns/<int:pk>/photos/<int:photo_pk>-thumb.jpg",
        get=customer_owned(),
        post=NOT_ALLOWED,
        params={"pk": "return_a.pk", "photo_pk": "photo_a.pk"},
        html=False,
    ),
    Route(
        "account/orders/<str:number>/request-return/",
        get=customer_owned(),
        post=customer_owned(REDIRECT),
        params={"number": "order_a.number"},
        data=_return_request,
    ),
    Route(
        "account/orders/<str:number>/",
        get=customer_owned(),
        params={"number": "order_a.number"},
    ),
    # --- the API (keys: tests/api/test_matrix.py)
    Route("api/v1/returns/", get=api_session(), post=API_SESSION_WRITE, html=False),
    Route(
        "api/v1/returns/<int:pk>/",
        get=api_session(),
        post=API_SESSION_WRITE,
        params={"pk": "return_a.pk"},
        html=False,
    ),
    Route(
        "api/v1/returns/<int:pk>/notes/",
        get=api_session(METHOD_NOT_ALLOWED),
        post=API_SESSION_WRITE,
        params={"pk": "return_a.pk"},
        html=False,
    ),
    Route(
        "api/v1/orders/",
        get=api_session(METHOD_NOT_ALLOWED),
        post=API_SESSION_WRITE,
        html=False,
    ),
    Route(
        "api/v1/orders/<str:number>/",
        get=api_session(),
        post=API_SESSION_WRITE,
        params={"number": "order_a.number"},
        html=False,
    ),
    Route(
        "api/v1/customers/",
        get=api_session(METHOD_NOT_ALLOWED),
        post=API_SESSION_WRITE,
        html=False,
    ),
    Route(
        "api/v1/products/",
        get=api_session(METHOD_NOT_ALLOWED),
        post=API_SESSION_WRITE,
        html=False,
    ),
    Route(
        "api/v1/products/<str:sku>/",
        get=api_session(),
        post=API_SESSION_WRITE,
        params={"sku": "line_a.sku"},
        html=False,
    ),
    Route("api/v1/catalog/", get=api_session(), post=API_SESSION_WRITE, html=False),
    Route("api/v1/settings/", get=api_session(), post=API_SESSION_WRITE, html=False),
    Route("api/v1/schema/", get=public(), post=NOT_ALLOWED, html=False),
    Route("api/v1/docs/", get=public(), post=NOT_ALLOWED),
    # --- Django's admin: login and logout are open, everything else is ADMIN_SITE
    Route("django-admin/login/", get=public(), data=lambda w: {}),
    Route(
        "django-admin/logout/",
        get=dict.fromkeys(ROLES, redirect_to("/django-admin/")),
    ),
]

ADMIN_SITE_PREFIX = "django-admin/"
# (URL pattern, role, method) of every request the matrix made, for the run's summary.
RECORDED_CASES: list[tuple[str, str, str]] = []
_TABLE = {route.pattern: route for route in ROUTES}


# --- Walking Django's URL patterns ----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern as Django resolves it: the segments of its nested includes."""

    segments: tuple

    @property
    def key(self) -> str:
        return "".join(str(segment) for segment in self.segments)

    def url(self, values: dict[str, str]) -> str:
        """The path with each parameter replaced by values[name] (URL-quoted)."""
        path = "".join(_render(segment, values) for segment in self.segments)
        return "/" + path


def _render(segment, values) -> str:
    def value(name):
        return quote(str(values[name]), safe="")

    if isinstance(segment, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m[1]), str(segment))
    assert isinstance(segment, RegexPattern), segment
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m[1]), str(segment))
    return text.removeprefix("^").removesuffix("$")


def _walk(patterns, segments=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, (*segments, entry.pattern))
        else:
            assert isinstance(entry, URLPattern)
            yield Pattern((*segments, entry.pattern))


def project_patterns() -> list[Pattern]:
    """Every URL pattern of the project, in resolution order."""
    return list(_walk(get_resolver().url_patterns))


def _regex_groups(pattern: Pattern) -> dict[str, str]:
    """Sample values for regex groups: the first alternative of a choice, else "x"."""
    samples = {}
    for segment in pattern.segments:
        if isinstance(segment, RegexPattern):
            for name, body in re.findall(r"\(\?P<(\w+)>([^)]*)\)", str(segment)):
                samples[name] = body.split("|")[0] if "|" in body else "x"
    return samples


@dataclass(frozen=True)
class Case:
    """A pattern with the row that governs it."""

    pattern: Pattern
    route: Route

    @property
    def key(self) -> str:
        return self.pattern.key

    def url(self, world, **override) -> str:
        values = {
            **_regex_groups(self.pattern),
            **dict.fromkeys(re.findall(r"<(?:\w+:)?(\w+)>", self.key), "1"),
        }
        values.update({name: world.resolve(path) for name, path in self.route.params.items()})
        values.update(override)
        return self.pattern.url(values)

    def post_data(self, world) -> dict:
        return self.route.data(world) if self.route.data else {}

    @property
    def int_params(self) -> list[str]:
        return re.findall(r"<int:(\w+)>", self.key)

    @property
    def str_params(self) -> list[str]:
        return re.findall(r"<(?:str|slug|path):(\w+)>", self.key)


def route_for(pattern: Pattern) -> Route | None:
    if pattern.key in _TABLE:
        return _TABLE[pattern.key]
    if pattern.key.startswith(ADMIN_SITE_PREFIX):
        return Route(pattern.key, get=ADMIN_SITE, rule=True)
    return None


def cases() -> list[Case]:
    """Every pattern with its row; patterns without one are left out here and reported
    by test_every_url_pattern_has_a_row."""
    return [Case(pattern, route) for pattern in project_patterns() if (route := route_for(pattern))]


def unlisted_patterns() -> list[str]:
    return [p.key for p in project_patterns() if route_for(p) is None]


def stale_rows() -> list[str]:
    keys = {p.key for p in project_patterns()}
    return [route.pattern for route in ROUTES if route.pattern not in keys]


def pages(*, admin_site: bool = False) -> list[tuple[Case, str]]:
    """(case, role) for every HTML page a role may GET: the first role the row allows."""
    found = []
    for case in cases():
        if not admin_site and case.key.startswith(ADMIN_SITE_PREFIX):
            continue
        if not case.route.html:
            continue
        roles = [role for role in case.route.allowed_roles("GET") if case.route.get[role] == OK]
        if roles:
            found.append((case, roles[0]))
    return found


def page_ids(items) -> list[str]:
    return [f"GET /{case.key} as {role}" for case, role in items]


def case_ids(items) -> list[str]:
    return ["/" + case.key for case in items]
