"""`member export`: every row that concerns one member, as JSON-ready data."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from loyaltycli.storage.models import LedgerEntry, Member, PointLot, Receipt, StampCount, Voucher
from loyaltycli.storage.writer import decode_lines

if TYPE_CHECKING:
    from loyaltycli.services.members import MemberView


def _row(obj: Any, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in obj.model_dump().items() if k not in drop}


def member_export(session: Session, member: Member, view: MemberView) -> dict[str, Any]:
    receipts = list(
        session.scalars(select(Receipt).where(col(Receipt.member_pk) == member.pk).order_by(col(Receipt.pk)))
    )
    by_receipt = {r.pk or 0: [line._asdict() for line in decode_lines(r.lines)] for r in receipts}
    return {
        "member": _row(member, ("pk", "email_key", "referred_by_pk")) | {"referred_by": view.referred_by},
        "tier": view.tier,
        "points": asdict(view.balances),
        "stamps": view.stamps,
        "receipts": [_row(r, ("member_pk", "lines")) | {"lines": by_receipt.get(r.pk or 0, [])} for r in receipts],
        "ledger": [
            _row(e, ("member_pk",))
            for e in session.scalars(
                select(LedgerEntry).where(col(LedgerEntry.member_pk) == member.pk).order_by(col(LedgerEntry.pk))
            )
        ],
        "lots": [
            _row(lot, ("member_pk",))
            for lot in session.scalars(
                select(PointLot).where(col(PointLot.member_pk) == member.pk).order_by(col(PointLot.pk))
            )
        ],
        "vouchers": [
            _row(v, ("member_pk",))
            for v in session.scalars(
                select(Voucher).where(col(Voucher.member_pk) == member.pk).order_by(col(Voucher.pk))
            )
        ],
        "stamp_cards": [
            _row(s, ("pk", "member_pk"))
            for s in session.scalars(select(StampCount).where(col(StampCount.member_pk) == member.pk))
        ],
    }
