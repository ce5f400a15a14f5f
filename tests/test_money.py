"""Money is Decimal in and integer cents stored; never a float."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyaltycli.domain.money import format_cents, parse_money, to_cents
from loyaltycli.errors import BadInputError


@pytest.mark.parametrize(("text", "cents"), [("12.50", 1250), ("12,50", 1250), ("0.1", 10), ("7", 700), (".5", 50)])
def test_parse_money(text: str, cents: int) -> None:
    assert to_cents(parse_money(text)) == cents


@pytest.mark.parametrize("text", ["abc", "1.234", "12.505", "1e3", "NaN", "", "12.5.0", "--1"])
def test_bad_money(text: str) -> None:
    with pytest.raises(BadInputError, match="amount"):
        parse_money(text)


def test_no_float_artefacts_in_sums() -> None:
    # The Odoo bug: 268.28000000000003.  Sums of cents stay exact.
    total = sum(to_cents(parse_money(x)) for x in ["0.1"] * 3 + ["268.28", "-0.3"])
    assert format_cents(total) == "268.28"


@given(st.integers(min_value=-9_999_999_999, max_value=9_999_999_999))  # SPEC §1: at most 99,999,999.99
def test_cents_round_trip(cents: int) -> None:
    assert to_cents(parse_money(format_cents(cents))) == cents
    assert Decimal(format_cents(cents)) * 100 == cents


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("12.50", 1250), ("-4.00", -400), ("0.005", 1), ("-0.005", -1), ("1.234", 123), ("7", 700), ("0.1", 10)],
)
def test_to_cents_rounds_half_a_cent_away_from_zero(amount: str, cents: int) -> None:
    assert to_cents(Decimal(amount)) == cents


def test_format_amount_keeps_two_decimals() -> None:
    from decimal import Decimal

    from loyaltycli.domain.money import format_amount

    assert [format_amount(Decimal(v)) for v in ("12.5", "3", "-0.50", "1249.00000")] == [
        "12.50",
        "3.00",
        "-0.50",
        "1249.00",
    ]
