"""Notes for the person at the terminal that arise deep inside a command (a merged member's reference
led to the member it was merged into). The CLI prints them on stderr when the command ends."""

from __future__ import annotations

_NOTES: list[str] = []


def note(text: str) -> None:
    if text not in _NOTES:
        _NOTES.append(text)


def drain() -> list[str]:
    """The notes so far, and none left."""
    taken = list(_NOTES)
    _NOTES.clear()
    return taken
