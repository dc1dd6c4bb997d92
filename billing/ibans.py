"""IBANs for refunds by bank transfer, checked by schwifty (country format, length and
the ISO 7064 check digits)."""

from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from .exceptions import InvalidCreditInvoice


def normalize_iban(text: str) -> str:
    """The IBAN in its compact form (NL91ABNA0417164300), or InvalidCreditInvoice on the
    field "iban" when it is not a valid one."""
    text = (text or "").strip()
    if not text:
        raise InvalidCreditInvoice(_("Enter the IBAN to pay back to."), field="iban")
    try:
        return IBAN(text).compact
    except (SchwiftyException, ValueError):
        raise InvalidCreditInvoice(_("This is not a valid IBAN."), field="iban") from None
