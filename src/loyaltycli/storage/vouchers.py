"""Issuing a single voucher (`redeem`, a stamp card filled by `member merge`) and setting a stamp card's count.

Vouchers of purchases and imports are issued in bulk by `writer.PurchaseWriter`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from loyaltycli.storage.models import StampCount, Voucher


def issue_voucher(
    session: Session,
    code: str,
    member_pk: int,
    reward: tuple[str, str, str | None],  # (reward id, kind, value as text)
    source: str,
    issued_at: dt.datetime,
    valid: tuple[dt.date, dt.date],  # (issued on, valid until)
) -> Voucher:
    reward_id, kind, value = reward
    voucher = Voucher(
        code=code,
        member_pk=member_pk,
        reward_id=reward_id,
        kind=kind,
        value=value,
        source=source,
        issued_at=issued_at,
        issued_on=valid[0],
        valid_until=valid[1],
    )
    session.add(voucher)
    session.flush()
    return voucher


def set_stamps(session: Session, member_pk: int, card_id: str, stamps: int) -> None:
    """The stamps on a member's card now (the row is made on the first stamp)."""
    row = session.scalar(
        select(StampCount).where(col(StampCount.member_pk) == member_pk, col(StampCount.card_id) == card_id)
    )
    if row is None:
        session.add(StampCount(member_pk=member_pk, card_id=card_id, stamps=stamps))
    else:
        row.stamps = stamps
    session.flush()
