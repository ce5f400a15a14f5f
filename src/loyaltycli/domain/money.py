"""Money as Decimal in, integer cents stored, two decimals out; never a float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _, language

CENT = Decimal("0.01")
_PLAIN = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$")
# SPEC §1 limits: no value can break a sum later (and a cent total fits in 64 bits many times over).
MAX_AMOUNT = Decimal("99999999.99")
MAX_QUANTITY = Decimal(100_000)


def amount_limit_problem(value: Decimal) -> str | None:
    """Why an amount (a line or a receipt) is too large, or None."""
    if abs(value) > MAX_AMOUNT:
        return _("{value} is more than the largest amount, {largest}").format(value=value, largest=f"{MAX_AMOUNT:,}")
    return None


def quantity_limit_problem(value: Decimal) -> str | None:
    if abs(value) > MAX_QUANTITY:
        return _("{value} is more than the largest quantity, {largest}").format(
            value=value, largest=f"{MAX_QUANTITY:,}"
        )
    return None


def parse_money(text: str | int | Decimal, what: str = "amount") -> Decimal:
    """Parse `12.50` or `12,50` (a decimal comma) into a Decimal with at most two decimals."""
    if isinstance(text, bool):
        raise BadInputError(_("{what}: {text!r} is not an amount of money.").format(what=what, text=text))
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        raw = _without_thousands(str(text).strip())
        if not _PLAIN.match(raw):
            raise BadInputError(
                _("{what}: {raw!r} is not an amount of money (write it like 12.50).").format(what=what, raw=raw)
            )
        value = Decimal(raw.replace(",", "."))
    if not value.is_finite():
        raise BadInputError(_("{what}: {text!r} is not an amount of money.").format(what=what, text=text))
    if value != value.quantize(CENT):
        raise BadInputError(_("{what}: {text!r} has more than two decimals.").format(what=what, text=text))
    problem = amount_limit_problem(value)
    if problem is not None:
        raise BadInputError(f"{what}: {problem}.")
    return value.quantize(CENT)


# `1.234,56` (German) and `1,234.56` (English): thousands in groups of three, then the other mark and the cents.
_GROUPED = re.compile(
    r"^([+-]?[0-9]{1,3})((?:\.[0-9]{3})+),([0-9]{1,2})$|^([+-]?[0-9]{1,3})((?:,[0-9]{3})+)\.([0-9]{1,2})$"
)


def _without_thousands(raw: str) -> str:
    """An amount written with thousands separators as people write it, as plain digits (`1234.56`); only when
    both marks are there, so that it cannot be misread (`1.234` alone stays three decimals, and is refused)."""
    match = _GROUPED.match(raw)
    if match is None:
        return raw
    head, groups, cents = match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)
    return f"{head}{groups.replace('.', '').replace(',', '')}.{cents}"


HUNDRED = Decimal(100)


def to_cents(amount: Decimal) -> int:
    """Decimal money to integer minor units (cents), half a cent rounded up."""
    cents = amount * HUNDRED
    whole = int(cents)
    return whole if whole == cents else int(cents.to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_cents(cents: int) -> str:
    """`1250` -> `12.50`: what JSON, CSV and tables show."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def format_amount(amount: Decimal) -> str:
    """`Decimal("12.5")` -> `12.50`: an amount with its two decimals, as JSON, CSV and tables show it."""
    return f"{amount:.2f}"


def parse_number(text: str | int | Decimal, what: str) -> Decimal:
    """A plain decimal number (a rate, a multiplier, a quantity): digits and one decimal separator, never an
    exponent (`1e12`) or hex; no binary float is involved."""
    raw = str(text).strip()
    if not _PLAIN.match(raw):
        raise BadInputError(
            _("{what}: {text!r} is not a number (write it like 2 or 1.5).").format(what=what, text=text)
        )
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise BadInputError(_("{what}: {text!r} is not a number.").format(what=what, text=text)) from None


def percent(ratio: str | Decimal | None) -> str | None:
    """`0.4444` -> `44.4 %` (None stays None: a rate of nothing)."""
    if ratio is None:
        return None
    text = f"{Decimal(ratio) * 100:.1f} %"
    return text.replace(".", ",") if language() == "de" else text
