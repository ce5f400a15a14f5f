"""CSV cells as real exports write them: an amount is read as a person reads it, or rejected with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyaltycli.importers.values import ValueProblem, parse_amount, parse_quantity

CENTS = st.integers(min_value=-9_999_999_999, max_value=9_999_999_999)


def written(cents: int, style: int) -> str:
    """One amount in the ways tills and spreadsheets write it."""
    value = Decimal(cents) / 100
    plain = f"{abs(value):.2f}"
    grouped = f"{abs(value):,.2f}"
    forms = [
        plain,
        plain.replace(".", ","),
        grouped,
        grouped.replace(",", "_").replace(".", ",").replace("_", "."),
        f"${grouped}",
        f"{plain} EUR",
        f"€ {plain.replace('.', ',')}",
    ]
    text = forms[style % len(forms)]
    if cents < 0:
        return f"({text})" if style % 2 else f"-{text}"
    return text


@given(CENTS, st.integers(min_value=0, max_value=13))
def test_every_usual_way_of_writing_an_amount_reads_as_that_amount(cents: int, style: int) -> None:
    text = written(cents, style)
    assert parse_amount(text, None) == Decimal(cents) / 100, text


@given(st.text(max_size=24))
def test_any_cell_is_read_as_a_plain_decimal_or_rejected_with_a_reason(text: str) -> None:
    try:
        value = parse_amount(text, None)
    except ValueProblem as problem:
        assert str(problem)
        return
    digits = "".join(ch for ch in text if ch in "0123456789")
    assert str(abs(value)).replace(".", "").lstrip("0") in digits.lstrip("0") + "00", (text, value)
    assert abs(value) <= Decimal("99999999.99")


@pytest.mark.parametrize(
    "text", ["1e309", "1E5", "0x1F", "5 5", "=1+2", "１２", "12..5", "1,2,3.4.5", "--5", "12.345", "٣"]
)
def test_what_no_person_writes_as_an_amount_is_rejected(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_amount(text, None)


@given(st.text(max_size=12))
def test_any_quantity_cell_is_a_bounded_number_or_rejected(text: str) -> None:
    try:
        value = parse_quantity(text, None)
    except ValueProblem:
        return
    assert 0 < value <= 100_000
