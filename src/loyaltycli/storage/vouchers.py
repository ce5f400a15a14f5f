"""Vouchers one at a time: issuing (`redeem`, a stamp card filled by `member merge`), finding, using,
cancelling, counting and listing them; and setting a stamp card's count.

Vouchers of purchases and imports are issued in bulk by `writer.PurchaseWriter`, through the same
`insert_vouchers` (the one insert into the table), as stamp counts go through `insert_stamp_counts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, insert, select, update

from loyaltycli.storage.bulk import Codec, Inserter, records_where, reserve_ids, table_of
from loyaltycli.storage.models import Member, StampCount, Voucher, VoucherUse
from loyaltycli.storage.records import Transaction, VoucherRecord

VOUCHER_COLUMNS = (
    "pk",
    "code",
    "member_pk",
    "reward_id",
    "kind",
    "value",
    "source",
    "issued_at",
    "issued_on",
    "valid_until",
    "status",
    "receipt_pk",
)
STAMP_COLUMNS = ("member_pk", "card_id", "stamps")


class IssuedVoucher(NamedTuple):
    pk: int
    code: str
    valid_until: dt.date


def insert_vouchers(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Vouchers as rows in VOUCHER_COLUMNS order (keys reserved, dates as `Codec` writes them)."""
    Inserter(conn, table_of(Voucher), VOUCHER_COLUMNS).run(rows)


def insert_stamp_counts(conn: Connection, rows: Sequence[tuple[int, str, int]]) -> None:
    """The first stamps of members' cards: (member, card, stamps)."""
    Inserter(conn, table_of(StampCount), STAMP_COLUMNS).run(rows)


def issue_voucher(
    tx: Transaction,
    code: str,
    member_pk: int,
    reward: tuple[str, str, str | None],  # (reward id, kind, value as text)
    source: str,
    issued_at: dt.datetime,
    valid: tuple[dt.date, dt.date],  # (issued on, valid until)
) -> IssuedVoucher:
    reward_id, kind, value = reward
    conn = tx.conn
    codec = Codec(conn)
    (pk,) = reserve_ids(conn, table_of(Voucher), 1)
    on, until = valid
    insert_vouchers(
        conn,
        [
            (
                pk,
                code,
                member_pk,
                reward_id,
                kind,
                value,
                source,
                codec.instant(issued_at),
                codec.day(on),
                codec.day(until),
                "issued",
                None,
            )
        ],
    )
    return IssuedVoucher(pk, code, until)


def set_stamps(tx: Transaction, member_pk: int, card_id: str, stamps: int) -> None:
    """The stamps on a member's card now (the row is made on the first stamp)."""
    card = (StampCount.member_pk == member_pk, StampCount.card_id == card_id)
    if tx.conn.execute(update(StampCount).where(*card).values(stamps=stamps)).rowcount == 0:
        insert_stamp_counts(tx.conn, [(member_pk, card_id, stamps)])


def take_stamps(tx: Transaction, member_pk: int, stamps: int) -> None:
    """Take up to `stamps` off the member's cards, as far as they are still on them."""
    left = stamps
    cards = tx.conn.execute(
        select(StampCount.pk, StampCount.stamps).where(StampCount.member_pk == member_pk).order_by(StampCount.pk)
    ).all()
    for pk, count in cards:
        take = min(count, left)
        if take:
            tx.conn.execute(update(StampCount).where(StampCount.pk == pk).values(stamps=count - take))
        left -= take


def voucher_by_pk(tx: Transaction, pk: int) -> VoucherRecord | None:
    found = records_where(tx, VoucherRecord, Voucher, Voucher.pk == pk)
    return found[0] if found else None


def voucher_with_code(tx: Transaction, code: str) -> VoucherRecord | None:
    found = records_where(tx, VoucherRecord, Voucher, Voucher.code == code)
    return found[0] if found else None


def lock_stock(tx: Transaction, reward_id: str) -> None:
    """Hold a reward's stock until the transaction ends: on PostgreSQL two tills redeeming the last item at
    once queue here, and the second counts the first's voucher (SQLite's BEGIN IMMEDIATE already serialises
    writers). The reward lives in the programme, not in a table, so this is a transaction-scoped advisory
    lock on its id; redeem takes it after the member's row lock, always in that order."""
    if tx.conn.dialect.name == "postgresql":
        tx.conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended("reward-stock:" + reward_id, 0))))


def redeemed_count(tx: Transaction, reward_id: str) -> int:
    """Vouchers of a reward issued by `redeem` and not cancelled (what its stock counts)."""
    issued = tx.conn.scalar(
        select(func.count())
        .select_from(Voucher)
        .where(Voucher.reward_id == reward_id, Voucher.source == "redeem", Voucher.status != "cancelled")
    )
    return int(issued or 0)


def change_if_issued(tx: Transaction, voucher: VoucherRecord, **values: Any) -> tuple[bool, VoucherRecord]:
    """Set `values` on the voucher only if it is still `issued` (of two tills changing one voucher at the same
    moment, the second finds no row: PostgreSQL re-checks the condition after the first commits). Whether
    this call changed it, and the voucher as now stored."""
    changed = tx.conn.execute(
        update(Voucher).where(Voucher.pk == voucher.pk, Voucher.status == "issued").values(**values)
    )
    now_stored = voucher_by_pk(tx, voucher.pk)
    assert now_stored is not None, "vouchers are never deleted"
    return bool(changed.rowcount == 1), now_stored


def record_use(tx: Transaction, voucher: VoucherRecord, used_at: dt.datetime, receipt: str | None) -> bool:
    """Record the voucher's one use; False when another use was recorded first (the unique index)."""
    from sqlalchemy.exc import IntegrityError

    try:
        with tx.conn.begin_nested():
            tx.conn.execute(insert(VoucherUse).values(voucher_pk=voucher.pk, used_at=used_at, receipt=receipt))
    except IntegrityError:
        return False
    return True


def vouchers_listed(
    tx: Transaction, member_pk: int | None, status: str | None, today: dt.date
) -> list[tuple[VoucherRecord, str]]:
    """Vouchers with their member's id, newest first; of one member, and of one status (valid, used, expired,
    cancelled: valid and expired are issued vouchers before and after their last day)."""
    query = select(*table_of(Voucher).columns, Member.id.label("member_id")).join(
        Member, Member.pk == Voucher.member_pk
    )
    if member_pk is not None:
        query = query.where(Voucher.member_pk == member_pk)
    if status in ("used", "cancelled"):
        query = query.where(Voucher.status == status)
    elif status == "valid":
        query = query.where(Voucher.status == "issued", Voucher.valid_until >= today)
    elif status == "expired":
        query = query.where(Voucher.status == "issued", Voucher.valid_until < today)
    rows = tx.conn.execute(query.order_by(Voucher.issued_at.desc(), Voucher.pk.desc())).all()
    return [(VoucherRecord(*row[:-1]), str(row.member_id)) for row in rows]
