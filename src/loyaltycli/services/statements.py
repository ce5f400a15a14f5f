"""`statement`: a member's ledger with a running balance, pending and expiring points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from loyaltycli.services.context import today_in
from loyaltycli.services.members import lapse_day
from loyaltycli.services.voucher_rows import VoucherRow, open_vouchers
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import Balances, member_balances
from loyaltycli.storage.database import Database
from loyaltycli.storage.models import LedgerEntry, Receipt, StampCount, Voucher


@dataclass(frozen=True)
class StatementLine:
    date: dt.date
    kind: str
    points: int
    balance: int
    receipt: str | None
    voucher: str | None
    ref: str | None
    note: str | None


@dataclass(frozen=True)
class Statement:
    member: str
    name: str
    opening: int
    entries: list[StatementLine]
    balances: Balances
    expiring: list[tuple[dt.date, int]]
    warn_days: int
    as_of: dt.date | None = None
    stamps: list[tuple[str, int, int]] = field(default_factory=list)  # card, stamps on it, stamps it needs
    vouchers: list[VoucherRow] = field(default_factory=list)  # open: usable today


def statement(db: Database, ref: str, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> Statement:
    with db.read() as session:
        ctx = today_in(session, now)
        member = lookup.resolve(session, ref, ctx.program.region)
        opening = 0
        if since is not None:
            opening = int(
                session.scalar(
                    select(func.coalesce(func.sum(col(LedgerEntry.points)), 0)).where(
                        col(LedgerEntry.member_pk) == member.pk, col(LedgerEntry.business_date) < since
                    )
                )
                or 0
            )
        query: Any = (
            select(LedgerEntry, col(Receipt.receipt_id), col(Voucher.code))
            .outerjoin(Receipt, col(Receipt.pk) == col(LedgerEntry.receipt_pk))
            .outerjoin(Voucher, col(Voucher.pk) == col(LedgerEntry.voucher_pk))
            .where(col(LedgerEntry.member_pk) == member.pk)
        )
        if since is not None:
            query = query.where(col(LedgerEntry.business_date) >= since)
        if until is not None:
            query = query.where(col(LedgerEntry.business_date) <= until)
        rows = session.execute(query.order_by(col(LedgerEntry.business_date), col(LedgerEntry.pk))).all()
        balance = opening
        lines = []
        for entry, receipt_id, code in rows:
            balance += entry.points
            lines.append(
                StatementLine(
                    entry.business_date, entry.kind, entry.points, balance, receipt_id, code, entry.ref, entry.note
                )
            )
        balances = member_balances(session, member, ctx.today, lapse_day(member, ctx.program))
        horizon = ctx.today + dt.timedelta(days=ctx.program.expiry.warn_days)
        expiring = [(due, pts) for due, pts in balances.expiring if due <= horizon]
        stamps = dict(
            session.execute(
                select(col(StampCount.card_id), col(StampCount.stamps)).where(col(StampCount.member_pk) == member.pk)
            ).all()
        )
        return Statement(
            str(member.id),
            member.name,
            opening,
            lines,
            balances,
            expiring,
            ctx.program.expiry.warn_days,
            as_of=ctx.today,
            stamps=[(card.id, int(stamps.get(card.id, 0)), card.stamps) for card in ctx.program.stamp_cards],
            vouchers=open_vouchers(session, member.pk or 0, str(member.id), ctx),
        )
