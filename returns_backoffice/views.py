"""The pages that belong to no single app: the shop front, the backoffice start page, the
Settings hub (each section is its app's own page) and the language switch."""

import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from accounts.permissions import backoffice_required, settings_required
from orders.permissions import customer_of
from orders.services import customer_set_language
from returns.dashboard import dashboard
from returns.forms import DashboardRangeForm

logger = logging.getLogger(__name__)


def healthz(request):
    """Liveness, for process managers: the process answers. It asks nothing else (a web
    process is not restarted because the database is down). It goes through every
    middleware, which also makes it the benchmark's ceiling for a page that does nothing."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def readyz(request):
    """Readiness, for load balancers: 200 when this process can serve, i.e. the database
    answers (and Redis, where background tasks queue there); 503 naming what does not,
    so that traffic goes to a process that can."""
    missing = [name for name, check in _readiness_checks() if not check()]
    if missing:
        return HttpResponse(
            f"not ready: {', '.join(missing)} unavailable", content_type="text/plain", status=503
        )
    return HttpResponse("ready", content_type="text/plain")


def _readiness_checks():
    checks = [(f"database {alias}", _database_check(alias)) for alias in connections]
    if settings.TASKS_BACKEND == "rq":
        checks.append(("redis", _redis_answers))
    return checks


def _database_check(alias):
    def answers() -> bool:
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
            # (The broken connection is closed when the request finishes, as always.)
            logger.warning("Readiness: database %s unavailable: %s", alias, error)
            return False
        return True

    return answers


def _redis_answers() -> bool:
    from redis import Redis, RedisError  # only needed with TASKS_BACKEND=rq

    try:
        client = Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (RedisError, OSError) as error:
        logger.warning("Readiness: Redis unavailable: %s", error)
        return False


def front_page(request):
    return render(request, "front.html", {"customer": customer_of(request.user)})


@backoffice_required
def backoffice_home(request):
    """The dashboard: what waits, what is late, and what came back in a date range (for
    those who may see returns); the way to every section."""
    context = {"section": "home"}
    if request.user.has_perm("returns.view_return"):
        form = DashboardRangeForm(request.GET or None, today=timezone.localdate())
        start, end = form.range()
        if not form.is_bound:  # the inputs show the range the page shows
            form = DashboardRangeForm(initial={"start": start, "end": end}, today=start)
        context.update(range_form=form, board=dashboard(start=start, end=end))
    return render(request, "backoffice/home.html", context)


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
