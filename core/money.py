"""Amounts of money as people read them in each language: `€12.50` (English), `€ 12,50`
(Dutch), `12,50 €` (German, French); percentages too (12.5%, 12,5 %). Amounts are
`Decimal`, never float; they are rounded to cents explicitly (ROUND_HALF_UP, as on an
invoice) before they are shown.

The separators are the locale's own (Django's format files: `1,234.50`, `1.234,50`,
`1 234,50`); where the symbol goes is this table. The space between symbol and number never
breaks, so an amount never splits over two lines.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat, translation

NBSP = "\u00a0"
CENT = Decimal("0.01")

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

# language -> pattern; {sign} {symbol} {number}. A language not listed reads as English.
PATTERNS = {
    "en": "{sign}{symbol}{number}",
    "nl": "{symbol}" + NBSP + "{sign}{number}",
    "de": "{sign}{number}" + NBSP + "{symbol}",
    "fr": "{sign}{number}" + NBSP + "{symbol}",
}


def round_money(amount) -> Decimal:
    """`amount` to whole cents, halves up (2.345 -> 2.35, -2.345 -> -2.35)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount, currency: str = "EUR", *, language: str | None = None) -> str:
    """`amount` (Decimal, int or a decimal string; never float) in `currency` as written in
    `language` (default: the active language)."""
    if isinstance(amount, float):
        raise TypeError("Money is a Decimal, never a float.")
    language = (language or translation.get_language() or "en").split("-")[0].lower()
    if language not in PATTERNS:
        language = "en"
    rounded = round_money(amount)
    number = numberformat.format(
        abs(rounded),
        formats.get_format("DECIMAL_SEPARATOR", language),
        decimal_pos=2,
        grouping=formats.get_format("NUMBER_GROUPING", language),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language),
        force_grouping=True,
    )
    return PATTERNS.get(language, PATTERNS["en"]).format(
        sign="-" if rounded < 0 else "",
        symbol=SYMBOLS.get(currency, currency + (NBSP if language == "en" else "")),
        number=number,
    )


# A percentage: German and French put a no-break space before the sign (12,5 %), English
# and Dutch do not (12.5%, 12,5%).
PERCENT_SPACE = {"de": NBSP, "fr": NBSP}


def format_percent(value, *, language: str | None = None) -> str:
    """`value` (a Decimal, already rounded as the caller means it) as a percentage written
    the reader's way: 12.5%, 12,5%, 12,5 %."""
    language = (language or translation.get_language() or "en").split("-")[0].lower()
    if language not in PATTERNS:
        language = "en"
    with translation.override(language):
        number = formats.number_format(value, use_l10n=True)
    return f"{number}{PERCENT_SPACE.get(language, '')}%"
