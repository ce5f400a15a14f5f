"""Every stored row that concerns one member, as plain column values (for `member export`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from loyaltycli.domain.purchase_plans import decode_lines
from loyaltycli.storage.models import LedgerEntry, Member, PointLot, Receipt, StampCount, Voucher
from loyaltycli.storage.records import MemberRecord, Transaction

Row = dict[str, Any]


@dataclass(frozen=True)
class MemberRows:
    member: Row
    receipts: list[Row]
    ledger: list[Row]
    lots: list[Row]
    vouchers: list[Row]
    stamp_cards: list[Row]


def _row(obj: Any, drop: tuple[str, ...] = (), table: Any = None) -> Row:
    """A row's columns in the table's order (always the same order, whatever was loaded first)."""
    names = [c.name for c in table.__table__.columns] if table is not None else list(obj._mapping)
    return {name: getattr(obj, name) for name in names if name not in drop}


def member_rows(tx: Transaction, member: MemberRecord) -> MemberRows:
    """The member's own row and its receipts (with their lines), entries, lots, vouchers and stamp cards,
    each in the order they were written; the member's key (`pk`) is left out of every row."""
    receipts = tx.conn.execute(select(Receipt).where(Receipt.member_pk == member.pk).order_by(Receipt.pk))
    return MemberRows(
        member=_row(member, ("pk", "email_key", "referred_by_pk", "phone_shown"), Member),
        receipts=[
            _row(r, ("member_pk", "lines")) | {"lines": [line._asdict() for line in decode_lines(r.lines)]}
            for r in receipts
        ],
        ledger=[_row(e, ("member_pk",)) for e in _of(tx, LedgerEntry, member)],
        lots=[_row(lot, ("member_pk",)) for lot in _of(tx, PointLot, member)],
        vouchers=[_row(v, ("member_pk",)) for v in _of(tx, Voucher, member)],
        stamp_cards=[
            _row(s, ("pk", "member_pk"))
            for s in tx.conn.execute(
                select(StampCount).where(StampCount.member_pk == member.pk).order_by(StampCount.pk)
            )
        ],
    )


def _of(tx: Transaction, model: Any, member: MemberRecord) -> list[Any]:
    return list(tx.conn.execute(select(model).where(model.member_pk == member.pk).order_by(model.pk)))
