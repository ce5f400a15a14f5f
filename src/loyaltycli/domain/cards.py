"""Member card numbers (SPEC §3 "card number"): digits only, so a scanner types them right on any keyboard
layout (a German QWERTZ swaps Y and Z, other layouts move `-`), 13 of them with a check digit, and drawn at
random, so that no card tells another member's number.

They start with 2, the prefix GS1 keeps for numbers used inside one shop, so a card never reads as a
product's barcode; the last digit is the EAN-13 check digit, which catches a mistyped or misread digit.
"""

from __future__ import annotations

from typing import NamedTuple

LENGTH = 13
PREFIX = "2"


def check_digit(digits: str) -> str:
    """The EAN-13 check digit of twelve digits: weights 1 and 3 from the left, to the next multiple of ten."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return str(-total % 10)


def card_number(random_digits: str) -> str:
    """A card number of eleven random digits (the caller draws them: this module has no randomness)."""
    if len(random_digits) != LENGTH - len(PREFIX) - 1 or not random_digits.isdigit():
        raise ValueError("a card number needs eleven random digits")
    body = PREFIX + random_digits
    return body + check_digit(body)


def is_card_number(text: str) -> bool:
    """Whether `text` is a card number as printed or scanned: 13 digits, the shop prefix, a right check digit."""
    raw = text.strip()
    return len(raw) == LENGTH and raw.isdigit() and raw.startswith(PREFIX) and raw[-1] == check_digit(raw[:-1])


class Card(NamedTuple):
    """What one printed card shows."""

    member: str  # the member id (for file names)
    name: str
    number: str
    shop: str
    points: int = 0  # available now (what a Catima link carries)
    qr: str | None = None  # what the QR code holds instead of the number (`--catima-qr`: the Catima link)
