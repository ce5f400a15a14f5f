"""Booking points: append-only entries, lots for credits, lot uses for debits.

Every credit is a lot; every debit consumes lots (SPEC §2: FIFO by expiry
date, then by age).  A refund that finds too few points leaves a debt on the
member that the next credits pay off first, so a lot is never consumed beyond
what it earned and the balance always equals the sum of the entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from loyaltycli.domain.points import debt_payoff
from loyaltycli.i18n import _
from loyaltycli.storage.models import LedgerEntry, LotUse, Member, PointLot
from loyaltycli.storage.writer import Booking as Booking  # where services find it, with credit and debit
from loyaltycli.storage.writer import LedgerWriter


def credit(
    session: Session,
    member: Member,
    kind: str,
    points: int,
    booking: Booking,
    available_on: dt.date,
    expires_on: dt.date | None,
) -> int:
    """Book `points` (> 0) as a new lot; an outstanding refund debt is paid off from it first. Returns the
    entry's primary key."""
    member_pk = _pk(member.pk)
    session.flush()  # what the command changed so far is in the database before the ledger rows refer to it
    writer = LedgerWriter(session.connection())
    (entry_pk,), (lot_pk,) = writer.entry_pks(1), writer.lot_pks(1)
    payoff = debt_payoff(member.debt, points)
    writer.write(
        [writer.entry_row(entry_pk, member_pk, kind, points, booking)],
        [writer.lot_row(lot_pk, member_pk, entry_pk, points, available_on, expires_on, points - payoff)],
    )
    if payoff:
        member.debt -= payoff
        writer.pay_debt(member_pk, lot_pk, payoff)
    session.flush()
    return entry_pk


def debit(
    session: Session,
    member: Member,
    kind: str,
    points: int,
    booking: Booking,
    lots: Sequence[PointLot],
    allow_debt: bool = False,
) -> int:
    """Book -`points`, consuming `lots` in the order given; the rest becomes debt if allowed. Returns the
    entry's primary key."""
    member_pk = _pk(member.pk)
    session.flush()
    writer = LedgerWriter(session.connection())
    (entry_pk,) = writer.entry_pks(1)
    uses = []
    left = points
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        if take <= 0:
            continue
        uses.append((_pk(lot.pk), entry_pk, take))
        lot.remaining -= take
        left -= take
    if left:
        if not allow_debt:
            raise AssertionError(_("debit beyond the lots given; callers check the balance first"))
        member.debt += left
    writer.write([writer.entry_row(entry_pk, member_pk, kind, -points, booking)], (), uses)
    session.flush()
    return entry_pk


def spendable_lots(session: Session, member_pk: int, today: dt.date) -> list[PointLot]:
    """Available, unexpired lots with points left, in the order they are spent (FIFO by expiry)."""
    return list(
        session.scalars(
            select(PointLot)
            .where(
                PointLot.member_pk == member_pk,
                PointLot.remaining > 0,
                PointLot.available_on <= today,
            )
            .where(or_(PointLot.expires_on.is_(None), PointLot.expires_on > today))
            .order_by(PointLot.expires_on.is_(None), PointLot.expires_on, PointLot.pk)
        )
    )


def pending_lots(session: Session, member_pk: int, today: dt.date) -> list[PointLot]:
    return list(
        session.scalars(
            select(PointLot)
            .where(
                PointLot.member_pk == member_pk,
                PointLot.remaining > 0,
                PointLot.available_on > today,
            )
            .where(or_(PointLot.expires_on.is_(None), PointLot.expires_on > today))
            .order_by(PointLot.available_on.desc(), PointLot.pk.desc())
        )
    )


def _pk(value: int | None) -> int:
    """The primary key of a flushed row."""
    assert value is not None
    return value


def entry_with_key(session: Session, key: str) -> LedgerEntry | None:
    """The entry a `--key` was first used for, if any."""
    return session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))


def lots_spent_by(session: Session, entry_pk: int) -> list[tuple[PointLot, int]]:
    """The lots a debit consumed and how many points it took from each, in the order it took them."""
    rows = session.execute(
        select(PointLot, LotUse.points)
        .join(LotUse, LotUse.lot_pk == PointLot.pk)
        .where(LotUse.entry_pk == entry_pk)
        .order_by(LotUse.pk)
    ).all()
    return [(lot, int(points)) for lot, points in rows]


def redemption_of(session: Session, voucher_pk: int) -> LedgerEntry | None:
    """The redeem entry that issued a voucher."""
    return session.scalar(select(LedgerEntry).where(LedgerEntry.voucher_pk == voucher_pk, LedgerEntry.kind == "redeem"))


def days_of_entries(session: Session, member_pk: int, kind: str, ref: str) -> list[dt.date]:
    """The business days of a member's entries of `kind` with `ref` (an action's earlier awards)."""
    query = select(LedgerEntry.business_date).where(
        LedgerEntry.member_pk == member_pk, LedgerEntry.kind == kind, LedgerEntry.ref == ref
    )
    return list(session.scalars(query))


def lots_of_receipt(session: Session, receipt_pk: int | None, member_pk: int | None) -> list[PointLot]:
    """The member's lots a receipt credited that still hold points, oldest first."""
    return list(
        session.scalars(
            select(PointLot)
            .join(LedgerEntry, LedgerEntry.pk == PointLot.entry_pk)
            .where(LedgerEntry.receipt_pk == receipt_pk, LedgerEntry.member_pk == member_pk)
            .where(PointLot.remaining > 0)
            .order_by(PointLot.pk)
        )
    )


def entries_of_receipt(session: Session, receipt_pk: int | None, kind: str) -> list[LedgerEntry]:
    return list(
        session.scalars(select(LedgerEntry).where(LedgerEntry.receipt_pk == receipt_pk, LedgerEntry.kind == kind))
    )


def lots_of_entry(session: Session, entry_pk: int | None) -> list[PointLot]:
    return list(session.scalars(select(PointLot).where(PointLot.entry_pk == entry_pk)))
