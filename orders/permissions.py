from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .models import Customer


def customer_of(user) -> Customer | None:
    if not user.is_authenticated:
        return None
    try:
        return user.customer
    except Customer.DoesNotExist:
        return None


def customer_required(view_func):
    """Customer pages: visitors go to the account login; logins without a customer profile
    (staff, admins) get 403. The view receives the customer as `request.customer`."""

    @wraps(view_func)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("orders:account-login"))
        customer = customer_of(request.user)
        if customer is None or not request.user.is_active:
            raise PermissionDenied
        request.customer = customer
        return view_func(request, *args, **kwargs)

    return wrapped
