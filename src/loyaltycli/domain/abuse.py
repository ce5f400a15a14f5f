"""What `report suspicious` flags (SPEC §3, `[abuse]`): pure rules over plain values, no database.

Storage hands in per-member counts and dates; these functions decide what is a
finding and word its detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from loyaltycli.i18n import N_

WINDOW_DAYS = 30
# The reasons as `--json` and `--csv` give them (the text report translates them).
REASON_RECEIPTS = N_("receipts per day")
REASON_REFUNDS = N_("refunds in 30 days")
REASON_REFERRAL = N_("self-referral")


Values = tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """One row of the report: who, which rule, on which day, and the figures behind it.

    `detail` is a message (marked for the catalogue) with its values apart, so that people read it in their
    language while `--json` and `--csv` keep the same English words and ISO dates in every language."""

    member: str
    reason: str
    date: dt.date
    template: str
    values: Values = ()
    name: str = ""
    contact: str = ""

    @property
    def detail(self) -> str:
        """The detail in English with ISO dates (what machines read)."""
        return self.template.format(**{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in self.values})


def _finding(member: str, reason: str, day: dt.date, template: str, **values: object) -> Finding:
    return Finding(member, reason, day, template, tuple(values.items()))


def too_many_receipts(counts: Iterable[tuple[str, dt.date, int]], limit: int) -> list[Finding]:
    """Members with more receipts on one day than `limit` (counts: member, day, receipts that day)."""
    return [
        _finding(member, REASON_RECEIPTS, day, N_("{count} receipts on one day (limit {limit})"), count=n, limit=limit)
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
                    _finding(
                        member,
                        REASON_REFUNDS,
                        day,
                        N_("{count} full refunds or returns from {first} to {last} (limit {limit})"),
                        count=count,
                        first=ordered[start],
                        last=day,
                        limit=limit,
                    )
                )
                reported_until = ordered[start] + dt.timedelta(days=WINDOW_DAYS - 1)
    return findings


def self_referral(referrer: Person, referee: Person, day: dt.date) -> Finding | None:
    """A referral between members who look like one person, as a finding on the referee, or None."""
    why = shared_identity(referrer, referee)
    if why is None:
        return None
    template, values = why
    return Finding(referee.id, REASON_REFERRAL, day, template, (("referrer", referrer.id), *values))


@dataclass(frozen=True, slots=True)
class Person:
    """What a referral is compared by: contact details and name with birthday."""

    id: str
    name: str
    email: str | None
    phone: str | None
    birthday: dt.date | None


def shared_identity(referrer: Person, referee: Person) -> tuple[str, Values] | None:
    """Why a referral looks like someone referring themselves (a message and its values; the message names the
    referrer as `{referrer}`), or None."""
    if referrer.phone and referrer.phone == referee.phone:
        return N_("referred by {referrer}: the same phone number {phone}"), (("phone", referee.phone),)
    if referrer.email and referee.email and mailbox(referrer.email) == mailbox(referee.email):
        return N_("referred by {referrer}: the same e-mail ({email}, {other})"), (
            ("email", referrer.email),
            ("other", referee.email),
        )
    if (
        referrer.birthday is not None
        and referrer.birthday == referee.birthday
        and " ".join(referrer.name.casefold().split()) == " ".join(referee.name.casefold().split())
    ):
        return N_("referred by {referrer}: the same name and birthday ({name}, {birthday})"), (
            ("name", referee.name),
            ("birthday", referee.birthday),
        )
    return None


GMAIL = {"gmail.com", "googlemail.com"}


def mailbox(email: str) -> str:
    """The mailbox an address delivers to: case ignored, `+tag` dropped, and dots in Gmail addresses."""
    local, _at, domain = email.casefold().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
