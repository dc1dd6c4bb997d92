"""Money as each language writes it (core/money.py and the `money` filter), and the pages
that show amounts using it."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.money import format_money, format_percent, round_money
from tests.factories import OrderFactory, OrderLineFactory, VariantFactory

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "small", "large", "negative"),
    [
        ("en", "€12.50", "€1,234,567.89", "-€3.05"),
        ("nl", f"€{NBSP}12,50", f"€{NBSP}1.234.567,89", f"€{NBSP}-3,05"),
        ("de", f"12,50{NBSP}€", f"1.234.567,89{NBSP}€", f"-3,05{NBSP}€"),
        ("fr", f"12,50{NBSP}€", f"1{NBSP}234{NBSP}567,89{NBSP}€", f"-3,05{NBSP}€"),
    ],
)
def test_each_language_writes_euros_its_own_way(language, small, large, negative):
    assert format_money(Decimal("12.5"), language=language) == small
    assert format_money(Decimal("1234567.89"), language=language) == large
    assert format_money(Decimal("-3.05"), language=language) == negative


def test_the_active_language_is_the_default():
    with translation.override("de"):
        assert format_money(Decimal("12.50")) == f"12,50{NBSP}€"
    with translation.override("fr-be"):
        assert format_money(Decimal("12.50")) == f"12,50{NBSP}€"
    with translation.override("es"):  # not offered: written as in English
        assert format_money(Decimal("12.50")) == "€12.50"


def test_amounts_are_rounded_to_cents_halves_up():
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    assert round_money(Decimal("2.344")) == Decimal("2.34")
    assert round_money(Decimal("-2.345")) == Decimal("-2.35")
    assert format_money(Decimal("0.005"), language="en") == "€0.01"
    assert format_money(Decimal("19.999"), language="de") == f"20,00{NBSP}€"


def test_other_currencies_keep_their_symbol_or_code():
    assert format_money(Decimal("5"), "USD", language="en") == "$5.00"
    assert format_money(Decimal("5"), "GBP", language="fr") == f"5,00{NBSP}£"
    assert format_money(Decimal("5"), "CHF", language="en") == f"CHF{NBSP}5.00"
    assert format_money(Decimal("5"), "CHF", language="de") == f"5,00{NBSP}CHF"


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        format_money(12.5)


def test_the_filter_uses_the_reader_language():
    template = Template("{% load core_tags %}[{{ amount|money }}][{{ none|money }}]")
    with translation.override("fr"):
        assert template.render(Context({"amount": Decimal("12.5"), "none": None})) == (
            f"[12,50{NBSP}€][]"
        )
    with translation.override("nl"):
        assert template.render(Context({"amount": Decimal("12.5")})) == f"[€{NBSP}12,50][]"


@pytest.mark.parametrize(
    ("language", "price", "placed"),
    [
        ("en", "€12.50", "3 March 2026, 14:05"),
        ("nl", f"€{NBSP}12,50", "3 maart 2026 14:05"),
        ("de", f"12,50{NBSP}€", "3. März 2026 14:05"),
        ("fr", f"12,50{NBSP}€", "3 mars 2026 14:05"),
    ],
)
def test_the_order_page_shows_money_and_dates_in_the_reader_language(
    staff_client, language, price, placed
):
    placed_at = timezone.make_aware(datetime(2026, 3, 3, 14, 5))
    order = OrderFactory(number="ORD-7001", placed_at=placed_at)
    OrderLineFactory(order=order, unit_price=Decimal("12.50"))
    staff_client.cookies["django_language"] = language
    page = staff_client.get("/backoffice/orders/ORD-7001/", headers={"accept-language": language})
    assert page.status_code == 200
    assert price in page.text
    assert placed in page.text


@pytest.mark.parametrize(("language", "price"), [("de", f"9,95{NBSP}€"), ("en", "€9.95")])
def test_the_product_page_shows_prices_in_the_reader_language(staff_client, language, price):
    variant = VariantFactory(price=Decimal("9.95"))
    with translation.override(language):
        page = staff_client.get(
            variant.product.get_absolute_url(), headers={"accept-language": language}
        )
    assert price in page.text


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "12.5%"), ("nl", "12,5%"), ("de", f"12,5{NBSP}%"), ("fr", f"12,5{NBSP}%")],
)
def test_percentages_are_written_the_reader_way(language, written):
    assert format_percent(Decimal("12.5"), language=language) == written
    with translation.override(language):
        assert (
            Template("{% load core_tags %}{{ rate|percent }}").render(
                Context({"rate": Decimal("12.5")})
            )
            == written
        )
