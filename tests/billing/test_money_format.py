"""What billing relies on in core.money: rounding half up to the cent, and amounts written
per language (the pages, the messages and the PDF)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import format_money, round_money


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.005", "0.01"), ("0.0049", "0.00"), ("-0.005", "-0.01"), ("2.675", "2.68")],
)
def test_round_money_rounds_half_up(amount, expected):
    # 2.675 as a float is 2.67499…: Decimal keeps it exact.
    assert round_money(Decimal(amount)) == Decimal(expected)


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("en", "12.5", "€12.50"),
        ("nl", "12.5", "€\xa012,50"),
        ("en", "1234.5", "€1,234.50"),
        ("nl", "1234.5", "€\xa01.234,50"),
    ],
)
def test_amounts_read_as_the_language_writes_them(language, amount, expected):
    assert format_money(Decimal(amount), "EUR", language=language) == expected


def test_the_money_filter_follows_the_active_language():
    template = Template("{% load core_tags %}{{ amount|money:'EUR' }}")
    with translation.override("nl"):
        assert template.render(Context({"amount": Decimal("12.5")})) == "€\xa012,50"
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("12.5")})) == "€12.50"
