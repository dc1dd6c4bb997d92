# The returns fixtures (a line with stock, a return in any status) for the admin tests.
from tests.returns.conftest import action, line, make_return, reason  # noqa: F401
