"""What plans are made from and how a command posts them, and the ledger's look-ups.

A command reads the member's `holdings` (lots with points left, refund debt), lets `domain.plans` plan
its credits and debits, and posts them with `post_plans` (`posting.post`, a batch of one or a few).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from loyaltycli.domain.allocation import Lot
from loyaltycli.domain.plans import Booking as Booking  # where services find it, with holdings and post_plans
from loyaltycli.domain.plans import Holdings, Plan
from loyaltycli.storage.balances import stored_debt
from loyaltycli.storage.bulk import one_of, records_where
from loyaltycli.storage.models import LedgerEntry, LotUse, Member, PointLot
from loyaltycli.storage.posting import post
from loyaltycli.storage.records import EntryRecord, Transaction


def holdings(tx: Transaction, member_pk: int) -> Holdings:
    """The member's lots with points left and refund debt, as stored now: what a plan is made from."""
    return Holdings(member_pk, stored_debt(tx, member_pk), tuple(lots_held(tx, member_pk)))


def debts(tx: Transaction, member_pks: Sequence[int]) -> dict[int, int]:
    """The refund debt of each of many members who owe any (a cron job plans their credits at once)."""
    dialect = tx.conn.dialect.name
    query = select(Member.pk, Member.debt).where(one_of(Member.pk, member_pks, dialect), Member.debt > 0)
    return {int(pk or 0): int(debt) for pk, debt in tx.conn.execute(query)} if member_pks else {}


def post_plans(tx: Transaction, plans: Sequence[Plan]) -> list[int]:
    """Write the plans (`posting.post`); returns their entries' primary keys."""
    if not plans:
        return []
    return post(tx.conn, plans)


def lots_held(tx: Transaction, member_pk: int) -> list[Lot]:
    """Every lot of the member with points left, pending and past expiry too: what `allocate` chooses from."""
    rows = tx.conn.execute(
        select(PointLot.pk, PointLot.remaining, PointLot.available_on, PointLot.expires_on)
        .where(PointLot.member_pk == member_pk, PointLot.remaining > 0)
        .order_by(PointLot.pk)
    ).all()
    return [
        Lot(int(pk or 0), int(remaining), available_on, expires_on) for pk, remaining, available_on, expires_on in rows
    ]


def entry_with_key(tx: Transaction, key: str) -> EntryRecord | None:
    """The entry a `--key` was first used for, if any."""
    found = records_where(tx, EntryRecord, LedgerEntry, LedgerEntry.idempotency_key == key)
    return found[0] if found else None


def lots_spent_by(tx: Transaction, entry_pk: int) -> list[tuple[Lot, int]]:
    """The lots a debit consumed and how many points it took from each, in the order it took them."""
    rows = tx.conn.execute(
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
    return list(tx.conn.scalars(query))


def lots_of_receipt(tx: Transaction, receipt_pk: int | None, member_pk: int | None) -> list[int]:
    """The keys of the member's lots a receipt credited that still hold points, oldest first."""
    return list(
        tx.conn.scalars(
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
    return [int(pk or 0) for pk in tx.conn.scalars(select(PointLot.pk).where(PointLot.entry_pk == entry_pk))]
