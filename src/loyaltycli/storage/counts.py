"""How many rows a database holds: for `info`, and for the warning before `init --force` replaces it."""

from __future__ import annotations

from sqlalchemy import func, select

from loyaltycli.storage.models import LedgerEntry, Member, PointLot, Receipt, Voucher
from loyaltycli.storage.records import Transaction

COUNTED = {
    "members": Member,
    "receipts": Receipt,
    "ledger_entries": LedgerEntry,
    "lots": PointLot,
    "vouchers": Voucher,
}


def count_of(tx: Transaction, name: str) -> int:
    """Rows of one of the COUNTED tables."""
    return int(tx.conn.scalar(select(func.count()).select_from(COUNTED[name])) or 0)


def row_counts(tx: Transaction) -> dict[str, int]:
    """Members, receipts, ledger entries, lots and vouchers, in that order."""
    return {name: count_of(tx, name) for name in COUNTED}


def points_held(tx: Transaction) -> int:
    """The points left in all lots (what replacing the database would lose)."""
    return int(tx.conn.scalar(select(func.coalesce(func.sum(PointLot.remaining), 0))) or 0)
