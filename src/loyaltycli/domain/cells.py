"""Text from outside shown safely: CSV cells a spreadsheet must not run as formulas (CSV injection), and
control characters that a terminal would obey (escape sequences that recolour or retitle it)."""

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


# C0 controls but tab and newline, DEL, and the C1 controls (0x80-0x9f: a terminal may read 0x9b as ESC [).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """Whether text holds a character a terminal would act on rather than show (tab and newline aside)."""
    return _CONTROL.search(text) is not None


def visible(text: str) -> str:
    """Text with every control character written out (`\\x1b`), so that a name, a file's cell or a note
    reaches the terminal as characters, never as a command to it."""
    if not has_control(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
