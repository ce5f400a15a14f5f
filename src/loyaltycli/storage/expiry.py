"""The cron jobs' reads and writes: lots that fall due, the members holding them, birthdays to pay.

The rules (which day a lot or an inactive member's points lapse, what a
birthday pays) are the domain's and the service's; this module only finds
rows and writes the entries that empty lots.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, cast

from sqlalchemy import extract, func, select

from loyaltycli.domain.plans import DueLot
from loyaltycli.storage.models import LedgerEntry, Member, PointLot
from loyaltycli.storage.records import MemberRecord, Transaction


class LapseCandidate(NamedTuple):
    """A lot without an expiry date of a member whose last activity is at least a policy's months ago."""

    lot_pk: int
    member_pk: int
    remaining: int
    last_active: dt.date


def lock_due_members(tx: Transaction, day: dt.date, inactivity: bool) -> set[int] | None:
    """Hold the rows of members whose lots are due (in key order, as the tills do), so a purchase or
    redemption at the same moment waits instead of spending a lot this run is emptying.  SQLite's
    BEGIN IMMEDIATE already serialises writers; there this is a no-op (None: everything is locked)."""
    if tx.conn.dialect.name != "postgresql":
        return None
    due = select(PointLot.member_pk).where(
        PointLot.remaining > 0, PointLot.expires_on.is_not(None), PointLot.expires_on <= day
    )
    if inactivity:
        lapsed = select(PointLot.member_pk).where(PointLot.remaining > 0, PointLot.expires_on.is_(None))
        due = due.union(lapsed)  # type: ignore[assignment]
    locked = tx.conn.scalars(
        select(Member.pk).where(Member.pk.in_(due.scalar_subquery())).order_by(Member.pk).with_for_update()
    ).all()
    return {pk for pk in locked if pk is not None}


def lots_due(tx: Transaction, day: dt.date, member_pk: int | None = None) -> list[DueLot]:
    """Lots with points left whose expiry date is on or before `day` (of one member, when given)."""
    query = select(PointLot.pk, PointLot.member_pk, PointLot.remaining).where(
        PointLot.remaining > 0, PointLot.expires_on.is_not(None), PointLot.expires_on <= day
    )
    if member_pk is not None:
        query = query.where(PointLot.member_pk == member_pk)
    rows = tx.conn.execute(query.order_by(PointLot.member_pk, PointLot.pk)).all()
    return [DueLot(int(a or 0), int(b), int(c)) for a, b, c in rows]


def lots_held(tx: Transaction, member_pk: int) -> list[DueLot]:
    """Every lot of a member with points left (what an inactivity lapse empties)."""
    rows = tx.conn.execute(
        select(PointLot.pk, PointLot.member_pk, PointLot.remaining)
        .where(PointLot.member_pk == member_pk, PointLot.remaining > 0)
        .order_by(PointLot.pk)
    ).all()
    return [DueLot(int(a or 0), int(b), int(c)) for a, b, c in rows]


def lapse_candidates(tx: Transaction, inactive_since: dt.date) -> list[LapseCandidate]:
    """Lots without an expiry date of members last active (a purchase, else enrolment) on or before
    `inactive_since`; the exact lapse day is the caller's to check."""
    last = func.coalesce(Member.last_purchase_on, Member.enrolled_on)
    rows = tx.conn.execute(
        select(PointLot.pk, PointLot.member_pk, PointLot.remaining, last)
        .join(Member, Member.pk == PointLot.member_pk)
        .where(PointLot.remaining > 0, PointLot.expires_on.is_(None), last <= inactive_since)
        .order_by(PointLot.member_pk, PointLot.pk)
    ).all()
    return [LapseCandidate(int(a or 0), int(b), int(c), cast(dt.date, d)) for a, b, c, d in rows]


def latest_birthday_run(tx: Transaction) -> dt.date | None:
    """The as-of day of the latest birthday run that paid anyone."""
    return tx.conn.scalar(select(func.max(LedgerEntry.business_date)).where(LedgerEntry.kind == "birthday"))


def birthday_members(tx: Transaction, day: dt.date, ref: str, lock: bool) -> list[MemberRecord]:
    """Active members born in `day`'s month, enrolled by `day`, not yet paid the birthday entry `ref`."""
    paid = select(LedgerEntry.member_pk).where(LedgerEntry.kind == "birthday", LedgerEntry.ref == ref)
    from loyaltycli.storage.members import members_where

    born_then = (Member.status == "active") & (extract("month", Member.birthday) == day.month)
    return members_where(tx, born_then & (Member.enrolled_on <= day) & Member.pk.not_in(paid), for_update=lock)
