"""The one column matcher of sales exports and customer lists: which column of a header holds which field.

A preset names each field's columns as exports write them; they are matched with case, spaces and
punctuation ignored (`Kundennr.`, `Kunden-Nr.` and `kundennr` are one name; `E-Mail` is `email`), never by
position. `--map FIELD=COLUMN` names a column as the file writes it (any case).
"""

from __future__ import annotations

from collections.abc import Mapping

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _


def header_key(name: str) -> str:
    """A column name as it is matched: case, spaces and punctuation ignored."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def match_columns(
    candidates: Mapping[str, tuple[str, ...]], header: list[str], overrides: Mapping[str, str], path: str
) -> dict[str, int]:
    """Field -> column index: each field's first candidate the header has, then the overrides; an override
    naming a column the file lacks is refused (exit 2), naming the file."""
    loose = {header_key(h): i for i, h in reversed(list(enumerate(header)))}
    positions = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    index: dict[str, int] = {}
    for name, columns in candidates.items():
        found = next((loose[header_key(c)] for c in columns if header_key(c) in loose), None)
        if found is not None:
            index[name] = found
    for name, column in overrides.items():
        at = positions.get(column.strip().lower())
        if at is None:
            raise BadInputError(
                _("{path}: --map {name}={column}: the file has no column {column!r}.").format(
                    path=path, name=name, column=column
                )
            )
        index[name] = at
    return index
