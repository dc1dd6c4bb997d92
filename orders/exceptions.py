from core.exceptions import NotFound


class OrderNotFound(NotFound):
    """No such order, or another customer's (both are a 404 from outside, SPEC §1)."""
