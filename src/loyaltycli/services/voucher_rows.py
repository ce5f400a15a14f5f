"""Vouchers as people look at them: status of today (valid or expired), reward and partner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loyaltycli.domain.dates import local_minute
from loyaltycli.services.context import Today
from loyaltycli.storage.history import vouchers_open_on
from loyaltycli.storage.records import Transaction, VoucherRecord


@dataclass(frozen=True)
class VoucherRow:
    code: str
    member: str
    reward: str
    status: str
    source: str
    issued_on: dt.date
    valid_until: dt.date
    used_at: str | None
    partner: str | None
    reward_name: str = ""  # what people call the reward (its name in the programme; the id if it has none)


def open_vouchers(tx: Transaction, member_pk: int, member_id: str, ctx: Today) -> list[VoucherRow]:
    """A member's vouchers that can still be used today, soonest to expire first."""
    return [voucher_row(voucher, member_id, ctx) for voucher in vouchers_open_on(tx, member_pk, ctx.today)]


def voucher_row(voucher: VoucherRecord, member_id: str, ctx: Today) -> VoucherRow:
    status = voucher.status
    if status == "issued":
        status = "expired" if ctx.today > voucher.valid_until else "valid"
    reward = next((r for v in reversed(ctx.versions) for r in v.program.rewards if r.id == voucher.reward_id), None)
    return VoucherRow(
        voucher.code,
        member_id,
        voucher.reward_id,
        status,
        voucher.source,
        voucher.issued_on,
        voucher.valid_until,
        local_minute(voucher.used_at, ctx.program.zone),
        reward.partner if reward else None,
        reward.title if reward else voucher.reward_id,
    )
