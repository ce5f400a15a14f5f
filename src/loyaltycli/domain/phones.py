"""Phone numbers in E.164, parsed in the programme's region (SPEC §1)."""

from __future__ import annotations

from typing import Any

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _


def normalise_phone(text: str, region: str | None) -> str:
    """`0170 1234567` in DE -> `+491701234567`; raises BadInputError for a non-number."""
    return _e164(_valid_number(text, region))


def phone_and_number(text: str, region: str | None) -> tuple[str, Any]:
    """`normalise_phone`, and the parsed number (its written forms are `forms_of` it, worked out only for the
    members who are enrolled: two formattings of a number cost as much as its parse)."""
    number = _valid_number(text, region)
    return _e164(number), number


def _valid_number(text: str, region: str | None) -> Any:
    number = _parsed(text, region)
    if number is None:
        raise BadInputError(
            _("phone: {text!r} is not a valid phone number").format(text=text)
            + ("" if region else _(" (write it with its country code, e.g. +49 ...)"))
            + "."
        )
    return number


_PHONE_CHARACTERS = frozenset("0123456789+-/(). ")


def phone_problem(text: str, region: str | None) -> str | None:
    """Why `text`, written like a phone number (digits, spaces, + - / ( ) .), is not a valid one; None when
    it is valid or is not written like a phone number at all (then it may be a member id such as `C0FFEE`)."""
    raw = text.strip()
    if sum(ch.isdigit() for ch in raw) < 3 or not set(raw) <= _PHONE_CHARACTERS:
        return None
    if " " not in raw and not raw.startswith(("+", "00", "0")):
        return None  # a plain number such as a customer number 100234 is an id
    return None if parse_phone(raw, region) else f"{raw!r} is not a valid phone number"


def parse_phone(text: str, region: str | None) -> str | None:
    """The E.164 form of `text`, or None when it is not a valid number of its region (`112` is not)."""
    number = _parsed(text, region)
    return None if number is None else _e164(number)


def _parsed(text: str, region: str | None) -> Any:
    """`text` as phonenumbers parses it, or None when it is not a valid number of its region."""
    raw = text.strip()
    if not raw or not any(ch.isdigit() for ch in raw) or any(ch.isalpha() for ch in raw):
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_forms(e164: str) -> str | None:
    """A number's region and how it is written at home and abroad, `DE|0170 1234567|+49 170 1234567`;
    storage keeps it beside the number (`member.phone_shown`), so showing a member needs no phonenumbers
    (~35 ms to load; `i18n.shown_phone` picks the form). None for a number phonenumbers cannot read."""
    import phonenumbers

    try:
        return forms_of(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def forms_of(number: Any) -> str:
    """`phone_forms` of a number phonenumbers has already parsed (a bulk import parses each number once)."""
    import phonenumbers

    region = phonenumbers.region_code_for_number(number) or ""
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{region}|{national}|{international}"


def written_forms(e164: str) -> set[str]:
    """How a phone number is commonly written, without spaces: `+491701234567`, `00491701234567`, `01701234567`."""
    import phonenumbers

    number = phonenumbers.parse(e164, None)
    national = "".join(
        ch for ch in phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL) if ch.isdigit()
    )
    return {e164, "00" + e164[1:], e164[1:], national}


def _e164(number: Any) -> str:
    import phonenumbers

    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
