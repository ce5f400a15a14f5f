"""Every change of points as a plan: what to book, worked out from a frozen picture of the member's points.

A plan is a `Credit` (a new lot; part of it may pay the member's refund debt) or a `Debit` (points taken from
lots as `domain.allocation.allocate` decided; what no lot held may become debt). `storage.posting.post`
writes a list of plans, one or thousands, and nothing else writes points. The functions here are pure: a
member's `Holdings` and the command's input in, plans out, so that a command is a batch of one and a test
can compare one plan at a time with a batch of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from loyaltycli.domain.allocation import Lot, allocate, debt_payoff


@dataclass(frozen=True)
class Booking:
    """What an entry is about: the rules version, the command, and what it belongs to."""

    version: int
    command: str
    business_date: dt.date
    created_at: dt.datetime
    receipt_pk: int | None = None
    voucher_pk: int | None = None
    ref: str | None = None
    note: str | None = None
    key: str | None = None  # `redeem --key`: a retry finds this entry instead of spending again


class Credit(NamedTuple):
    """`points` (> 0) booked to a member as a new lot; `payoff` of them pay the member's refund debt."""

    member_pk: int
    kind: str
    points: int
    booking: Booking
    available_on: dt.date
    expires_on: dt.date | None
    payoff: int = 0


class Debit(NamedTuple):
    """-`points` booked to a member, taken from lots as `uses` (lot, points) say; `debt` no lot held."""

    member_pk: int
    kind: str
    points: int
    booking: Booking
    uses: tuple[tuple[int, int], ...]
    debt: int = 0


Plan = Credit | Debit


@dataclass(frozen=True, slots=True)
class Holdings:
    """A member's points as a plan needs them: every lot with points left (pending and past expiry too),
    and the refund debt that new points pay first."""

    member_pk: int
    debt: int
    lots: tuple[Lot, ...] = ()


class DueLot(NamedTuple):
    """A lot whose points an expiry run (or an erasure) removes, with what is left in it."""

    lot_pk: int
    member_pk: int
    remaining: int


class Grant(NamedTuple):
    """Points to credit, usable from `available_on` and valid until `expires_on` (None: no expiry)."""

    points: int
    available_on: dt.date
    expires_on: dt.date | None


def credits(holdings: Holdings, kind: str, booking: Booking, grants: Iterable[Grant]) -> list[Credit]:
    """A credit per grant, in order; each pays what is left of the debt before it opens its lot."""
    debt = holdings.debt
    planned = []
    for grant in grants:
        payoff = debt_payoff(debt, grant.points)
        debt -= payoff
        planned.append(Credit(holdings.member_pk, kind, grant.points, booking, *grant[1:], payoff))
    return planned


def credit(holdings: Holdings, kind: str, booking: Booking, grant: Grant) -> Credit:
    """One credit (signup, birthday, award, adjust, erase write-off): `credits` with one grant."""
    return credits(holdings, kind, booking, [grant])[0]


def debit(
    holdings: Holdings,
    kind: str,
    booking: Booking,
    points: int,
    on: dt.date,
    policy: str = "fifo",
    own: Sequence[int] = (),
    into_debt: bool = False,
) -> Debit:
    """Take `points` from the member's lots as `policy` orders them (redeem, adjust, refund, return, merge);
    with `into_debt`, what the lots do not hold becomes debt."""
    taken = allocate(list(holdings.lots), points, on, policy, own, into_debt)
    return Debit(holdings.member_pk, kind, taken.taken + taken.debt, booking, taken.uses, taken.debt)


def returned(holdings: Holdings, booking: Booking, spent: Iterable[tuple[Lot, int]], today: dt.date) -> list[Credit]:
    """A cancelled voucher's points back, with the available and expiry dates of the lots they came from;
    what is past expiry by now stays expired."""
    back = [Grant(points, lot.available_on, lot.expires_on) for lot, points in spent if not _expired(lot, today)]
    return credits(holdings, "cancel", booking, back)


def _expired(lot: Lot, today: dt.date) -> bool:
    return lot.expires_on is not None and lot.expires_on <= today


def expired(due: Iterable[DueLot], booking: Booking) -> list[Debit]:
    """One debit per member emptying the member's due lots, in the order given (`booking.command` "expire":
    the nightly run; "erase": what an erased member held, which nobody can redeem any more)."""
    by_member: dict[int, list[DueLot]] = {}
    for lot in due:
        by_member.setdefault(lot.member_pk, []).append(lot)
    return [
        Debit(
            member_pk,
            booking.command,
            sum(lot.remaining for lot in lots),
            booking,
            tuple((lot.lot_pk, lot.remaining) for lot in lots),
        )
        for member_pk, lots in by_member.items()
    ]


def expiry_booking(version: int, kind: str, day: dt.date, created_at: dt.datetime) -> Booking:
    """What an expiry run's entries are about: `as-of:DAY` names the run (an erasure's: `erase`)."""
    return Booking(version, kind, day, created_at, ref=f"as-of:{day.isoformat()}" if kind == "expire" else kind)


def transferred(other: Holdings, keep: Holdings, booking: Booking) -> list[Plan]:
    """`member merge`: every point OTHER still holds (available, pending, or past expiry and not yet removed)
    taken by one `merge` debit, and a credit to KEEP per lot with the lot's own dates (paying KEEP's debt
    first, as every credit does)."""
    held = [lot for lot in other.lots if lot.remaining > 0]
    if not held:
        return []
    uses = tuple((lot.pk, lot.remaining) for lot in held)
    taken = Debit(other.member_pk, "merge", sum(lot.remaining for lot in held), booking, uses)
    return [
        taken,
        *credits(keep, "merge", booking, [Grant(lot.remaining, lot.available_on, lot.expires_on) for lot in held]),
    ]


def debt_taken_over(other: Holdings, keep: Holdings, booking: Booking) -> list[Plan]:
    """`member merge`, after the transfer (KEEP's holdings read again: the lots it was given are among them):
    OTHER's refund debt becomes KEEP's, cleared on OTHER by a `merge` credit and taken from KEEP's lots
    (pending first, then by expiry) by a `merge` debit; what KEEP does not hold is KEEP's debt."""
    if other.debt <= 0:
        return []
    day = booking.business_date
    cleared = credit(other, "merge", booking, Grant(other.debt, day, None))
    return [cleared, debit(keep, "merge", booking, other.debt, day, "pending_first", into_debt=True)]
