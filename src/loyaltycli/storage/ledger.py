"""Single credits and debits of the commands that book one entry, and the ledger's look-ups.

Every credit is a lot; every debit consumes lots in the order a policy of
`domain.allocation` gives.  A refund that finds too few points leaves a debt on the
member that the next credits pay off first, so a lot is never consumed beyond
what it earned and the balance always equals the sum of the entries.  Both are
written by `posting.post`, as a batch of one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from loyaltycli.domain.allocation import Allocation, Lot, debt_payoff
from loyaltycli.storage.balances import stored_debt
from loyaltycli.storage.bulk import records_where
from loyaltycli.storage.models import LedgerEntry, LotUse, PointLot
from loyaltycli.storage.posting import Booking as Booking  # where services find it, with credit and debit
from loyaltycli.storage.posting import Credit, Debit, post
from loyaltycli.storage.records import EntryRecord, MemberRecord, Transaction


def credit(
    tx: Transaction,
    member: MemberRecord,
    kind: str,
    points: int,
    booking: Booking,
    available_on: dt.date,
    expires_on: dt.date | None,
) -> int:
    """Book `points` (> 0) as a new lot; an outstanding refund debt is paid off from it first. Returns the
    entry's primary key."""
    member_pk = _pk(member.pk)
    tx.orm.flush()  # what the command changed so far is in the database before the ledger rows refer to it
    payoff = debt_payoff(stored_debt(tx, member_pk), points)
    (entry_pk,) = post(
        tx.orm.connection(), [Credit(member_pk, kind, points, booking, available_on, expires_on, payoff)]
    )
    return entry_pk


def debit(tx: Transaction, member: MemberRecord, kind: str, booking: Booking, allocation: Allocation) -> int:
    """Book what `allocation` takes from the member's lots (and leaves as debt). Returns the entry's
    primary key."""
    member_pk = _pk(member.pk)
    tx.orm.flush()
    points = allocation.taken + allocation.debt
    (entry_pk,) = post(tx.orm.connection(), [Debit(member_pk, kind, points, booking, allocation.uses, allocation.debt)])
    return entry_pk


def lots_held(tx: Transaction, member_pk: int) -> list[Lot]:
    """Every lot of the member with points left, pending and past expiry too: what `allocate` chooses from."""
    rows = tx.orm.execute(
        select(PointLot.pk, PointLot.remaining, PointLot.available_on, PointLot.expires_on)
        .where(PointLot.member_pk == member_pk, PointLot.remaining > 0)
        .order_by(PointLot.pk)
    ).all()
    return [
        Lot(int(pk or 0), int(remaining), available_on, expires_on) for pk, remaining, available_on, expires_on in rows
    ]


def _pk(value: int | None) -> int:
    """The primary key of a flushed row."""
    assert value is not None
    return value


def entry_with_key(tx: Transaction, key: str) -> EntryRecord | None:
    """The entry a `--key` was first used for, if any."""
    found = records_where(tx, EntryRecord, LedgerEntry, LedgerEntry.idempotency_key == key)
    return found[0] if found else None


def lots_spent_by(tx: Transaction, entry_pk: int) -> list[tuple[Lot, int]]:
    """The lots a debit consumed and how many points it took from each, in the order it took them."""
    rows = tx.orm.execute(
        select(PointLot.pk, PointLot.remaining, PointLot.available_on, PointLot.expires_on, LotUse.points)
        .join(LotUse, LotUse.lot_pk == PointLot.pk)
        .where(LotUse.entry_pk == entry_pk)
        .order_by(LotUse.pk)
    ).all()
    return [
        (Lot(int(pk or 0), int(left), available_on, expires_on), int(points))
        for pk, left, available_on, expires_on, points in rows
    ]


def redemption_of(tx: Transaction, voucher_pk: int) -> EntryRecord | None:
    """The redeem entry that issued a voucher."""
    found = records_where(
        tx, EntryRecord, LedgerEntry, (LedgerEntry.voucher_pk == voucher_pk) & (LedgerEntry.kind == "redeem")
    )
    return found[0] if found else None


def days_of_entries(tx: Transaction, member_pk: int, kind: str, ref: str) -> list[dt.date]:
    """The business days of a member's entries of `kind` with `ref` (an action's earlier awards)."""
    query = select(LedgerEntry.business_date).where(
        LedgerEntry.member_pk == member_pk, LedgerEntry.kind == kind, LedgerEntry.ref == ref
    )
    return list(tx.orm.scalars(query))


def lots_of_receipt(tx: Transaction, receipt_pk: int | None, member_pk: int | None) -> list[int]:
    """The keys of the member's lots a receipt credited that still hold points, oldest first."""
    return list(
        tx.orm.scalars(
            select(PointLot.pk)
            .join(LedgerEntry, LedgerEntry.pk == PointLot.entry_pk)
            .where(LedgerEntry.receipt_pk == receipt_pk, LedgerEntry.member_pk == member_pk)
            .where(PointLot.remaining > 0)
            .order_by(PointLot.pk)
        )
    )


def entries_of_receipt(tx: Transaction, receipt_pk: int | None, kind: str) -> list[EntryRecord]:
    return records_where(
        tx, EntryRecord, LedgerEntry, (LedgerEntry.receipt_pk == receipt_pk) & (LedgerEntry.kind == kind)
    )


def lots_of_entry(tx: Transaction, entry_pk: int | None) -> list[int]:
    """The keys of the lots an entry opened."""
    return [int(pk or 0) for pk in tx.orm.scalars(select(PointLot.pk).where(PointLot.entry_pk == entry_pk))]
