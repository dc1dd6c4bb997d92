from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import CatalogEntry, Return, Status

# Each sort has an index (see Return.Meta.indexes); the key breaks ties stably.
SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "changed": ("-updated_at", "-pk"),
    # Longest in its current status first: what is late comes to the top.
    "waiting": ("status_changed_at", "pk"),
}


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


# Dates a shop can mean. Outside them the arithmetic below (the day after, the time-zone
# shift to UTC) runs off the calendar; such a bound is ignored like any invalid one.
DATE_BOUNDS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(9000, 12, 31))]


class ReturnFilter(django_filters.FilterSet):
    """Orders > Returns: search, status tab, reason, created date range and sort.

    Invalid values are ignored (django-filter drops fields that do not validate), so odd
    input never becomes an error page. Date bounds become a range on the indexed
    created_at column rather than a date() of it.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Return or order number, customer name or e-mail"),
            }
        ),
    )
    # Applied by the view after the counts per status are taken (see `status`).
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        empty_label=_("All statuses"),
        method="status_later",
    )
    reason = django_filters.ModelChoiceFilter(
        label=_("Return reason"),
        queryset=CatalogEntry.objects.filter(kind=CatalogEntry.Kind.REASON).order_by(
            "position", "name"
        ),
        empty_label=_("All reasons"),
    )
    created_from = django_filters.DateFilter(
        label=_("Created from"),
        method="created_from_filter",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    created_to = django_filters.DateFilter(
        label=_("Created until"),
        method="created_to_filter",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_BOUNDS,
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned to"),
        choices=[("me", _("Me")), ("nobody", _("Nobody"))],
        empty_label=_("Anybody"),
        method="assigned_filter",
        # Chosen with the tabs above the list; kept through a search.
        widget=forms.HiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("changed", _("Recently changed")),
            ("waiting", _("Waiting longest")),
        ],
        empty_label=None,
        method="sort_filter",
    )

    class Meta:
        model = Return
        fields = ["q", "status", "reason", "assigned", "created_from", "created_to", "sort"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return selectors.search_returns(queryset, value) if value else queryset

    def created_from_filter(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def created_to_filter(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))

    def assigned_filter(self, queryset, name, value):
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assigned_to=user.pk if user else None)
        return queryset.filter(assigned_to__isnull=True)

    def status_later(self, queryset, name, value):
        return queryset

    def sort_filter(self, queryset, name, value):
        # Not a filter: the pagination sorts (by SORTS[value]), as it needs the sort columns.
        return queryset

    @property
    def cleaned(self) -> dict:
        """The valid part of the filter form (invalid values are simply ignored)."""
        self.is_valid()
        data = getattr(self.form, "cleaned_data", {})  # an unbound form has none
        return {key: value for key, value in data.items() if value not in (None, "")}

    @property
    def ordering(self) -> tuple[str, str]:
        return SORTS.get(self.cleaned.get("sort"), SORTS["newest"])

    @property
    def narrowed(self) -> bool:
        """Whether a filter other than status and reason applies (those two are counted
        ahead of time; the others have to be counted on the spot)."""
        return any(name in self.cleaned for name in ("q", "assigned", "created_from", "created_to"))
