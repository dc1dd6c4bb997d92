import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Order


class OrderFilter(django_filters.FilterSet):
    """The Orders list's search box and status filter. Invalid values are ignored, never a 500."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Order number, customer name or e-mail"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Order.Status.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Order
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return selectors.search_orders(queryset, value)
