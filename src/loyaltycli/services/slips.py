"""`loyalty slip`: what the customer's slip says after a purchase or for a voucher (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from loyaltycli.domain.dates import last_valid_day
from loyaltycli.domain.money import format_cents
from loyaltycli.errors import NotFoundError
from loyaltycli.i18n import _
from loyaltycli.services.codes import normalise_code
from loyaltycli.services.context import today_in
from loyaltycli.services.members import member_view
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import Database
from loyaltycli.storage.receipts import receipt_with_id

EXPIRIES_ON_SLIP = 3


@dataclass(frozen=True)
class Slip:
    """A slip: the shop, whose it is, this receipt's points or the voucher, the balance and what expires."""

    shop: str
    currency: str
    member: str
    name: str
    day: dt.date
    receipt: str | None = None
    total: str | None = None
    points: int | None = None
    voucher: str | None = None
    reward: str | None = None
    valid_until: dt.date | None = None
    balance: int = 0
    expiring: list[tuple[dt.date, int]] = field(default_factory=list)  # the last valid day, points


def slip_for(db: Database, ref: str, now: dt.datetime) -> Slip:
    """The slip of a receipt (by its id) or of a voucher (by its code)."""
    from loyaltycli.services.redemptions import show_voucher

    with db.read() as tx:
        receipt = receipt_with_id(tx, ref.strip())
        extra: dict[str, object] = {}
        if receipt is not None:
            if receipt.member_pk is None:
                raise NotFoundError(
                    _("Receipt {receipt} has no member; a slip shows a member's points.").format(receipt=ref)
                )
            member = lookup.by_pk(tx, receipt.member_pk)
            member_ref = str(member.id) if member else ""
            extra = {
                "receipt": receipt.receipt_id,
                "total": format_cents(receipt.total_cents),
                "points": receipt.points,
            }
    if receipt is None:
        try:
            voucher = show_voucher(db, normalise_code(ref), now)
        except NotFoundError:
            raise NotFoundError(_("{ref!r} is no receipt id or voucher code.").format(ref=ref)) from None
        member_ref = voucher.member
        extra = {
            "voucher": voucher.code,
            "reward": voucher.reward_name or voucher.reward,
            "valid_until": voucher.valid_until,
        }
    with db.read() as tx:
        ctx = today_in(tx, now)
        view = member_view(tx, lookup.resolve(tx, member_ref, ctx.program.region), ctx)
    expiring = [(last_valid_day(due), points) for due, points in view.balances.expiring[:EXPIRIES_ON_SLIP]]
    return Slip(
        ctx.program.program.name,
        ctx.program.program.currency,
        view.id,
        view.name,
        ctx.today,
        balance=view.balances.available,
        expiring=expiring,
        **extra,  # type: ignore[arg-type]
    )
