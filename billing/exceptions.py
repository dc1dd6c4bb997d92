from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError, NotFound


class InvalidCreditInvoice(DomainError):
    """Input a credit invoice cannot be made of (a negative amount, a fee above the
    amount, a line of another order)."""

    default_message = _("This credit invoice is not possible.")


class MoreThanPaid(DomainError):
    """The money rule: never credit more than was paid, per line and per order."""

    default_message = _("That credits more than the customer paid.")


class InvalidCreditInvoiceState(DomainError):
    """Issuing, refunding or cancelling a credit invoice its state does not allow."""

    default_message = _("The credit invoice's state does not allow this.")


class CreditInvoiceNotFound(NotFound):
    default_message = _("No such credit invoice.")


class InvalidBillingSettings(DomainError):
    default_message = _("These settings are not possible.")


class InsufficientStoreCredit(DomainError):
    """Spending more than a voucher holds."""

    default_message = _("The voucher does not hold that much.")
