"""The returns app's domain errors. Their messages are translated and shown to whoever
asked (on the form, in the API's problem document); `field` says which input they concern."""

from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError, NotFound


class ReturnError(DomainError):
    """A request the returns rules refuse."""


class InvalidTransition(ReturnError):
    """The transition table (returns.workflow) does not allow this status change."""


class QuantityNotReturnable(ReturnError):
    """More of an order line than bought minus what other live returns hold."""


class ReturnChangedMeanwhile(ReturnError):
    default_message = _(
        "Someone else changed this return while you were editing it. The page now shows "
        "their changes; your input is kept. Check it and save again."
    )


class ReturnsNotAllowed(ReturnError):
    """A customer's request for an order that is not eligible (the message says why)."""


class InvalidReturnInput(ReturnError):
    pass


class CatalogEntryInUse(ReturnError):
    default_message = _(
        "This entry is used by returns, so it cannot be deleted. Deactivate it instead."
    )


class CatalogNameTaken(ReturnError):
    default_message = _("There is already an entry with this name.")


class InvalidSettings(ReturnError):
    pass


class ReturnNotFound(NotFound):
    pass


class CatalogEntryNotFound(NotFound):
    pass


class InvalidPhoto(ReturnError):
    """A file that is not an acceptable photo (returns.photos says why), or one too many."""


class PhotoRequired(ReturnError):
    """The customer's reason needs a photo (Settings > Account & service)."""


class PhotoNotFound(NotFound):
    pass
