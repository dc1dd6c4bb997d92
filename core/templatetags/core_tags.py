"""Template filters every app may use."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from core.money import format_money, format_percent

register = template.Library()

# A document number inside free text: RET-000123, ORD-1001.
_NUMBER = re.compile(r"\b[A-Z]{2,5}-\d+\b")


@register.filter(needs_autoescape=True)
def whole_numbers(text, autoescape=True):
    """`text`, escaped, with the document numbers in it kept on one line: browsers break
    "RET-000123" after its hyphen, and half a number on each line reads as two."""
    escaped = str(conditional_escape(text) if autoescape else text)
    # Escaping leaves letters, digits and hyphens alone, and no entity has this shape.
    return mark_safe(_NUMBER.sub(r'<span class="nowrap">\g<0></span>', escaped))  # noqa: S308


@register.filter(needs_autoescape=True)
def nowrap(value, autoescape=True):
    """`value`, escaped, in a span that never breaks over lines: a date or a number
    inside a sentence ({% blocktranslate with date=day|date:"j F Y"|nowrap %})."""
    escaped = conditional_escape(value) if autoescape else value
    return format_html('<span class="nowrap">{}</span>', escaped)


@register.filter
def money(amount, currency="EUR"):
    """`amount` as the reader's language writes money: {{ line.unit_price|money }} gives
    €12.50, € 12,50, 12,50 € (core/money.py). Nothing for no amount."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency)


@register.filter
def percent(value):
    """`value` as a percentage the reader's way: 12.5%, 12,5%, 12,5 % (core/money.py)."""
    if value is None or value == "":
        return ""
    return format_percent(value)
