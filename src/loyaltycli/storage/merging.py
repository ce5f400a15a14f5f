"""The writes of `member merge`, in bulk (a member may have thousands of lots): append-only transfers.

Nothing of the ledger is updated in place except what `remaining` always tracks: OTHER's lots are
consumed by one `merge` entry (lot uses), and KEEP gets one `merge` entry and one new lot per lot, with
the lot's own available and expiry dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from loyaltycli.storage.bulk import Codec, reserve_ids, table_of
from loyaltycli.storage.models import Member, PointLot, Receipt, StampCount, Voucher
from loyaltycli.storage.receipts import insert_receipts
from loyaltycli.storage.records import MemberRecord, Transaction


def copy_history(tx: Transaction, other: MemberRecord, keep: MemberRecord, created_at: dt.datetime) -> int:
    """OTHER's receipts as KEEP's tier history: receipts of kind `merged` with their dates and signed
    qualifying spend and points, and a total of 0 (no revenue counts twice)."""
    rows = tx.conn.execute(
        select(
            Receipt.pk,
            Receipt.kind,
            Receipt.occurred_at,
            Receipt.local_date,
            Receipt.program_version,
            Receipt.eligible_cents,
            Receipt.points,
        ).where(Receipt.member_pk == other.pk)
    ).all()
    if not rows:
        return 0
    conn = tx.conn
    codec = Codec(conn)
    pks = reserve_ids(conn, table_of(Receipt), len(rows))
    sign = {"refund": -1, "return": -1}
    copies = [
        (
            pk,
            f"MERGED-{other.pk}-{r.pk}",
            "merged",
            keep.pk,
            codec.instant(r.occurred_at),
            codec.day(r.local_date),
            r.program_version,
            0,
            sign.get(r.kind, 1) * r.eligible_cents,
            sign.get(r.kind, 1) * r.points,
            0,
            0,
            0,
            "merge",
            codec.instant(created_at),
            "[]",
        )
        for pk, r in zip(pks, rows, strict=True)
    ]
    insert_receipts(
        conn,
        (
            "pk",
            "receipt_id",
            "kind",
            "member_pk",
            "occurred_at",
            "local_date",
            "program_version",
            "total_cents",
            "eligible_cents",
            "points",
            "bonus_points",
            "campaign_points",
            "stamps",
            "source",
            "created_at",
            "lines",
        ),
        copies,
    )
    return len(copies)


def move_stamps(tx: Transaction, other: MemberRecord, keep: MemberRecord) -> dict[str, int]:
    """OTHER's stamps per card, taken off OTHER (KEEP's new counts are set by the caller)."""
    counts = {
        str(card): int(n)
        for card, n in tx.conn.execute(
            select(StampCount.card_id, StampCount.stamps).where(StampCount.member_pk == other.pk, StampCount.stamps > 0)
        ).all()
    }
    if counts:
        tx.conn.execute(update(StampCount).where(StampCount.member_pk == other.pk).values(stamps=0))
    return counts


def move_vouchers_and_referrals(tx: Transaction, other: MemberRecord, keep: MemberRecord) -> int:
    """Open vouchers and the members OTHER referred now belong to KEEP."""
    moved = tx.conn.execute(
        update(Voucher).where(Voucher.member_pk == other.pk, Voucher.status == "issued").values(member_pk=keep.pk)
    )
    tx.conn.execute(update(Member).where(Member.referred_by_pk == other.pk).values(referred_by_pk=keep.pk))
    return int(moved.rowcount or 0)


def merged_holdings(tx: Transaction) -> list[tuple[Any, ...]]:
    """Merged members that still hold points, debt, stamps or open vouchers (verify, SPEC §6 item 6)."""
    lots = select(PointLot.member_pk).where(PointLot.remaining > 0)
    stamps = select(StampCount.member_pk).where(StampCount.stamps > 0)
    vouchers = select(Voucher.member_pk).where(Voucher.status == "issued")
    return list(
        tx.conn.execute(
            select(Member.id).where(
                Member.status == "merged",
                Member.pk.in_(lots) | Member.pk.in_(stamps) | Member.pk.in_(vouchers) | (Member.debt != 0),
            )
        ).all()
    )


def _pk(member: MemberRecord) -> int:
    assert member.pk is not None
    return member.pk
