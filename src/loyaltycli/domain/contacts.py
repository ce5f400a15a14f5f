"""E-mail addresses and member ids as people type them: one validation for every way in (SPEC §1)."""

from __future__ import annotations

from loyaltycli.domain.cells import has_control
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _


def control_problem(text: str | None, what: str) -> str | None:
    """Why a name, e-mail or note cannot be stored: it holds a control character (an escape sequence would
    recolour or retitle the terminal of whoever lists it), or None."""
    if text and has_control(text):
        return _("{what} holds a control character (such as ESC); write it without one").format(what=what)
    return None


def clean_name(text: str, what: str = "NAME") -> str:
    """A member's name with its spaces tidied; BadInputError when empty or holding control characters."""
    problem = control_problem(text, what)
    if problem is not None:
        raise BadInputError(problem + ".")
    cleaned = " ".join(text.split())
    if not cleaned:
        raise BadInputError(_("NAME: a member needs a name."))
    return cleaned


def email_problem(text: str) -> str | None:
    """Why `text` is not an e-mail address (`bob@shop` has no domain), or None when it is one."""
    local, at, domain = text.rpartition("@")
    if not at or not local or any(ch.isspace() for ch in text) or has_control(text):
        return _("{text!r} is not an e-mail address").format(text=text)
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels) or not labels[-1].isalpha() or len(labels[-1]) < 2:
        return _("{text!r} is not an e-mail address (the part after @ needs a domain such as example.com)").format(
            text=text
        )
    return None


def clean_email(text: str | None, what: str = "--email") -> tuple[str | None, str | None]:
    """The e-mail as written and its look-up key (lower case); None for empty; BadInputError if invalid."""
    if text is None or not text.strip():
        return None, None
    cleaned = text.strip()
    problem = email_problem(cleaned)
    if problem is not None:
        raise BadInputError(f"{what}: {problem}.")
    return cleaned, cleaned.lower()


def names_the_person(note: str, name: str, email: str | None, phone: str | None) -> bool:
    """Whether a note repeats the member's name (any word of it of three letters or more), e-mail or phone.

    Notes stay in the append-only ledger after an erasure, so they must not hold personal data."""
    text = note.casefold()
    words = {word for word in "".join(ch if ch.isalnum() else " " for ch in text).split()}
    if any(len(part) >= 3 and part in words for part in name.casefold().split()):
        return True
    if email and email.casefold() in text:
        return True
    digits = "".join(ch for ch in note if ch.isdigit())
    return bool(phone) and len(digits) >= 6 and digits[-6:] in (phone or "")
