"""What `report suspicious` flags (SPEC §3, `[abuse]`): pure rules over plain values, no database.

Storage hands in per-member counts and dates; these functions decide what is a
finding and word its detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class Finding:
    """One row of the report: who, which rule, on which day, and the figures behind it."""

    member: str
    reason: str
    date: dt.date
    detail: str


def too_many_receipts(counts: Iterable[tuple[str, dt.date, int]], limit: int) -> list[Finding]:
    """Members with more receipts on one day than `limit` (counts: member, day, receipts that day)."""
    return [
        Finding(member, "receipts per day", day, f"{n} receipts on one day (limit {limit})")
        for member, day, n in counts
        if n > limit
    ]


def too_many_refunds(dates: dict[str, list[dt.date]], limit: int) -> list[Finding]:
    """Members with more full refunds or returns than `limit` within any 30 days; one finding per member
    and 30-day stretch, on the day the limit was passed."""
    findings = []
    for member, days in dates.items():
        ordered = sorted(days)
        start = 0
        reported_until: dt.date | None = None
        for end, day in enumerate(ordered):
            while (day - ordered[start]).days >= WINDOW_DAYS:
                start += 1
            count = end - start + 1
            if count > limit and (reported_until is None or day > reported_until):
                findings.append(
                    Finding(
                        member,
                        "refunds in 30 days",
                        day,
                        f"{count} full refunds or returns from {ordered[start].isoformat()} to {day.isoformat()} "
                        f"(limit {limit})",
                    )
                )
                reported_until = ordered[start] + dt.timedelta(days=WINDOW_DAYS - 1)
    return findings


@dataclass(frozen=True, slots=True)
class Person:
    """What a referral is compared by: contact details and name with birthday."""

    id: str
    name: str
    email: str | None
    phone: str | None
    birthday: dt.date | None


def shared_identity(referrer: Person, referee: Person) -> str | None:
    """Why a referral looks like someone referring themselves, or None."""
    if referrer.phone and referrer.phone == referee.phone:
        return f"the same phone number {referee.phone}"
    if referrer.email and referee.email and mailbox(referrer.email) == mailbox(referee.email):
        return f"the same e-mail ({referrer.email}, {referee.email})"
    if (
        referrer.birthday is not None
        and referrer.birthday == referee.birthday
        and " ".join(referrer.name.casefold().split()) == " ".join(referee.name.casefold().split())
    ):
        return f"the same name and birthday ({referee.name}, {referee.birthday.isoformat()})"
    return None


GMAIL = {"gmail.com", "googlemail.com"}


def mailbox(email: str) -> str:
    """The mailbox an address delivers to: case ignored, `+tag` dropped, and dots in Gmail addresses."""
    local, _at, domain = email.casefold().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
