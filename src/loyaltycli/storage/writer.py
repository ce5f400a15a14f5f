"""The writer of planned purchases.

A `PurchasePlan` is what one receipt books, computed by the rules beforehand;
`PurchaseWriter` inserts a batch of plans: `purchase` writes a batch of one,
`import` batches of thousands, the same rows either way.  The receipts and
their stamp-card vouchers are written here, their points by the posting
engine (posting.py) like every other credit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from loyaltycli.domain.dates import utc_naive
from loyaltycli.domain.member_state import MemberState
from loyaltycli.storage.bulk import Codec, execute_many, reserve_ids, table_of
from loyaltycli.storage.models import Receipt, Voucher
from loyaltycli.storage.posting import Posting
from loyaltycli.storage.receipts import insert_receipts
from loyaltycli.storage.records import Transaction
from loyaltycli.storage.vouchers import VOUCHER_COLUMNS, insert_stamp_counts, insert_vouchers


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
    VOUCHER = VOUCHER_COLUMNS  # the vouchers of full stamp cards: storage/vouchers.insert_vouchers

    def __init__(self, tx: Transaction, now: dt.datetime, command: str) -> None:
        self.tx = tx
        self.conn = conn = tx.orm.connection()
        self.codec = Codec(conn)
        self.created_at = self.codec.instant(utc_naive(now))
        self.command = command
        self.plans: list[PurchasePlan | StandaloneCredit] = []
        self.posting = Posting(conn)

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
        self.tx.orm.expire_all()  # a record read before this batch is read again

    def _insert(self, items: list[PurchasePlan | StandaloneCredit]) -> None:
        day, instant = self.codec.day, self.codec.instant
        plans = [p for p in items if isinstance(p, PurchasePlan)]
        receipt_ids = iter(reserve_ids(self.conn, table_of(Receipt), len(plans)))
        credits = sum(len(p.credits) for p in plans) + len(items) - len(plans)
        posting = self.posting
        entry_ids = iter(posting.entry_pks(credits))
        lot_ids = iter(posting.lot_pks(credits))
        voucher_ids = iter(reserve_ids(self.conn, table_of(Voucher), sum(len(p.vouchers) for p in plans)))
        receipts: list[tuple[Any, ...]] = []
        vouchers: list[tuple[Any, ...]] = []

        def book(c: CreditPlan, on: Any, version: int, receipt_pk: int | None) -> None:
            epk = next(entry_ids)
            entry = (
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
            posting.credit(entry, next(lot_ids), c.available_on, c.expires_on, c.payoff)

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
        insert_receipts(self.conn, self.RECEIPT, receipts)
        posting.finish()
        insert_vouchers(self.conn, vouchers)

    def _write_states(self, states: list[MemberState]) -> None:
        changed = [s for s in states if s.changed]
        if not changed:
            return
        day = self.codec.day
        execute_many(
            self.conn,
            "UPDATE member SET last_purchase_on = {} WHERE pk = {}",
            [(day(s.last_purchase_on), s.pk) for s in changed],
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
        insert_stamp_counts(self.conn, inserts)
        for s in changed:
            s.changed = False
