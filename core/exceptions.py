"""The base of every app's domain errors. Services and selectors raise these, never HTTP
errors; the web views and the API decide what a refusal looks like to their caller."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request the rules refuse, with a translated message for the person who asked.
    `field` names the input the message belongs to (a form field, an API attribute)."""

    default_message = _("This change is not possible.")

    def __init__(self, message=None, *, field: str | None = None):
        self.message = str(message or self.default_message)
        self.field = field
        super().__init__(self.message)


class NotFound(DomainError):
    """No such object, or not one the asker may see (both look the same from outside).
    Pages answer 404 (core.middleware.NotFoundMiddleware)."""

    default_message = _("Not found.")
