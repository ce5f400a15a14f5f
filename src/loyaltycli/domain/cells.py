"""Cells of CSV exports that a spreadsheet must not run as formulas (CSV injection)."""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")


def neutralise(value: Any) -> Any:
    """Prefix text that starts like a formula with `'`; numbers (also `-5.00`) stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value
