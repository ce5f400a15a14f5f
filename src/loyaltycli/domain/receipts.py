"""A receipt as the rules see it: lines with amount, category, SKU and quantity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from loyaltycli.domain.program import normalise_category


class Line(NamedTuple):
    """One line of a receipt; a negative amount is a discount line.  (An immutable tuple: an import
    makes one per CSV row, and a frozen dataclass costs four times as much to build.)"""

    amount: Decimal
    category: str = ""
    sku: str | None = None
    quantity: Decimal = Decimal(1)

    @property
    def category_key(self) -> str:
        return normalise_category(self.category)


@dataclass(frozen=True, slots=True)
class ReceiptInput:
    """What a purchase is: its lines, the local day and wall-clock time it happened at, and the channel."""

    lines: tuple[Line, ...]
    day: dt.date
    channel: str | None = None
    clock: dt.time = dt.time(12, 0)  # a bare date means noon (SPEC §1)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))
