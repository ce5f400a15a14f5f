"""`statement`: a member's ledger with a running balance, pending and expiring points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from loyaltycli.services.context import today_in
from loyaltycli.services.members import lapse_day
from loyaltycli.services.voucher_rows import VoucherRow, open_vouchers
from loyaltycli.storage import history
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import Balances, member_balances
from loyaltycli.storage.database import Database


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
    with db.read() as tx:
        ctx = today_in(tx, now)
        member = lookup.resolve(tx, ref, ctx.program.region)
        opening = history.points_before(tx, member.pk or 0, since) if since is not None else 0
        balance = opening
        lines = []
        for row in history.entries_between(tx, member.pk or 0, since, until):
            balance += row.points
            lines.append(
                StatementLine(row.date, row.kind, row.points, balance, row.receipt, row.voucher, row.ref, row.note)
            )
        balances = member_balances(tx, member, ctx.today, lapse_day(member, ctx.program))
        horizon = ctx.today + dt.timedelta(days=ctx.program.expiry.warn_days)
        expiring = [(due, pts) for due, pts in balances.expiring if due <= horizon]
        stamps = history.stamps_on_cards(tx, member.pk)
        return Statement(
            str(member.id),
            member.name,
            opening,
            lines,
            balances,
            expiring,
            ctx.program.expiry.warn_days,
            as_of=ctx.today,
            stamps=[(card.id, stamps.get(card.id, 0), card.stamps) for card in ctx.program.stamp_cards],
            vouchers=open_vouchers(tx, member.pk or 0, str(member.id), ctx),
        )
