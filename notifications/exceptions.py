from core.exceptions import DomainError


class NotificationError(DomainError):
    """A refused request about e-mails, with a message for the person who asked."""


class NotResendable(NotificationError):
    pass


class InvalidTemplate(NotificationError):
    pass
