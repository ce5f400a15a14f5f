"""Money as Decimal in, integer cents stored, two decimals out; never a float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from loyaltycli.errors import BadInputError

CENT = Decimal("0.01")
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_money(text: str | int | Decimal, what: str = "amount") -> Decimal:
    """Parse `12.50` or `12,50` (a decimal comma) into a Decimal with at most two decimals."""
    if isinstance(text, bool):
        raise BadInputError(f"{what}: {text!r} is not an amount of money.")
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        raw = str(text).strip()
        if not _PLAIN.match(raw):
            raise BadInputError(f"{what}: {raw!r} is not an amount of money (write it like 12.50).")
        value = Decimal(raw.replace(",", "."))
    if not value.is_finite():
        raise BadInputError(f"{what}: {text!r} is not an amount of money.")
    if value != value.quantize(CENT):
        raise BadInputError(f"{what}: {text!r} has more than two decimals.")
    return value.quantize(CENT)


def to_cents(amount: Decimal) -> int:
    """Decimal money to integer minor units (cents)."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_cents(cents: int) -> str:
    """`1250` -> `12.50`: what JSON, CSV and tables show."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def parse_number(text: str | int | Decimal, what: str) -> Decimal:
    """A plain decimal number (a rate, a multiplier, a quantity); no binary float is involved."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise BadInputError(f"{what}: {text!r} is not a number.") from None
    if not value.is_finite():
        raise BadInputError(f"{what}: {text!r} is not a number.")
    return value


def percent(ratio: str | Decimal | None) -> str | None:
    """`0.4444` -> `44.4 %` (None stays None: a rate of nothing)."""
    if ratio is None:
        return None
    return f"{Decimal(ratio) * 100:.1f} %"
