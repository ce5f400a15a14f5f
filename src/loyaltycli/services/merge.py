"""`member merge KEEP OTHER --yes`: a duplicate's points, stamps, vouchers, history and referrals move to
the member who stays (SPEC §3). Append-only: OTHER's lots are consumed by a `merge` entry and KEEP gets
new lots with the same dates; OTHER becomes `merged` and its id, e-mail and phone lead to KEEP."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from loyaltycli import i18n
from loyaltycli.domain import plans
from loyaltycli.domain.dates import utc_naive
from loyaltycli.domain.rewards import fill_stamp_cards
from loyaltycli.errors import BadInputError, BlockedError
from loyaltycli.i18n import _
from loyaltycli.services.codes import voucher_code
from loyaltycli.services.context import Today, today_in
from loyaltycli.services.members import lapse_day
from loyaltycli.storage import ledger, merging
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import member_balances
from loyaltycli.storage.database import Database
from loyaltycli.storage.history import stamps_on_cards
from loyaltycli.storage.records import MemberRecord, Transaction
from loyaltycli.storage.vouchers import issue_voucher, set_stamps


@dataclass(frozen=True)
class MergeResult:
    member: str
    merged: str
    points: int
    debt: int
    stamps: dict[str, int]
    vouchers: int
    new_vouchers: list[str]
    balance: int
    carried: list[str] = field(default_factory=list)  # OTHER's contact data KEEP took over: email, phone


def merge_members(db: Database, keep_ref: str, other_ref: str, now: dt.datetime) -> MergeResult:
    """Merge OTHER into KEEP in one transaction."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        region = ctx.program.region
        keep = lookup.resolve(tx, keep_ref, region, follow=False)
        other = lookup.resolve(tx, other_ref, region, follow=False)
        if keep.pk == other.pk:
            raise BadInputError(_("KEEP and OTHER are the same member ({id}).").format(id=keep.id))
        for pk in sorted((keep.pk, other.pk)):  # in key order, as every writer locks
            lookup.lock(tx, pk)
        keep, other = lookup.refreshed(tx, keep), lookup.refreshed(tx, other)
        for member in (keep, other):
            if member.status == "merged":
                target = lookup.by_pk(tx, member.merged_into_pk) if member.merged_into_pk else None
                raise BlockedError(
                    _("Member {id} was already merged into {value}.").format(
                        id=member.id, value=target.id if target else "another"
                    )
                )
            if member.status != "active":
                raise BlockedError(
                    _("Member {id} is {status}; only active members can be merged.").format(
                        id=member.id, status=i18n.status_named(member.status)
                    )
                )
        booking = ledger.Booking(ctx.current.version, "merge", ctx.today, utc_naive(now), ref=f"merge:{other.id}")
        transfer = replace(booking, ref=f"merge:{other.id}->{keep.id}")
        other_held = ledger.holdings(tx, other.pk)
        moved = plans.transferred(other_held, ledger.holdings(tx, keep.pk), transfer)
        ledger.post_plans(tx, moved)
        points = sum(plan.points for plan in moved if isinstance(plan, plans.Credit))
        # OTHER now holds no lots and the same debt; KEEP is read again: the lots it was given are among its own.
        emptied = plans.Holdings(other.pk, other_held.debt)
        taken_over = plans.debt_taken_over(emptied, ledger.holdings(tx, keep.pk), booking)
        ledger.post_plans(tx, taken_over)
        debt = taken_over[0].points if taken_over else 0
        keep, other = lookup.refreshed(tx, keep), lookup.refreshed(tx, other)
        merging.copy_history(tx, other, keep, utc_naive(now))
        stamps, new_vouchers = _move_stamps(tx, ctx, other, keep)
        vouchers = merging.move_vouchers_and_referrals(tx, other, keep)
        other = lookup.change(tx, other, status="merged", merged_into_pk=keep.pk, marketing=False)
        keep, carried = _carry_contacts(tx, other, keep)
        balance = member_balances(tx, keep, ctx.today, lapse_day(keep, ctx.program)).available
        return MergeResult(str(keep.id), str(other.id), points, debt, stamps, vouchers, new_vouchers, balance, carried)


def _carry_contacts(tx: Transaction, other: MemberRecord, keep: MemberRecord) -> tuple[MemberRecord, list[str]]:
    """OTHER's e-mail or phone moves to KEEP where KEEP has none (a merged record then holds nothing that
    KEEP could not be given); where KEEP has its own, OTHER keeps its, so that it still leads to KEEP.
    KEEP as now stored, and what it took."""
    moving: dict[str, object] = {}
    if keep.email is None and other.email is not None:
        moving.update(email=other.email, email_key=other.email_key)
    if keep.phone is None and other.phone is not None:
        moving["phone"] = other.phone
    if not moving:
        return keep, []
    # OTHER lets go before KEEP takes them: the unique indexes see one holder at a time.
    lookup.change(tx, other, **dict.fromkeys(moving))
    keep = lookup.change(tx, keep, **moving)
    return keep, [name for name in ("email", "phone") if name in moving]


def _move_stamps(
    tx: Transaction, ctx: Today, other: MemberRecord, keep: MemberRecord
) -> tuple[dict[str, int], list[str]]:
    """OTHER's stamps join KEEP's cards; a card that fills issues its voucher, as a purchase would."""
    moved = merging.move_stamps(tx, other, keep)
    counts = stamps_on_cards(tx, keep.pk)
    left, vouchers = fill_stamp_cards(ctx.program, counts, moved, ctx.today)
    for card, stamps in left.items():
        set_stamps(tx, keep.pk or 0, card, stamps)
    codes = []
    for v in vouchers:
        code = voucher_code()
        when = utc_naive(ctx.now)
        issue_voucher(
            tx, code, keep.pk or 0, (v.reward, v.kind, v.value), "stamp_card", when, (ctx.today, v.valid_until)
        )
        codes.append(code)
    return moved, codes
