from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import cents, format_money


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("-0.005", "-0.01"),
        ("2.675", "2.68"),  # a float would say 2.67
        ("10", "10.00"),
    ],
)
def test_cents_round_half_up(amount, expected):
    assert cents(Decimal(amount)) == Decimal(expected)


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("en", "12.5", "€12.50"),
        ("nl", "12.5", "€ 12,50"),
        ("en", "1234.5", "€1,234.50"),
        ("nl", "1234.5", "€ 1.234,50"),
        ("en", "-3", "-€3.00"),
        ("nl", "-3", "€ -3,00"),
    ],
)
def test_amounts_read_as_the_language_writes_them(language, amount, expected):
    assert format_money(Decimal(amount), "EUR", language=language) == expected


def test_the_money_filter_follows_the_active_language_and_never_breaks():
    template = Template("{% load core_tags %}{{ amount|money:'EUR' }}")
    with translation.override("nl"):
        assert template.render(Context({"amount": Decimal("12.5")})) == "€\xa012,50"
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("12.5")})) == "€12.50"


def test_an_unknown_currency_is_written_by_its_code():
    assert format_money(Decimal("5"), "CHF", language="en") == "CHF 5.00"
