"""The posting engine: the one place that writes points.

`post(conn, plans)` applies planned credits and debits, one or thousands, in
one go: ledger entries, the lots credits open, the lot uses debits take, each
lot's `remaining` and each member's `debt`.  Nothing else inserts into the
ledger's three tables or changes `remaining` or `debt`
(tests/test_architecture.py plants a violation of each rule and fails on it).

A credit's `payoff` is the part of its points that pays the member's refund
debt (the lot opens with the rest, and lot uses record which refunds it paid);
a debit's `uses` are what `domain.allocation.allocate` decided, and its `debt`
what no lot held.  `PurchaseWriter` (writer.py) posts the credits of a batch
of receipts through the same `Posting`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from loyaltycli.domain.plans import Booking as Booking
from loyaltycli.domain.plans import Credit as Credit
from loyaltycli.domain.plans import Debit as Debit
from loyaltycli.storage.bulk import Codec, Inserter, execute_many, reserve_ids, table_of
from loyaltycli.storage.models import DEBT_KINDS, LedgerEntry, LotUse, PointLot

ENTRY_COLUMNS = (
    "pk",
    "member_pk",
    "kind",
    "points",
    "business_date",
    "created_at",
    "program_version",
    "command",
    "receipt_pk",
    "voucher_pk",
    "ref",
    "note",
    "idempotency_key",
)
LOT_COLUMNS = ("pk", "member_pk", "entry_pk", "earned", "available_on", "expires_on", "remaining")
USE_COLUMNS = ("lot_pk", "entry_pk", "points")
LEDGER_TABLES = {"ledger_entry": ENTRY_COLUMNS, "point_lot": LOT_COLUMNS, "lot_use": ("pk", *USE_COLUMNS)}
_MODELS: dict[str, Any] = {"ledger_entry": LedgerEntry, "point_lot": PointLot, "lot_use": LotUse}


def post(conn: Connection, plans: Sequence[Credit | Debit]) -> list[int]:
    """Write planned credits and debits in the order given; returns their entries' primary keys."""
    posting = Posting(conn)
    entry_pks = iter(posting.entry_pks(len(plans)))
    lot_pks = iter(posting.lot_pks(sum(1 for plan in plans if isinstance(plan, Credit))))
    booked = []
    for plan in plans:
        entry_pk = next(entry_pks)
        booked.append(entry_pk)
        row = posting.entry(entry_pk, plan.member_pk, plan.kind, plan, plan.booking)
        if isinstance(plan, Credit):
            posting.credit(row, next(lot_pks), plan.available_on, plan.expires_on, plan.payoff)
        else:
            posting.debit(row, plan.uses, plan.debt)
    posting.finish()
    return booked


class Posting:
    """Rows of one batch gathered (tuples in ENTRY_COLUMNS, LOT_COLUMNS and USE_COLUMNS order), then
    written by `finish()` with one executemany (COPY on PostgreSQL) per table: entries, lots, lot uses,
    the lots' `remaining`, the members' `debt`, and the refunds that payoffs paid."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.codec = Codec(conn)
        self.entries: list[tuple[Any, ...]] = []
        self.lots: list[tuple[Any, ...]] = []
        self.uses: list[tuple[int, int, int]] = []
        self.debts: defaultdict[int, int] = defaultdict(int)
        self.payoffs: list[tuple[int, int, int]] = []

    def entry_pks(self, count: int) -> list[int]:
        return reserve_ids(self.conn, table_of(LedgerEntry), count)

    def lot_pks(self, count: int) -> list[int]:
        return reserve_ids(self.conn, table_of(PointLot), count)

    def entry(self, pk: int, member_pk: int, kind: str, plan: Credit | Debit, booking: Booking) -> tuple[Any, ...]:
        """One entry as a row, from what its booking says (points negative for a debit)."""
        return (
            pk,
            member_pk,
            kind,
            plan.points if isinstance(plan, Credit) else -plan.points,
            self.codec.day(booking.business_date),
            self.codec.instant(booking.created_at),
            booking.version,
            booking.command,
            booking.receipt_pk,
            booking.voucher_pk,
            booking.ref,
            booking.note,
            booking.key,
        )

    def credit(
        self, entry: tuple[Any, ...], lot_pk: int, available_on: dt.date, expires_on: dt.date | None, payoff: int
    ) -> None:
        """A credit's entry (a row from `entry`, or built alike) and the lot it opens."""
        entry_pk, member_pk, points = entry[0], entry[1], entry[3]
        self.entries.append(entry)
        day = self.codec.day
        self.lots.append((lot_pk, member_pk, entry_pk, points, day(available_on), day(expires_on), points - payoff))
        if payoff:
            self.debts[member_pk] -= payoff
            self.payoffs.append((member_pk, lot_pk, payoff))

    def debit(self, entry: tuple[Any, ...], uses: Sequence[tuple[int, int]], debt: int) -> None:
        entry_pk = entry[0]
        self.entries.append(entry)
        self.uses.extend((lot_pk, entry_pk, points) for lot_pk, points in uses if points > 0)
        if debt:
            self.debts[entry[1]] += debt

    def finish(self) -> None:
        """Write what was gathered; the posting may be used again for the next batch."""
        taken = [(points, lot_pk) for lot_pk, _entry, points in self.uses]
        Inserter(self.conn, table_of(LedgerEntry), ENTRY_COLUMNS).run(self.entries)
        Inserter(self.conn, table_of(PointLot), LOT_COLUMNS).run(self.lots)
        self._insert_uses(self.uses)
        execute_many(self.conn, "UPDATE point_lot SET remaining = remaining - {} WHERE pk = {}", taken)
        changes = [(delta, member_pk) for member_pk, delta in self.debts.items() if delta]
        execute_many(self.conn, "UPDATE member SET debt = debt + {} WHERE pk = {}", changes)
        for member_pk, lot_pk, points in self.payoffs:
            self._pay_refunds(member_pk, lot_pk, points)
        self.entries, self.lots, self.uses, self.payoffs = [], [], [], []
        self.debts = defaultdict(int)

    def _pay_refunds(self, member_pk: int, lot_pk: int, points: int) -> None:
        """Record which refunds a new lot's `points` paid off (oldest refund first)."""
        used = (
            select(func.coalesce(func.sum(LotUse.points), 0)).where(LotUse.entry_pk == LedgerEntry.pk).scalar_subquery()
        )
        open_refunds = self.conn.execute(
            select(LedgerEntry.pk, -LedgerEntry.points - used)
            .where(LedgerEntry.member_pk == member_pk, LedgerEntry.kind.in_(DEBT_KINDS))
            .where(-LedgerEntry.points > used)
            .order_by(LedgerEntry.pk)
        ).all()
        uses = []
        for entry_pk, unallocated in open_refunds:
            if points <= 0:
                break
            take = min(points, int(unallocated))
            uses.append((lot_pk, int(entry_pk or 0), take))
            points -= take
        self._insert_uses(uses)

    def _insert_uses(self, uses: Sequence[tuple[int, int, int]]) -> None:
        Inserter(self.conn, table_of(LotUse), USE_COLUMNS).run(uses)


def copy_rows(conn: Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of one of the ledger's tables as another database holds them (`db copy`), keys kept."""
    codec = Codec(conn)

    def stored(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return codec.instant(value)
        return codec.day(value) if isinstance(value, dt.date) else value

    columns = LEDGER_TABLES[table]
    Inserter(conn, table_of(_MODELS[table]), columns).run([tuple(stored(row[c]) for c in columns) for row in rows])
