from django.db.models import Count, Q

from .exceptions import OrderNotFound
from .models import Customer, Order, OrderLine


def order_list():
    """Backoffice orders, newest first, with what each row shows in one query."""
    return (
        Order.objects.select_related("customer__user")
        .annotate(line_count=Count("lines"))
        .order_by("-placed_at", "-pk")
    )


def search_orders(orders, search: str):
    """Orders by exact order number, or by their customer's name or e-mail."""
    return orders.filter(
        Q(number__iexact=search) | Q(customer__in=customer_search(search).values("pk"))
    )


def customer_search(search: str):
    """Customers whose name or e-mail contains `search`."""
    return Customer.objects.filter(Q(name__icontains=search) | Q(user__email__icontains=search))


def order_detail(*, number: str) -> Order:
    return _get_order(Order.objects.select_related("customer__user"), number=number)


def order_lines(order: Order):
    return OrderLine.objects.filter(order=order).select_related("variant__product").order_by("pk")


def customer_orders(customer: Customer):
    return (
        Order.objects.filter(customer=customer)
        .annotate(line_count=Count("lines"))
        .order_by("-placed_at", "-pk")
    )


def customer_order(*, customer: Customer, number: str) -> Order:
    """A customer's own order; any other number is OrderNotFound, the same as one that
    does not exist (a 404, never a 403: SPEC §1)."""
    return _get_order(Order.objects.filter(customer=customer), number=number)


def _get_order(queryset, *, number: str) -> Order:
    # No order number holds a NUL byte, and PostgreSQL refuses to even compare with one.
    if "\x00" in number:
        raise OrderNotFound
    try:
        return queryset.get(number=number)
    except Order.DoesNotExist:
        raise OrderNotFound from None
