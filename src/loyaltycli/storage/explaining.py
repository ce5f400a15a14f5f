"""What `explain` reads: a receipt with what was booked for it and against it, and a member's lots with
every entry that took from them, as plain values."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import select

from loyaltycli.storage.models import LedgerEntry, LotUse, Member, PointLot, Receipt, Voucher, aliased
from loyaltycli.storage.records import Transaction


class StoredReceiptFacts(NamedTuple):
    pk: int
    receipt_id: str
    kind: str
    member: str | None  # the member's id
    member_pk: int | None
    occurred_at: dt.datetime
    day: dt.date
    version: int
    channel: str | None
    total_cents: int
    eligible_cents: int
    points: int
    bonus_points: int
    tier: str | None
    lines: str
    refund_of: str | None  # the receipt id a refund refunds


class Use(NamedTuple):
    """Points an entry took from a lot (or, for a refund debt paid later, a lot paid to an entry)."""

    entry_pk: int
    kind: str
    day: dt.date
    points: int
    ref: str | None
    receipt: str | None
    voucher: str | None


class LotFacts(NamedTuple):
    pk: int
    entry_pk: int
    kind: str  # the credit's kind: earn, signup, referral, merge, ...
    day: dt.date
    receipt: str | None
    ref: str | None
    earned: int
    available_on: dt.date
    expires_on: dt.date | None
    remaining: int
    uses: tuple[Use, ...]  # what took from it, oldest first


class EntryFacts(NamedTuple):
    pk: int
    kind: str
    day: dt.date
    points: int
    receipt: str | None
    voucher: str | None
    ref: str | None
    taken: tuple[tuple[int, int], ...]  # (lot, points) a debit took, in order


def receipt_facts(tx: Transaction, receipt_id: str) -> StoredReceiptFacts | None:
    original = aliased(Receipt)
    row = tx.conn.execute(
        select(Receipt, Member.id.label("member_id"), original.receipt_id.label("refund_of"))
        .outerjoin(Member, Member.pk == Receipt.member_pk)
        .outerjoin(original, original.pk == Receipt.refund_of_pk)
        .where(Receipt.receipt_id == receipt_id)
    ).first()
    if row is None:
        return None
    r = row
    return StoredReceiptFacts(
        int(r.pk or 0),
        r.receipt_id,
        r.kind,
        r.member_id,
        r.member_pk,
        r.occurred_at,
        r.local_date,
        r.program_version,
        r.channel,
        r.total_cents,
        r.eligible_cents,
        r.points,
        r.bonus_points,
        r.tier,
        r.lines,
        r.refund_of,
    )


def refunds_of(tx: Transaction, receipt_pk: int) -> list[StoredReceiptFacts]:
    """The refunds booked against a receipt, oldest first."""
    ids = tx.conn.scalars(
        select(Receipt.receipt_id).where(Receipt.refund_of_pk == receipt_pk).order_by(Receipt.local_date, Receipt.pk)
    ).all()
    return [facts for receipt_id in ids if (facts := receipt_facts(tx, receipt_id)) is not None]


def entries_of_receipt(tx: Transaction, receipt_pk: int) -> list[EntryFacts]:
    """Every ledger entry booked for a receipt (its credits, or a refund's or return's debits)."""
    return _entries(tx, LedgerEntry.receipt_pk == receipt_pk)


def entries_of_member(tx: Transaction, member_pk: int) -> list[EntryFacts]:
    return _entries(tx, LedgerEntry.member_pk == member_pk)


def _entries(tx: Transaction, condition: object) -> list[EntryFacts]:
    rows = tx.conn.execute(
        select(
            LedgerEntry.pk,
            LedgerEntry.kind,
            LedgerEntry.business_date,
            LedgerEntry.points,
            Receipt.receipt_id,
            Voucher.code,
            LedgerEntry.ref,
        )
        .outerjoin(Receipt, Receipt.pk == LedgerEntry.receipt_pk)
        .outerjoin(Voucher, Voucher.pk == LedgerEntry.voucher_pk)
        .where(condition)  # type: ignore[arg-type]
        .order_by(LedgerEntry.pk)
    ).all()
    pks = [int(r[0] or 0) for r in rows]
    taken: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    if pks:
        for lot_pk, entry_pk, points in tx.conn.execute(
            select(LotUse.lot_pk, LotUse.entry_pk, LotUse.points).where(LotUse.entry_pk.in_(pks)).order_by(LotUse.pk)
        ).all():
            taken[int(entry_pk)].append((int(lot_pk), int(points)))
    return [
        EntryFacts(int(pk or 0), kind, day, int(points), receipt, voucher, ref, tuple(taken[int(pk or 0)]))
        for pk, kind, day, points, receipt, voucher, ref in rows
    ]


def lots(tx: Transaction, condition: object) -> list[LotFacts]:
    """Lots (of a member, or of a receipt's entries) with their origin and everything that took from them."""
    credit = aliased(LedgerEntry)
    rows = tx.conn.execute(
        select(
            PointLot.pk,
            PointLot.entry_pk,
            credit.kind,
            credit.business_date,
            Receipt.receipt_id,
            credit.ref,
            PointLot.earned,
            PointLot.available_on,
            PointLot.expires_on,
            PointLot.remaining,
        )
        .join(credit, credit.pk == PointLot.entry_pk)
        .outerjoin(Receipt, Receipt.pk == credit.receipt_pk)
        .where(condition)  # type: ignore[arg-type]
        .order_by(PointLot.pk)
    ).all()
    pks = [int(r[0] or 0) for r in rows]
    uses: defaultdict[int, list[Use]] = defaultdict(list)
    if pks:
        debit = aliased(LedgerEntry)
        for lot_pk, entry_pk, kind, day, points, ref, receipt, voucher in tx.conn.execute(
            select(
                LotUse.lot_pk,
                LotUse.entry_pk,
                debit.kind,
                debit.business_date,
                LotUse.points,
                debit.ref,
                Receipt.receipt_id,
                Voucher.code,
            )
            .join(debit, debit.pk == LotUse.entry_pk)
            .outerjoin(Receipt, Receipt.pk == debit.receipt_pk)
            .outerjoin(Voucher, Voucher.pk == debit.voucher_pk)
            .where(LotUse.lot_pk.in_(pks))
            .order_by(LotUse.pk)
        ).all():
            uses[int(lot_pk)].append(Use(int(entry_pk), kind, day, int(points), ref, receipt, voucher))
    return [
        LotFacts(int(pk or 0), int(e), k, d, rc, rf, int(earned), a, x, int(left), tuple(uses[int(pk or 0)]))
        for pk, e, k, d, rc, rf, earned, a, x, left in rows
    ]


def lots_of_member(tx: Transaction, member_pk: int) -> list[LotFacts]:
    return lots(tx, PointLot.member_pk == member_pk)


def lots_of_entries(tx: Transaction, entry_pks: list[int]) -> list[LotFacts]:
    return lots(tx, PointLot.entry_pk.in_(entry_pks)) if entry_pks else []


def lot_days(tx: Transaction, lot_pks: list[int]) -> dict[int, int]:
    """The credit entry of each lot (to tell points taken at a refund from debt paid by later credits)."""
    if not lot_pks:
        return {}
    rows = tx.conn.execute(select(PointLot.pk, PointLot.entry_pk).where(PointLot.pk.in_(lot_pks))).all()
    return {int(pk or 0): int(entry) for pk, entry in rows}
