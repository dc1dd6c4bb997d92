"""VAT and rounding of credit invoices: a table of mixed rates, fees and partial
quantities, totals to the cent."""

from decimal import Decimal

import pytest

from billing.calculation import FeeKind, amount, compute, vat_of
from billing.exceptions import InvalidCreditInvoice

D = Decimal


@pytest.mark.parametrize(
    ("case", "kwargs", "total", "fee", "groups"),
    [
        (
            "one line at 21 %",
            {"lines": [(D("24.95"), D(21))]},
            D("24.95"),
            D("0.00"),
            # 24.95 × 21/121 = 4.330…
            {D(21): (D("24.95"), D("4.33"))},
        ),
        (
            "mixed rates, two of three items of a line",
            {"lines": [(D("49.90"), D(21)), (D("22.50"), D(9))]},
            D("72.40"),
            D("0.00"),
            # 49.90 × 21/121 = 8.6603; 22.50 × 9/109 = 1.8578
            {D(21): (D("49.90"), D("8.66")), D(9): (D("22.50"), D("1.86"))},
        ),
        (
            "a 10 % restocking fee rounds half up once",
            {
                "lines": [(D("24.95"), D(21))],
                "fee_kind": FeeKind.PERCENT,
                "fee_value": D(10),
            },
            # 10 % of 24.95 = 2.495 → 2.50
            D("22.45"),
            D("2.50"),
            {D(21): (D("22.45"), D("3.90"))},
        ),
        (
            "fees at the standard rate net against a 9 % line",
            {
                "lines": [(D("22.50"), D(9))],
                "fee_kind": FeeKind.FIXED,
                "fee_value": D("5.00"),
                "return_shipping_fee": D("4.95"),
            },
            D("12.55"),
            D("5.00"),
            # 22.50 at 9 %; −9.95 at 21 %: −9.95 × 21/121 = −1.7268 → −1.73
            {D(21): (D("-9.95"), D("-1.73")), D(9): (D("22.50"), D("1.86"))},
        ),
        (
            "shipping and payment costs at the costs' rate, a percentage fee on goods only",
            {
                "lines": [(D("17.50"), D(21)), (D("45.00"), D(9))],
                "shipping": D("4.95"),
                "payment": D("0.35"),
                "fee_kind": FeeKind.PERCENT,
                "fee_value": D("15"),
            },
            # goods 62.50; fee 9.375 → 9.38; 62.50 + 5.30 − 9.38
            D("58.42"),
            D("9.38"),
            # 21 %: 17.50 + 5.30 − 9.38 = 13.42 → VAT 2.329 → 2.33; 9 %: 45 → 3.7156 → 3.72
            {D(21): (D("13.42"), D("2.33")), D(9): (D("45.00"), D("3.72"))},
        ),
        (
            "a 100 % fee leaves nothing, never less",
            {"lines": [(D("0.01"), D(21))], "fee_kind": FeeKind.PERCENT, "fee_value": D(100)},
            D("0.00"),
            D("0.01"),
            {D(21): (D("0.00"), D("0.00"))},
        ),
    ],
)
def test_totals_and_vat_per_rate_to_the_cent(case, kwargs, total, fee, groups):
    totals = compute(**kwargs)
    assert totals.total == total, case
    assert totals.restocking_fee == fee, case
    assert {g.rate: (g.gross, g.vat) for g in totals.vat_groups} == groups, case
    # The VAT groups add up to the total, and every figure is whole cents.
    assert sum(g.gross for g in totals.vat_groups) == totals.total
    for figure in [totals.total, totals.vat, totals.net, *(g.net for g in totals.vat_groups)]:
        assert figure == figure.quantize(D("0.01"))


def test_vat_of_rounds_half_up_not_to_even():
    # 0.605 × 21/121 = 0.105 exactly: half up gives 0.11 (banker's rounding would say 0.10).
    assert vat_of(D("0.605"), D(21)) == D("0.11")


def test_fees_above_the_amount_are_refused():
    with pytest.raises(InvalidCreditInvoice) as error:
        compute(lines=[(D("10.00"), D(21))], return_shipping_fee=D("10.01"))
    assert error.value.field == "return_shipping_fee"
    with pytest.raises(InvalidCreditInvoice) as error:
        compute(lines=[(D("10.00"), D(21))], fee_kind=FeeKind.FIXED, fee_value=D("10.01"))
    assert error.value.field == "restocking_fee_value"
    with pytest.raises(InvalidCreditInvoice):
        compute(lines=[(D("10.00"), D(21))], fee_kind=FeeKind.PERCENT, fee_value=D("100.01"))


@pytest.mark.parametrize("text", ["-1", "abc", "NaN", "Infinity", "1e400", "0.001", "", "1,2,3"])
def test_bad_amounts_are_refused_with_a_message(text):
    with pytest.raises(InvalidCreditInvoice) as error:
        amount(text, field_name="shipping", label="Shipping costs")
    assert error.value.field == "shipping"
    assert "Shipping costs" in error.value.message


def test_a_dutch_decimal_comma_is_an_amount():
    assert amount("12,50", field_name="x", label="x") == D("12.50")
