"""A member's history as a statement reads it: entries of a period, the balance before it, stamps on cards,
open vouchers."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import func, select

from loyaltycli.storage.bulk import records_where
from loyaltycli.storage.models import LedgerEntry, Receipt, StampCount, Voucher
from loyaltycli.storage.records import Transaction, VoucherRecord


class EntryRow(NamedTuple):
    date: dt.date
    kind: str
    points: int
    receipt: str | None  # the receipt id it belongs to
    voucher: str | None  # the voucher code it belongs to
    ref: str | None
    note: str | None


def points_before(tx: Transaction, member_pk: int, day: dt.date) -> int:
    """The sum of the member's entries dated before `day`."""
    total = tx.conn.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
            LedgerEntry.member_pk == member_pk, LedgerEntry.business_date < day
        )
    )
    return int(total or 0)


def entries_between(tx: Transaction, member_pk: int, since: dt.date | None, until: dt.date | None) -> list[EntryRow]:
    """The member's entries from `since` to `until` (either open), by date and then as written."""
    query: Any = (
        select(
            LedgerEntry.business_date,
            LedgerEntry.kind,
            LedgerEntry.points,
            Receipt.receipt_id,
            Voucher.code,
            LedgerEntry.ref,
            LedgerEntry.note,
        )
        .outerjoin(Receipt, Receipt.pk == LedgerEntry.receipt_pk)
        .outerjoin(Voucher, Voucher.pk == LedgerEntry.voucher_pk)
        .where(LedgerEntry.member_pk == member_pk)
    )
    if since is not None:
        query = query.where(LedgerEntry.business_date >= since)
    if until is not None:
        query = query.where(LedgerEntry.business_date <= until)
    rows = tx.conn.execute(query.order_by(LedgerEntry.business_date, LedgerEntry.pk)).all()
    return [EntryRow(d, k, int(p), r, v, ref, note) for d, k, p, r, v, ref, note in rows]


def stamps_on_cards(tx: Transaction, member_pk: int | None) -> dict[str, int]:
    """Stamps on each of the member's cards (cards without a row have none)."""
    rows = tx.conn.execute(select(StampCount.card_id, StampCount.stamps).where(StampCount.member_pk == member_pk)).all()
    return {card: int(stamps) for card, stamps in rows}


def vouchers_open_on(tx: Transaction, member_pk: int, day: dt.date) -> list[VoucherRecord]:
    """The member's issued vouchers still valid on `day`, soonest to expire first."""
    still_valid = (Voucher.member_pk == member_pk) & (Voucher.status == "issued") & (Voucher.valid_until >= day)
    return records_where(tx, VoucherRecord, Voucher, still_valid, order=(Voucher.valid_until,))


class ReceiptRow(NamedTuple):
    receipt: str
    day: dt.date
    total_cents: int
    points: int
    kind: str


def latest_receipts(tx: Transaction, member_pk: int, count: int) -> list[ReceiptRow]:
    """The member's last `count` purchases and returns, newest first (refunds show on the receipt they refund;
    opening and merge records are no sales)."""
    rows = tx.conn.execute(
        select(
            Receipt.receipt_id,
            Receipt.local_date,
            Receipt.total_cents,
            Receipt.points,
            Receipt.kind,
        )
        .where(Receipt.member_pk == member_pk, Receipt.kind.in_(("purchase", "return")))
        .order_by(Receipt.occurred_at.desc(), Receipt.pk.desc())
        .limit(count)
    ).all()
    return [ReceiptRow(r, d, int(t), int(p), k) for r, d, t, p, k in rows]


def refunded_among(tx: Transaction, receipt_ids: list[str]) -> set[str]:
    """Which of these receipts have been refunded (wholly or in part)."""
    if not receipt_ids:
        return set()
    original = Receipt.__table__.alias("original")
    rows = tx.conn.execute(
        select(original.c.receipt_id)
        .join(Receipt, Receipt.refund_of_pk == original.c.pk)
        .where(original.c.receipt_id.in_(receipt_ids))
    ).all()
    return {r[0] for r in rows}
