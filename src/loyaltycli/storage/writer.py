"""The one writer of the ledger, and of planned purchases.

`LedgerWriter` is the only code that inserts ledger entries, point lots and
lot uses (tests/test_architecture.py enforces it): every command that changes
points, one row or thousands, reaches the ledger through it, with primary keys
reserved up front and one executemany (COPY on PostgreSQL) per table.

A `PurchasePlan` is what one receipt books, computed by the rules beforehand;
`PurchaseWriter` inserts a batch of plans: `purchase` writes a batch of one,
`import` batches of hundreds, the same rows either way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, select

from loyaltycli.domain.dates import utc_naive
from loyaltycli.storage.bulk import Codec, Inserter, execute_many, reserve_ids, table_of
from loyaltycli.storage.models import (
    DEBT_KINDS,
    LedgerEntry,
    LotUse,
    PointLot,
    Receipt,
    StampCount,
    Voucher,
)
from loyaltycli.storage.state import MemberState

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


@dataclass(frozen=True)
class Booking:
    """What an entry is about: the rules version, the command, and what it belongs to."""

    version: int
    command: str
    business_date: dt.date
    created_at: dt.datetime
    receipt_pk: int | None = None
    voucher_pk: int | None = None
    ref: str | None = None
    note: str | None = None
    key: str | None = None  # `redeem --key`: a retry finds this entry instead of spending again


_MODELS: dict[str, Any] = {"ledger_entry": LedgerEntry, "point_lot": PointLot, "lot_use": LotUse}


class LedgerWriter:
    """Inserts ledger entries, lots and lot uses: rows are tuples in ENTRY_COLUMNS, LOT_COLUMNS and
    USE_COLUMNS order, with dates and instants as `codec` gives them and the primary keys this writer
    reserved (`entry_pks`, `lot_pks`)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.codec = Codec(conn)
        self._entries = Inserter(conn, table_of(LedgerEntry), ENTRY_COLUMNS)
        self._lots = Inserter(conn, table_of(PointLot), LOT_COLUMNS)
        self._uses = Inserter(conn, table_of(LotUse), USE_COLUMNS)

    def entry_pks(self, count: int) -> list[int]:
        return reserve_ids(self.conn, table_of(LedgerEntry), count)

    def lot_pks(self, count: int) -> list[int]:
        return reserve_ids(self.conn, table_of(PointLot), count)

    def write(
        self,
        entries: Sequence[tuple[Any, ...]],
        lots: Sequence[tuple[Any, ...]] = (),
        uses: Sequence[tuple[int, int, int]] = (),
    ) -> None:
        """Entries first, then the lots they credit, then the lot uses of the debits."""
        self._entries.run(entries)
        self._lots.run(lots)
        self._uses.run(uses)

    def copy(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Rows of one of the ledger's tables as another database holds them (`db copy`), keys kept."""
        columns = LEDGER_TABLES[table]
        Inserter(self.conn, table_of(_MODELS[table]), columns).run(
            [tuple(self._stored(row[c]) for c in columns) for row in rows]
        )

    def _stored(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return self.codec.instant(value)
        return self.codec.day(value) if isinstance(value, dt.date) else value

    def entry_row(self, pk: int, member_pk: int, kind: str, points: int, booking: Booking) -> tuple[Any, ...]:
        """One entry as a row, from what its booking says."""
        return (
            pk,
            member_pk,
            kind,
            points,
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

    def lot_row(
        self, pk: int, member_pk: int, entry_pk: int, earned: int, available_on: Any, expires_on: Any, remaining: int
    ) -> tuple[Any, ...]:
        return (pk, member_pk, entry_pk, earned, self.codec.day(available_on), self.codec.day(expires_on), remaining)

    def pay_debt(self, member_pk: int, lot_pk: int, points: int) -> None:
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
            uses.append((lot_pk, entry_pk, take))
            points -= take
        self._uses.run(uses)


class LineRow(NamedTuple):
    sku: str | None
    category: str | None
    quantity_milli: int
    amount_cents: int
    eligible: bool
    campaign_id: str | None


_QUOTED: dict[str | None, str] = {None: "null"}


def _quoted(text: str | None) -> str:
    """A SKU, category or campaign as a JSON string (remembered: an import repeats the same few thousand)."""
    found = _QUOTED.get(text)
    if found is None:
        if len(_QUOTED) > 100_000:
            _QUOTED.clear()
            _QUOTED[None] = "null"
        found = _QUOTED[text] = json.dumps(text, ensure_ascii=False)
    return found


def encode_lines(lines: Sequence[tuple[str | None, str | None, int, int, bool, str | None]]) -> str:
    """A receipt's lines as stored with it: `[[sku, category, quantity_milli, amount_cents, 0|1, campaign]]`
    (compact JSON, written out: json.dumps per receipt was a twentieth of an import)."""
    known = _QUOTED.get  # looked up inline: a call per value was a tenth of the planning
    return (
        "["
        + ",".join(
            [
                f"[{known(s) or _quoted(s)},{known(c) or _quoted(c)},{int(q)},{int(a)},{1 if e else 0},"
                f"{known(k) or _quoted(k)}]"
                for s, c, q, a, e, k in lines
            ]
        )
        + "]"
    )


def decode_lines(text: str) -> list[LineRow]:
    return [LineRow(s, c, q, a, bool(e), k) for s, c, q, a, e, k in json.loads(text or "[]")]


class CreditPlan(NamedTuple):
    """Points booked to a member as a lot; `payoff` of them go to an outstanding refund debt."""

    member_pk: int
    kind: str
    points: int
    available_on: dt.date
    expires_on: dt.date | None
    ref: str | None = None
    payoff: int = 0


@dataclass(frozen=True)
class VoucherPlan:
    code: str
    member_pk: int
    reward_id: str
    kind: str
    value: str | None
    valid_until: dt.date


@dataclass(slots=True)
class PurchasePlan:
    receipt_id: str
    member_pk: int | None
    version: int
    occurred_at: dt.datetime
    day: dt.date
    channel: str | None
    store: str | None
    source: str
    total_cents: int
    eligible_cents: int
    points: int
    bonus_points: int
    campaign_id: str | None
    campaign_points: int
    tier: str | None
    stamps: int
    lines: str  # encode_lines of the receipt's lines
    credits: list[CreditPlan] = field(default_factory=list)
    vouchers: list[VoucherPlan] = field(default_factory=list)
    kind: str = "purchase"  # or "opening": the qualifying spend a customer list carries into the tier window


@dataclass(frozen=True)
class StandaloneCredit:
    """A credit that belongs to no receipt (the signup bonus of a member enrolled by `import`)."""

    credit: CreditPlan
    day: dt.date
    version: int


class PurchaseWriter:
    """Inserts planned purchases in batches; members' cached state is written back on flush."""

    RECEIPT = (
        "pk",
        "receipt_id",
        "kind",
        "member_pk",
        "occurred_at",
        "local_date",
        "program_version",
        "channel",
        "store",
        "total_cents",
        "eligible_cents",
        "points",
        "bonus_points",
        "campaign_id",
        "campaign_points",
        "tier",
        "stamps",
        "source",
        "created_at",
        "lines",
    )
    VOUCHER = (
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

    def __init__(self, conn: Connection, now: dt.datetime, command: str) -> None:
        self.conn = conn
        self.codec = Codec(conn)
        self.created_at = self.codec.instant(utc_naive(now))
        self.command = command
        self.plans: list[PurchasePlan | StandaloneCredit] = []
        self.receipts = Inserter(conn, table_of(Receipt), self.RECEIPT)
        self.ledger = LedgerWriter(conn)
        self.vouchers = Inserter(conn, table_of(Voucher), self.VOUCHER)

    def add(self, plan: PurchasePlan | StandaloneCredit) -> None:
        self.plans.append(plan)

    def __len__(self) -> int:
        return len(self.plans)

    def flush(self, states: list[MemberState]) -> None:
        """Insert every planned receipt and write back the members' state."""
        plans, self.plans = self.plans, []
        if plans:
            self._insert(plans)
        self._write_states(states)

    def _insert(self, items: list[PurchasePlan | StandaloneCredit]) -> None:
        day, instant = self.codec.day, self.codec.instant
        plans = [p for p in items if isinstance(p, PurchasePlan)]
        receipt_ids = iter(reserve_ids(self.conn, table_of(Receipt), len(plans)))
        credits = sum(len(p.credits) for p in plans) + len(items) - len(plans)
        entry_ids = iter(self.ledger.entry_pks(credits))
        lot_ids = iter(self.ledger.lot_pks(credits))
        voucher_ids = iter(reserve_ids(self.conn, table_of(Voucher), sum(len(p.vouchers) for p in plans)))
        receipts: list[tuple[Any, ...]] = []
        entries: list[tuple[Any, ...]] = []
        lots: list[tuple[Any, ...]] = []
        vouchers: list[tuple[Any, ...]] = []
        payoffs: list[tuple[int, int, int]] = []

        def book(c: CreditPlan, on: Any, version: int, receipt_pk: int | None) -> None:
            epk, lpk = next(entry_ids), next(lot_ids)
            entries.append(
                (
                    epk,
                    c.member_pk,
                    c.kind,
                    c.points,
                    on,
                    self.created_at,
                    version,
                    self.command,
                    receipt_pk,
                    None,
                    c.ref,
                    None,
                    None,
                )
            )
            lots.append((lpk, c.member_pk, epk, c.points, day(c.available_on), day(c.expires_on), c.points - c.payoff))
            if c.payoff:
                payoffs.append((c.member_pk, lpk, c.payoff))

        for p in items:
            if isinstance(p, StandaloneCredit):
                book(p.credit, day(p.day), p.version, None)
                continue
            rpk = next(receipt_ids)
            receipts.append(
                (
                    rpk,
                    p.receipt_id,
                    p.kind,
                    p.member_pk,
                    instant(p.occurred_at),
                    day(p.day),
                    p.version,
                    p.channel,
                    p.store,
                    p.total_cents,
                    p.eligible_cents,
                    p.points,
                    p.bonus_points,
                    p.campaign_id,
                    p.campaign_points,
                    p.tier,
                    p.stamps,
                    p.source,
                    self.created_at,
                    p.lines,
                )
            )
            for c in p.credits:
                book(c, day(p.day), p.version, rpk)
            for v in p.vouchers:
                vouchers.append(
                    (
                        next(voucher_ids),
                        v.code,
                        v.member_pk,
                        v.reward_id,
                        v.kind,
                        v.value,
                        "stamp_card",
                        self.created_at,
                        day(p.day),
                        day(v.valid_until),
                        "issued",
                        rpk,
                    )
                )
        self.receipts.run(receipts)
        self.ledger.write(entries, lots)
        self.vouchers.run(vouchers)
        for member_pk, lot_pk, points in payoffs:
            self.ledger.pay_debt(member_pk, lot_pk, points)

    def _write_states(self, states: list[MemberState]) -> None:
        changed = [s for s in states if s.changed]
        if not changed:
            return
        day = self.codec.day
        execute_many(
            self.conn,
            "UPDATE member SET last_purchase_on = {}, debt = {} WHERE pk = {}",
            [(day(s.last_purchase_on), s.debt, s.pk) for s in changed],
        )
        updates, inserts = [], []
        for s in changed:
            for card, count in s.stamps.items():
                if card in s.stamp_rows:
                    updates.append((count, s.pk, card))
                else:
                    inserts.append((s.pk, card, count))
                    s.stamp_rows |= {card}
        execute_many(self.conn, "UPDATE stamp_count SET stamps = {} WHERE member_pk = {} AND card_id = {}", updates)
        Inserter(self.conn, table_of(StampCount), ("member_pk", "card_id", "stamps")).run(inserts)
        for s in changed:
            s.changed = False
