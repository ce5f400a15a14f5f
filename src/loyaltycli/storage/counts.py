"""How many rows a database holds: for `info`, and for the warning before `init --force` replaces it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loyaltycli.storage.models import LedgerEntry, Member, PointLot, Receipt, Voucher

COUNTED = {
    "members": Member,
    "receipts": Receipt,
    "ledger_entries": LedgerEntry,
    "lots": PointLot,
    "vouchers": Voucher,
}


def count_of(session: Session, name: str) -> int:
    """Rows of one of the COUNTED tables."""
    return int(session.scalar(select(func.count()).select_from(COUNTED[name])) or 0)


def row_counts(session: Session) -> dict[str, int]:
    """Members, receipts, ledger entries, lots and vouchers, in that order."""
    return {name: count_of(session, name) for name in COUNTED}


def points_held(session: Session) -> int:
    """The points left in all lots (what replacing the database would lose)."""
    return int(session.scalar(select(func.coalesce(func.sum(PointLot.remaining), 0))) or 0)
