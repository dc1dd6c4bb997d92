"""Money: Decimal amounts with a currency, never floats, rounded explicitly.

`cents` rounds to the cent the one way this shop rounds (half up, as Dutch invoices do),
and `format_money` writes an amount the way the reader's language writes it:
"€12.50" in English, "€ 12,50" in Dutch."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation

CENT = Decimal("0.01")
SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}
# Languages that put a space between the symbol and the amount (and a minus after it).
SPACED = {"nl", "de", "fr"}


def cents(amount) -> Decimal:
    """`amount` rounded to the cent, half up (0.005 → 0.01; -0.005 → -0.01)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount, currency: str = "EUR", *, language: str | None = None) -> str:
    """ "€12.50" / "€ 12,50": the amount to the cent, with the currency's symbol (or its
    code) where the reader's language puts it. `language` defaults to the active one."""
    if amount is None or amount == "":
        return ""
    amount = cents(amount)
    language = (language or translation.get_language() or "en").split("-")[0]
    symbol = SYMBOLS.get(currency, currency)
    with translation.override(language):
        digits = formats.number_format(abs(amount), 2, use_l10n=True, force_grouping=True)
    sign = "-" if amount < 0 else ""
    if language in SPACED or symbol == currency:
        return f"{symbol} {sign}{digits}"
    return f"{sign}{symbol}{digits}"
