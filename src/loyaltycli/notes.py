"""Notes for the person at the terminal that arise deep inside a command (a merged member's reference
led to the member it was merged into). The CLI prints them on stderr when the command ends.

They are kept in a context variable, not a module global: a thread (the counter screen's workers) has
notes of its own, never another's."""

from __future__ import annotations

from contextvars import ContextVar

_NOTES: ContextVar[list[str]] = ContextVar("loyaltycli_notes")


def _notes() -> list[str]:
    try:
        return _NOTES.get()
    except LookupError:
        made: list[str] = []
        _NOTES.set(made)
        return made


def note(text: str) -> None:
    notes = _notes()
    if text not in notes:
        notes.append(text)


def drain() -> list[str]:
    """The notes so far, and none left."""
    notes = _notes()
    taken = list(notes)
    notes.clear()
    return taken
