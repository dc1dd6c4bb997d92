"""The error pages: 400, 403, 404, 500 and the CSRF failure (urls.handler400...,
settings.CSRF_FAILURE_VIEW).

Each is a page of the side its address belongs to (/backoffice/..., /account/..., the front
page's otherwise), in the visitor's language: what happened, and the way back from there.
The 500 page never touches the database (it may be the reason for the error): it is
rendered without the request, so no context processor, session or user is read. The other
pages fall back to the same when the database cannot tell who the visitor is.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orders.permissions import customer_of

logger = logging.getLogger(__name__)

BACKOFFICE, ACCOUNT, FRONT = "backoffice", "account", "front"


@dataclass(frozen=True)
class Problem:
    status: int
    title: str
    text: str


PROBLEMS = {
    "bad_request": Problem(
        400,
        _("The request could not be read"),
        _(
            "Your browser sent something this site cannot read. Go back, reload the page "
            "and try again."
        ),
    ),
    "permission_denied": Problem(
        403,
        _("You may not open this page"),
        _("Your login does not give access to this page."),
    ),
    "page_not_found": Problem(
        404,
        _("Page not found"),
        _("There is no page at this address. The link may be old, or the address mistyped."),
    ),
    "server_error": Problem(
        500,
        _("Something went wrong on our side"),
        _(
            "The page could not be shown because of an error here, not anything you did. "
            "It has been logged. Please try again in a few minutes."
        ),
    ),
    "csrf_failure": Problem(
        403,
        _("The form could not be sent"),
        _(
            "The page was open for too long, or your browser did not send this site's "
            "cookie. Nothing was changed. Go back, reload the page and send the form again."
        ),
    ),
}


def side_of(path: str) -> str:
    if path.startswith("/backoffice/"):
        return BACKOFFICE
    if path.startswith("/account/"):
        return ACCOUNT
    return FRONT


# --- The handlers ------------------------------------------------------------------------


def bad_request(request, exception=None):
    return _page(request, "bad_request")


def permission_denied(request, exception=None):
    return _page(request, "permission_denied")


def page_not_found(request, exception=None):
    return _page(request, "page_not_found")


def server_error(request):
    return _page(request, "server_error", database=False)


def csrf_failure(request, reason=""):
    return _page(request, "csrf_failure")


# --- Rendering ---------------------------------------------------------------------------


def _page(request, name: str, *, database: bool = True) -> HttpResponse:
    problem = PROBLEMS[name]
    if request.path.startswith("/api/"):
        # The API's callers are programs: a problem document, not a page. Imported here:
        # api.problems loads DRF, whose settings load api.parsers, which needs api.problems
        # (a cycle when this module is the first to import it, as the CSRF check does).
        from api.problems import problem_page

        return problem_page(request, problem.status, problem.title)
    side = side_of(request.path)
    context = {
        "problem": problem,
        "side": side,
        "shop_name": settings.SHOP_NAME,
        "retry_url": request.get_full_path() if problem.status >= 500 else "",
    }
    who = _who(request) if database else None
    if who is None:
        # Without the request: no context processor, session or user is read.
        context["links"] = _links(side, who=None)
        try:
            html = loader.render_to_string("errors/bare.html", context)
        except Exception:
            # Whatever broke the page may break this one too (a static file missing from
            # the manifest, a template error): a plain page still says what happened.
            logger.exception("The error page could not be rendered; a plain one instead.")
            html = _plain(context)
        return HttpResponse(html, status=problem.status)
    context["links"] = _links(side, who=who)
    if side == BACKOFFICE:
        template = "errors/backoffice.html" if who == BACKOFFICE else "errors/bare.html"
    else:
        template = "errors/account.html"
        if who == ACCOUNT:
            # The account pages' menu shows for a customer (customer_required sets it).
            request.customer = customer_of(request.user)
    return HttpResponse(
        loader.render_to_string(template, context, request=request), status=problem.status
    )


def _plain(context) -> str:
    problem = context["problem"]
    links = [(context["retry_url"], _("Try again"))] if context["retry_url"] else []
    return format_html(
        '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title>'
        "</head><body><main><h1>{}</h1><p>{}</p><ul>{}</ul></main></body></html>",
        get_language() or settings.LANGUAGE_CODE,
        problem.title,
        problem.title,
        problem.text,
        format_html_join("", '<li><a href="{}">{}</a></li>', links + list(context["links"])),
    )


def _who(request) -> str | None:
    """backoffice (staff, admins), account (a customer), "" (anyone else), or None when
    the database cannot say."""
    try:
        user = request.user
        if not user.is_authenticated:
            return ""
        if user.is_backoffice_user:
            return BACKOFFICE
        return ACCOUNT if customer_of(user) is not None else ""
    except DatabaseError:
        logger.warning("Error page for %s without the database.", request.path, exc_info=True)
        return None


def _links(side: str, *, who: str | None) -> list[tuple[str, str]]:
    """The ways back: the side's start page for those who may open it, its login for
    those who are not logged in, and the front page."""
    backoffice = (reverse("backoffice-home"), _("Go to the backoffice"))
    account = (reverse("orders:account"), _("Go to My orders"))
    front = (reverse("front"), _("Go to the front page"))
    if side == FRONT:
        return [front]
    if who is None:  # nobody to ask: the side's start page, which logs in when needed
        return [backoffice if side == BACKOFFICE else account, front]
    if who == BACKOFFICE:
        return [backoffice, front]
    if who == ACCOUNT:
        return [account, front]
    if side == BACKOFFICE:
        return [(reverse("accounts:backoffice-login"), _("Log in to the backoffice")), front]
    return [(reverse("orders:account-login"), _("Log in to your account")), front]
