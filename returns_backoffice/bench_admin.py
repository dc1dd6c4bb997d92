"""The yardstick of `make bench`: Django's admin changelist of returns registered the plain
way (the related rows selected in the same query, a status filter, a search on the order
number and the customer's e-mail, no date hierarchy), on a second admin site that only the
benchmark mounts (returns_backoffice.bench_settings). The project's own ReturnAdmin, with its
date hierarchy, name search and reason filter, is about five times slower than this: measured
against it, the backoffice would look better than it is."""

from django.contrib import admin
from django.urls import path

from returns.models import Return

from .urls import urlpatterns as project_urlpatterns


class PlainReturnAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "customer", "status", "created_at"]
    list_select_related = ["order", "customer"]
    list_filter = ["status"]
    search_fields = ["order__number", "customer__user__email"]


site = admin.AdminSite(name="bench_admin")
site.register(Return, PlainReturnAdmin)

PREFIX = "/bench-admin/"
CHANGELIST = f"{PREFIX}returns/return/"

urlpatterns = [*project_urlpatterns, path(PREFIX.strip("/") + "/", site.urls)]
