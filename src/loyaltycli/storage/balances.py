"""A member's points as SPEC §3 `member show` reports them, from lots and entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from loyaltycli.storage.models import CREDIT_KINDS, REDEEM_KINDS, LedgerEntry, Member, PointLot
from loyaltycli.storage.records import MemberRecord, Transaction


@dataclass(frozen=True)
class Balances:
    available: int
    pending: int
    lifetime_earned: int
    redeemed: int
    expired: int
    past_expiry: int
    expiring: list[tuple[dt.date, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The sum of all ledger entries: available + pending + past expiry not yet removed."""
        return self.available + self.pending + self.past_expiry


def member_balances(tx: Transaction, member: MemberRecord, today: dt.date, lapse_on: dt.date | None = None) -> Balances:
    """Balances on `today`.  `lapse_on`: the day all points lapse (inactivity policy), if any."""
    available, pending, past, expiring = _lot_balances(tx, member, today, lapse_on)
    totals = tx.conn.execute(
        select(
            func.coalesce(
                func.sum(
                    case(
                        (
                            LedgerEntry.kind.in_(CREDIT_KINDS) & (LedgerEntry.points > 0),
                            LedgerEntry.points,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(func.sum(case((LedgerEntry.kind.in_(REDEEM_KINDS), -LedgerEntry.points), else_=0)), 0),
            func.coalesce(func.sum(case((LedgerEntry.kind == "expire", -LedgerEntry.points), else_=0)), 0),
        ).where(LedgerEntry.member_pk.in_(_with_merged(tx, member.pk)))
    ).one()
    # Lifetime figures include the members merged into this one: their points moved here, and the
    # customer earned, redeemed and lost what they did under both records.
    return Balances(
        available=available - stored_debt(tx, member.pk),
        pending=pending,
        lifetime_earned=int(totals[0]),
        redeemed=int(totals[1]),
        expired=int(totals[2]),
        past_expiry=past,
        expiring=expiring,
    )


def available_points(tx: Transaction, member: MemberRecord, today: dt.date) -> int:
    """`member_balances(...).available` from the lots alone, without the lifetime totals (what `purchase`
    reports after booking; a purchase starts the inactivity clock again, so nothing has lapsed)."""
    return _lot_balances(tx, member, today, None)[0] - stored_debt(tx, member.pk)


def stored_debt(tx: Transaction, member_pk: int | None) -> int:
    """The member's debt as stored now: the posting code pays debts with SQL, so an object read before a
    purchase in the same transaction may still carry the debt as it was."""
    return int(tx.conn.scalar(select(Member.debt).where(Member.pk == member_pk)) or 0)


def _lot_balances(
    tx: Transaction, member: MemberRecord, today: dt.date, lapse_on: dt.date | None
) -> tuple[int, int, int, list[tuple[dt.date, int]]]:
    """Available, pending and past-expiry points of the member's open lots, and what falls due on which day."""
    lapsed = lapse_on is not None and lapse_on <= today
    lots = tx.conn.execute(
        select(PointLot.available_on, PointLot.expires_on, PointLot.remaining).where(
            PointLot.member_pk == member.pk, PointLot.remaining > 0
        )
    ).all()
    available = pending = past = 0
    expiring: dict[dt.date, int] = {}
    for available_on, expires_on, remaining in lots:
        if lapsed or (expires_on is not None and expires_on <= today):
            past += remaining
            continue
        if available_on > today:
            pending += remaining
        else:
            available += remaining
        due = expires_on or lapse_on
        if due is not None:
            expiring[due] = expiring.get(due, 0) + remaining
    return available, pending, past, sorted(expiring.items())


def _with_merged(tx: Transaction, pk: int | None) -> list[int]:
    """The member and every member merged into it, also through earlier merges."""
    found: list[int] = [pk] if pk is not None else []
    frontier = list(found)
    while frontier:
        rows = tx.conn.scalars(select(Member.pk).where(Member.merged_into_pk.in_(frontier))).all()
        frontier = [p for p in rows if p is not None and p not in found]
        found += frontier
    return found
