"""Enrolment's rules, once for every way a member comes in (`enroll`, the counter screen, `member import`,
`import --enroll-unknown`): the id a member gets, whether a reference can become a contact, a birthday that
cannot be, and the signup bonus of a day."""

from __future__ import annotations

import datetime as dt

from loyaltycli.domain.contacts import email_problem
from loyaltycli.domain.expiry import lot_expiry
from loyaltycli.domain.phones import phone_problem
from loyaltycli.domain.program import Program


def member_id_for(pk: int) -> str:
    """The id a member gets when none is given: `M000123`, from the row's key."""
    return f"M{pk:06d}"


def reference_problem(ref: str, region: str | None) -> str | None:
    """Why a sale's member reference cannot enrol a new member as its e-mail or phone (the validation of
    `enroll --email` and `--phone`), or None; a reference that is neither is taken as an id."""
    return email_problem(ref.strip()) if "@" in ref else phone_problem(ref, region)


def birthday_problem(birthday: dt.date | None, today: dt.date) -> bool:
    """A birthday after today cannot be one."""
    return birthday is not None and birthday > today


def signup_bonus(program: Program, day: dt.date) -> tuple[int, dt.date | None]:
    """The points a member enrolled on `day` is given, and when they expire (0: the programme gives none)."""
    return program.bonuses.signup, lot_expiry(program.expiry, day)
