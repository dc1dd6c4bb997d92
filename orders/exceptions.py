from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError, NotFound


class OrderNotFound(NotFound):
    """No such order, or another customer's (both are a 404 from outside, SPEC §1)."""


class OrderError(DomainError):
    """A change of an order the rules refuse."""


class OrderLineHeld(OrderError):
    """A line's quantity (or shipped quantity) would drop below what returns hold, or a
    line that returns refer to would go. `sku` names the line, when it is about one."""

    def __init__(self, message=None, *, field: str | None = None, sku: str | None = None):
        super().__init__(message, field=field)
        self.sku = sku


class CustomerConflict(OrderError):
    default_message = _("This e-mail address belongs to a login that is not a customer.")
