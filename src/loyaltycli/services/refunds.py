"""`refund`: reverse the points of a receipt, wholly or by the refunded share (SPEC §2 "Refunds").

Pending points go first (the receipt's own lot, then other pending lots),
then available ones by expiry; what cannot be found becomes a debt that later
earnings pay off.  A full refund also reverses the receipt's bonuses (the
campaign bonus is part of its points; referral bonuses are separate entries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from loyaltycli.domain import plans
from loyaltycli.domain.dates import local_date, utc_naive
from loyaltycli.domain.money import format_cents, to_cents
from loyaltycli.domain.refunds import Refundable, plan_refund
from loyaltycli.errors import DuplicateError, NotFoundError
from loyaltycli.i18n import _
from loyaltycli.services.codes import receipt_id as new_receipt_id
from loyaltycli.services.context import Today, today_in
from loyaltycli.storage import ledger
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import Database
from loyaltycli.storage.receipts import ReceiptIdTaken, add_receipt, receipt_with_id, refunded_so_far
from loyaltycli.storage.records import MemberRecord, ReceiptRecord, Transaction
from loyaltycli.storage.vouchers import take_stamps


@dataclass(frozen=True)
class RefundRequest:
    receipt: str
    amount: Decimal | None = None
    refund_id: str | None = None
    when: dt.datetime | None = None


@dataclass(frozen=True)
class RefundResult:
    receipt: str
    refund: str
    amount: str
    points_reversed: int
    full: bool
    member: str | None
    repeated: bool = False


def refund(db: Database, request: RefundRequest, now: dt.datetime) -> RefundResult:
    with db.write() as tx:
        ctx = today_in(tx, now)
        return refund_in(tx, ctx, request, now, "refund")


def refund_in(tx: Transaction, ctx: Today, request: RefundRequest, now: dt.datetime, command: str) -> RefundResult:
    """The refund inside an open transaction (also used by `import` for `refund_of` rows)."""
    original = receipt_with_id(tx, request.receipt.strip())
    if original is None or original.kind != "purchase":
        raise NotFoundError(_("There is no purchase with receipt id {receipt}.").format(receipt=request.receipt))
    if original.member_pk is not None:
        lookup.lock(tx, original.member_pk)
    refunded_before, reversed_before = refunded_so_far(tx, original.pk)
    if request.refund_id:
        repeat = _repeat(tx, original, request)
        if repeat is not None:
            return repeat
    share = plan_refund(
        Refundable(
            original.receipt_id,
            original.total_cents,
            original.eligible_cents,
            original.points,
            original.bonus_points,
            refunded_before,
            reversed_before,
        ),
        None if request.amount is None else to_cents(request.amount),
    )
    amount_cents, points, full = share.amount_cents, share.points, share.full
    when = request.when or now
    day = ctx.written_day(local_date(when, ctx.program.zone), "--date")
    version = ctx.version_on(day).version
    refund_id = (request.refund_id or "").strip() or new_receipt_id("RF")
    try:
        refund_row = add_receipt(
            tx,
            receipt_id=refund_id,
            kind="refund",
            member_pk=original.member_pk,
            refund_of_pk=original.pk,
            occurred_at=utc_naive(when),
            local_date=day,
            program_version=version,
            channel=original.channel,
            store=original.store,
            total_cents=amount_cents,
            eligible_cents=share.eligible_cents,
            points=points,
            source="import" if command == "import" else "cli",
            created_at=utc_naive(now),
        )
    except ReceiptIdTaken:
        raise DuplicateError(
            _("Receipt id {receipt_id} is already recorded; give the refund another --receipt.").format(
                receipt_id=refund_id
            )
        ) from None
    booking = ledger.Booking(
        version, command, day, utc_naive(now), receipt_pk=refund_row.pk, ref=f"refund-of:{original.receipt_id}"
    )
    member = lookup.by_pk(tx, original.member_pk) if original.member_pk else None
    if member is not None and member.status == "merged":  # its points live on with the member it joined
        member = lookup.followed(tx, member)
        member = lookup.locked(tx, member)
    if member is not None and points > 0:
        _reverse(tx, member, points, booking, original, day)
    if full and member is not None:
        _reverse_referrals(tx, original, booking, day)
        _remove_stamps(tx, original, member.pk)
    return RefundResult(
        original.receipt_id,
        refund_row.receipt_id,
        format_cents(amount_cents),
        points,
        full,
        str(member.id) if member else None,
    )


def _repeat(tx: Transaction, original: ReceiptRecord, request: RefundRequest) -> RefundResult | None:
    assert request.refund_id is not None
    existing = receipt_with_id(tx, request.refund_id.strip())
    if existing is None:
        return None
    same = existing.refund_of_pk == original.pk and (
        request.amount is None or existing.total_cents == to_cents(request.amount)
    )
    if not same:
        raise DuplicateError(
            _("Receipt id {receipt_id} is already recorded with other data.").format(receipt_id=existing.receipt_id)
        )
    member = lookup.by_pk(tx, existing.member_pk) if existing.member_pk else None
    return RefundResult(
        original.receipt_id,
        existing.receipt_id,
        format_cents(existing.total_cents),
        existing.points,
        False,
        str(member.id) if member else None,
        repeated=True,
    )


def _reverse(
    tx: Transaction, member: MemberRecord, points: int, booking: ledger.Booking, original: ReceiptRecord, day: dt.date
) -> None:
    """Take `points` back: the receipt's own lot, other pending lots, available lots by expiry, then debt."""
    own = ledger.lots_of_receipt(tx, original.pk, member.pk)
    held = ledger.holdings(tx, member.pk)
    ledger.post_plans(tx, [plans.debit(held, "refund", booking, points, day, "pending_first", own, into_debt=True)])


def _reverse_referrals(tx: Transaction, original: ReceiptRecord, booking: ledger.Booking, day: dt.date) -> None:
    referrals = ledger.entries_of_receipt(tx, original.pk, "referral")
    for entry in referrals:
        lookup.lock(tx, entry.member_pk)  # the referrer's lots are spent under their lock, as at a till
        member = lookup.by_pk(tx, entry.member_pk)
        if member is not None and member.status == "merged":
            member = lookup.followed(tx, member)
            member = lookup.locked(tx, member)
        assert member is not None
        own = ledger.lots_of_entry(tx, entry.pk)
        held = ledger.holdings(tx, member.pk)
        taken = plans.debit(held, "refund", booking, entry.points, day, "pending_first", own, into_debt=True)
        ledger.post_plans(tx, [taken])


def _remove_stamps(tx: Transaction, original: ReceiptRecord, member_pk: int | None) -> None:
    """A fully refunded receipt takes its stamps back off the card (of the member who holds them now, after
    a merge), as far as they are still on it."""
    if not original.stamps or member_pk is None:
        return
    take_stamps(tx, member_pk, original.stamps)
