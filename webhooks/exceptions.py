from core.exceptions import DomainError


class WebhookError(DomainError):
    """Base of the webhooks app's errors."""


class UnsafeWebhookUrl(WebhookError):
    """The URL is not https, does not resolve, or leads to a private address."""


class HostUnresolved(UnsafeWebhookUrl):
    """The host name does not resolve (now): a delivery tries again later."""


class InvalidWebhookEndpoint(WebhookError):
    """What an admin entered for an endpoint cannot be saved."""


class NotResendable(WebhookError):
    """Only a delivery that is finished (delivered or failed) can be sent again."""
