"""The writer of planned purchases.

A `PurchasePlan` is what one receipt books, computed by the rules beforehand;
`PurchaseWriter` inserts a batch of plans: `purchase` writes a batch of one,
`import` batches of thousands, the same rows either way.  The receipts and
their stamp-card vouchers are written here, their points by the posting
engine (posting.py) like every other credit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from loyaltycli.domain.dates import utc_naive
from loyaltycli.domain.member_state import MemberState
from loyaltycli.domain.purchase_plans import CreditPlan, PurchasePlan, StandaloneCredit
from loyaltycli.storage.bulk import Codec, execute_many, reserve_ids, table_of
from loyaltycli.storage.models import Receipt, Voucher
from loyaltycli.storage.posting import Posting
from loyaltycli.storage.receipts import insert_receipts
from loyaltycli.storage.records import Transaction
from loyaltycli.storage.vouchers import VOUCHER_COLUMNS, insert_stamp_counts, insert_vouchers


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
        self.conn = conn = tx.conn
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
