"""Where a key stands in a TOML text, for error messages that name the line.

tomllib reports lines only for syntax errors; validation errors come from the
parsed data.  This scans the (already valid) text once and maps every dotted
field path (`campaigns.0.multiplier`, `earn.category_rates.books`) to the
line it is written on.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def _split_key(key: str) -> list[str]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', key)
    return [a or b or c for a, b, c in parts]


def key_lines(text: str) -> dict[str, int]:
    """Map each dotted path to the 1-based line where it is defined."""
    lines: dict[str, int] = {}
    table: list[str] = []
    counters: dict[str, int] = {}
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        header = _HEADER.match(line)
        if header:
            parts = _split_key(header.group(2))
            if header.group(1) == "[[":
                base = ".".join(parts)
                index = counters.get(base, -1) + 1
                counters[base] = index
                table = [*parts, str(index)]
                lines.setdefault(base, number)
            else:
                table = _with_indices(parts, counters)
            lines.setdefault(".".join(table), number)
            continue
        key = _KEY.match(line)
        if key:
            path = ".".join([*table, *_split_key(key.group(1))])
            lines.setdefault(path, number)
            if line.count('"""') == 1 or line.count("'''") == 1:
                in_multiline = True
    return lines


def _with_indices(parts: list[str], counters: dict[str, int]) -> list[str]:
    """`[campaigns.x]` after `[[campaigns]]` belongs to the array's latest element."""
    out: list[str] = []
    plain: list[str] = []
    for part in parts:
        out.append(part)
        plain.append(part)
        index = counters.get(".".join(plain))
        if index is not None:
            out.append(str(index))
    return out
