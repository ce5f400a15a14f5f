"""Spending and granting points outside purchases: redeem, vouchers, award, adjust."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from loyaltycli import i18n
from loyaltycli.domain import plans
from loyaltycli.domain.contacts import control_problem, names_the_person
from loyaltycli.domain.dates import local_date, local_minute, utc_naive
from loyaltycli.domain.expiry import lot_expiry
from loyaltycli.domain.money import format_amount
from loyaltycli.domain.program import Program, Reward
from loyaltycli.domain.rewards import reward_refusal, voucher_valid_until
from loyaltycli.errors import (
    BadInputError,
    BlockedError,
    DuplicateError,
    InsufficientPointsError,
    LimitReachedError,
    NotFoundError,
    RefusedError,
)
from loyaltycli.i18n import _
from loyaltycli.services.codes import normalise_code, voucher_code
from loyaltycli.services.context import Today, today_in
from loyaltycli.services.members import current_tier, lapse_day
from loyaltycli.services.voucher_rows import VoucherRow, voucher_row
from loyaltycli.storage import ledger, vouchers
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import member_balances
from loyaltycli.storage.database import Database
from loyaltycli.storage.records import MemberRecord, Transaction, VoucherRecord


@dataclass(frozen=True)
class RedeemResult:
    member: str
    reward: str | None
    points: int
    voucher: str | None
    valid_until: dt.date | None
    discount: str | None
    balance: int
    partner: str | None = None
    repeated: bool = False
    reward_name: str | None = None  # the reward's name in the programme (for people; `reward` is its id)
    currency: str = ""  # of `discount`


def _active_member(tx: Transaction, ctx: Today, ref: str) -> MemberRecord:
    member = lookup.resolve(tx, ref, ctx.program.region)
    assert member.pk is not None
    member = lookup.locked(tx, member)
    if member.status != "active":
        raise BlockedError(
            _("Member {id} is {status}; they cannot redeem or collect points.").format(
                id=member.id, status=i18n.status_named(member.status)
            )
        )
    return member


def _available(tx: Transaction, member: MemberRecord, program: Program, day: dt.date) -> int:
    return member_balances(tx, member, day, lapse_day(member, program)).available


def _spend(tx: Transaction, ctx: Today, member: MemberRecord, points: int, day: dt.date, what: str) -> int:
    """Check the balance and the programme's minimum, then return what is available."""
    program = ctx.version_on(day).program
    available = _available(tx, member, program, day)
    if available < max(points, program.redeem.min_balance):
        raise _too_few(member, available, program, points, what)
    return available


def _too_few(member: MemberRecord, available: int, program: Program, points: int, what: str) -> InsufficientPointsError:
    return InsufficientPointsError(
        _("Member {id} has {available} available points; {what} needs {points}").format(
            id=member.id, available=available, what=what, points=points
        )
        + (
            _(" and at least {min_balance} available").format(min_balance=program.redeem.min_balance)
            if program.redeem.min_balance > points
            else ""
        )
        + "."
    )


def _check_reward(tx: Transaction, ctx: Today, member: MemberRecord, reward: Reward, day: dt.date) -> int:
    """The one eligibility rule (domain/rewards.py) under the member's lock and the stock's; what is available."""
    program = ctx.version_on(day).program
    if reward.stock is not None:
        vouchers.lock_stock(tx, reward.id)
    held = current_tier(tx, member, program, day) if reward.min_tier and program.tiers else None
    available = _available(tx, member, program, day)
    redeemed = vouchers.redeemed_count(tx, reward.id) if reward.stock is not None else 0
    refusal = reward_refusal(program, reward, held, available, redeemed)
    if refusal is None:
        return available
    if refusal.kind == "tier":
        raise RefusedError(
            _("Reward {id} is for tier {min_tier} and up; member {id2} is in {value}.").format(
                id=reward.id, min_tier=reward.min_tier, id2=member.id, value=held or "no tier"
            )
        )
    if refusal.kind == "stock":
        raise LimitReachedError(
            _("Reward {id} is out of stock (all {stock} have been redeemed).").format(id=reward.id, stock=reward.stock)
        )
    raise _too_few(member, available, program, reward.points, _("reward {id}").format(id=reward.id))


def redeem_reward(
    db: Database, ref: str, reward_id: str, when: dt.datetime | None, now: dt.datetime, key: str | None = None
) -> RedeemResult:
    """Spend a reward's points (FIFO by expiry) and issue its voucher; a repeated `key` returns the original."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        day = ctx.written_day(local_date(when or now, ctx.program.zone), "--date")
        version = ctx.version_on(day)
        program = version.program
        reward = program.reward(reward_id)
        if reward is None:
            known = ", ".join(r.id for r in program.rewards) or "none"
            raise NotFoundError(
                _("There is no reward {reward_id!r} in the programme (rewards: {known}).").format(
                    reward_id=reward_id, known=known
                )
            )
        member = _active_member(tx, ctx, ref)
        repeated = _repeated(tx, ctx, member, key, reward.id, reward.points, day)
        if repeated is not None:
            return repeated
        available = _check_reward(tx, ctx, member, reward, day)
        code = voucher_code()
        value = str(reward.value) if reward.value is not None else None
        valid_until = voucher_valid_until(program, day)
        voucher = vouchers.issue_voucher(
            tx, code, member.pk or 0, (reward.id, reward.kind, value), "redeem", utc_naive(now), (day, valid_until)
        )
        booking = ledger.Booking(
            version.version, "redeem", day, utc_naive(now), voucher_pk=voucher.pk, ref=reward.id, key=_key(key)
        )
        ledger.post_plans(tx, [plans.debit(ledger.holdings(tx, member.pk), "redeem", booking, reward.points, day)])
        discount = (
            format_amount(reward.value) if reward.kind in ("discount_amount", "free_item") and reward.value else None
        )
        return RedeemResult(
            str(member.id),
            reward.id,
            reward.points,
            code,
            voucher.valid_until,
            discount,
            available - reward.points,
            reward.partner,
            reward_name=reward.title,
            currency=program.program.currency,
        )


def redeem_points(
    db: Database, ref: str, points: int, when: dt.datetime | None, now: dt.datetime, key: str | None = None
) -> RedeemResult:
    """Spend N points as a discount of N x point_value."""
    if points <= 0:
        raise BadInputError(_("--points: {points} must be a positive number of points.").format(points=points))
    with db.write() as tx:
        ctx = today_in(tx, now)
        day = ctx.written_day(local_date(when or now, ctx.program.zone), "--date")
        version = ctx.version_on(day)
        value = version.program.redeem.point_value
        if value is None:
            raise RefusedError(_("The programme sets no redeem.point_value, so points cannot be spent as a discount."))
        member = _active_member(tx, ctx, ref)
        repeated = _repeated(tx, ctx, member, key, "points", points, day)
        if repeated is not None:
            return repeated
        available = _spend(tx, ctx, member, points, day, _("a discount of {points}").format(points=i18n.points(points)))
        booking = ledger.Booking(version.version, "redeem", day, utc_naive(now), ref="points", key=_key(key))
        ledger.post_plans(tx, [plans.debit(ledger.holdings(tx, member.pk), "redeem", booking, points, day)])
        discount = (Decimal(points) * value).quantize(Decimal("0.01"))
        return RedeemResult(
            str(member.id),
            None,
            points,
            None,
            None,
            format_amount(discount),
            available - points,
            currency=version.program.program.currency,
        )


def _key(key: str | None) -> str | None:
    return f"redeem:{key.strip()}" if key and key.strip() else None


def _repeated(
    tx: Transaction, ctx: Today, member: MemberRecord, key: str | None, what: str, points: int, day: dt.date
) -> RedeemResult | None:
    """The original result of a redemption made with the same `--key` (a till's retry), checked under the
    member's lock; the same key with another member, reward or number of points is refused."""
    stored = _key(key)
    if stored is None:
        return None
    entry = ledger.entry_with_key(tx, stored)
    if entry is None:
        return None
    if entry.member_pk != member.pk or entry.ref != what or -entry.points != points:
        raise DuplicateError(_("--key {key} was already used for another redemption; use a new key.").format(key=key))
    balance = _available(tx, member, ctx.version_on(day).program, day)
    voucher = vouchers.voucher_by_pk(tx, entry.voucher_pk) if entry.voucher_pk else None
    if voucher is None:
        value = ctx.version_on(entry.business_date).program.redeem.point_value or Decimal(0)
        amount = format_amount((Decimal(points) * value).quantize(Decimal("0.01")))
        currency = ctx.program.program.currency
        return RedeemResult(str(member.id), None, points, None, None, amount, balance, repeated=True, currency=currency)
    reward = ctx.version_on(entry.business_date).program.reward(voucher.reward_id)
    discount = (
        format_amount(Decimal(voucher.value))
        if voucher.kind in ("discount_amount", "free_item") and voucher.value
        else None
    )
    return RedeemResult(
        str(member.id),
        voucher.reward_id,
        points,
        voucher.code,
        voucher.valid_until,
        discount,
        balance,
        reward.partner if reward else None,
        repeated=True,
        reward_name=reward.title if reward else voucher.reward_id,
        currency=ctx.program.program.currency,
    )


def _refuse_personal_note(member: MemberRecord, note: str | None, option: str) -> None:
    """Notes stay in the append-only ledger when a member is erased, so they may not name the person (nor hold
    control characters, which would reach the terminal of whoever reads the statement)."""
    problem = control_problem(note, option)
    if problem is not None:
        raise BadInputError(problem + ".")
    if note and names_the_person(note, member.name, member.email, member.phone):
        raise BadInputError(
            _(
                "{option}: the note repeats the member's name, e-mail or phone; notes stay in the ledger even after an erasure, so write it without them (the entry already names the member)."
            ).format(option=option)
        )


@dataclass(frozen=True)
class VoucherView:
    code: str
    status: str
    reward: str
    kind: str
    value: str | None
    member: str
    issued_on: dt.date
    valid_until: dt.date
    used_at: str | None  # local wall-clock time in the programme's zone, to the minute
    used_receipt: str | None
    partner: str | None = None  # who honours it, where the reward names a partner
    reward_name: str = ""  # what people call the reward
    currency: str = ""  # of `value`, for a discount or free item


def _find_voucher(tx: Transaction, code: str) -> VoucherRecord:
    voucher = vouchers.voucher_with_code(tx, normalise_code(code))
    if voucher is None:
        raise NotFoundError(_("There is no voucher {code}; check the code.").format(code=code))
    return voucher


def _view(tx: Transaction, voucher: VoucherRecord, ctx: Today) -> VoucherView:
    today = ctx.today
    member = lookup.by_pk(tx, voucher.member_pk)
    status = voucher.status
    if status == "issued":
        status = "expired" if today > voucher.valid_until else "valid"
    reward = next((r for v in reversed(ctx.versions) for r in v.program.rewards if r.id == voucher.reward_id), None)
    return VoucherView(
        voucher.code,
        status,
        voucher.reward_id,
        voucher.kind,
        voucher.value,
        str(member.id if member else ""),
        voucher.issued_on,
        voucher.valid_until,
        local_minute(voucher.used_at, ctx.program.zone),
        voucher.used_receipt,
        reward.partner if reward else None,
        reward.title if reward else voucher.reward_id,
        ctx.program.program.currency,
    )


def show_voucher(db: Database, code: str, now: dt.datetime) -> VoucherView:
    with db.read() as tx:
        ctx = today_in(tx, now)
        return _view(tx, _find_voucher(tx, code), ctx)


def use_voucher(db: Database, code: str, receipt: str | None, now: dt.datetime) -> VoucherView:
    """Consume a voucher once; a used or expired voucher is refused."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        voucher = _find_voucher(tx, code)
        _refuse_unusable(voucher, ctx)
        # Conditional on the voucher still being unused: of two tills using the same code at the same
        # moment, the second one's update finds no row (PostgreSQL re-checks the condition after the
        # first commits), so exactly one succeeds.
        changed, voucher = vouchers.change_if_issued(
            tx, voucher, status="used", used_at=utc_naive(now), used_receipt=receipt
        )
        if not changed:
            _refuse_unusable(voucher, ctx)
            raise LimitReachedError(
                _("Voucher {code} cannot be used (it is {status}).").format(
                    code=voucher.code, status=i18n.status_named(voucher.status)
                )
            )
        if not vouchers.record_use(tx, voucher, utc_naive(now), receipt):  # another till, the same instant
            raise LimitReachedError(_("Voucher {code} was already used.").format(code=voucher.code))
        return _view(tx, voucher, ctx)


def _refuse_unusable(voucher: VoucherRecord, ctx: Today) -> None:
    if voucher.status == "used":
        when = local_minute(voucher.used_at, ctx.program.zone)
        raise LimitReachedError(_("Voucher {code} was already used on {when}.").format(code=voucher.code, when=when))
    if ctx.today > voucher.valid_until:
        raise LimitReachedError(
            _("Voucher {code} expired on {valid_until}.").format(code=voucher.code, valid_until=voucher.valid_until)
        )


@dataclass(frozen=True)
class AwardResult:
    member: str
    action: str
    points: int
    balance: int


def award(db: Database, ref: str, action_id: str, note: str | None, now: dt.datetime) -> AwardResult:
    """Points for an action, within its limit (once, daily, monthly, unlimited)."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        action = ctx.program.action(action_id)
        if action is None:
            known = ", ".join(a.id for a in ctx.program.actions) or "none"
            raise NotFoundError(
                _("There is no action {action_id!r} in the programme (actions: {known}).").format(
                    action_id=action_id, known=known
                )
            )
        member = _active_member(tx, ctx, ref)
        _refuse_personal_note(member, note, "--ref")
        _check_limit(tx, member, action.id, action.limit, ctx.today)
        booking = ledger.Booking(ctx.current.version, "award", ctx.today, utc_naive(now), ref=action.id, note=note)
        expires = lot_expiry(ctx.program.expiry, ctx.today)
        grant = plans.Grant(action.points, ctx.today, expires)
        ledger.post_plans(tx, [plans.credit(ledger.holdings(tx, member.pk), "action", booking, grant)])
        return AwardResult(str(member.id), action.id, action.points, _available(tx, member, ctx.program, ctx.today))


def _check_limit(tx: Transaction, member: MemberRecord, action_id: str, limit: str, today: dt.date) -> None:
    if limit == "unlimited":
        return
    for day in ledger.days_of_entries(tx, member.pk or 0, "action", action_id):
        if (
            limit == "once"
            or (limit == "daily" and day == today)
            or (limit == "monthly" and (day.year, day.month) == (today.year, today.month))
        ):
            period = {"once": "ever", "daily": "today", "monthly": "this month"}[limit]
            raise LimitReachedError(
                _("Member {id} already got the points for {action_id} {period}.").format(
                    id=member.id, action_id=action_id, period=period
                )
            )


@dataclass(frozen=True)
class AdjustResult:
    member: str
    points: int
    balance: int


MAX_ADJUSTMENT = 10_000_000  # SPEC §1 limits: no single entry can make a sum overflow later


def adjust(db: Database, ref: str, points: int, reason: str, now: dt.datetime) -> AdjustResult:
    """A manual correction with a reason; never below 0 available."""
    if points == 0:
        raise BadInputError(_("POINTS: an adjustment of 0 points changes nothing."))
    if abs(points) > MAX_ADJUSTMENT:
        raise BadInputError(
            _("POINTS: {points} is more than one adjustment may change ({max_adjustment:,} points).").format(
                points=points, max_adjustment=MAX_ADJUSTMENT
            )
        )
    if not reason.strip():
        raise BadInputError(_("--reason: say why the points are corrected."))
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = lookup.resolve(tx, ref, ctx.program.region)
        assert member.pk is not None
        member = lookup.locked(tx, member)
        _refuse_personal_note(member, reason, "--reason")
        booking = ledger.Booking(
            ctx.current.version, "adjust", ctx.today, utc_naive(now), ref="adjust", note=reason.strip()
        )
        available = _available(tx, member, ctx.program, ctx.today)
        if points > 0:
            expires = lot_expiry(ctx.program.expiry, ctx.today)
            grant = plans.Grant(points, ctx.today, expires)
            ledger.post_plans(tx, [plans.credit(ledger.holdings(tx, member.pk), "adjust", booking, grant)])
        else:
            if available + points < 0:
                raise InsufficientPointsError(
                    _("Member {id} has {available} available points; taking {value} would go below 0.").format(
                        id=member.id, available=available, value=-points
                    )
                )
            ledger.post_plans(tx, [plans.debit(ledger.holdings(tx, member.pk), "adjust", booking, -points, ctx.today)])
        return AdjustResult(str(member.id), points, _available(tx, member, ctx.program, ctx.today))


@dataclass(frozen=True)
class CancelResult:
    code: str
    status: str
    member: str
    points: int
    balance: int


def cancel_voucher(db: Database, code: str, now: dt.datetime) -> CancelResult:
    """Cancel an unused, unexpired voucher from `redeem`: its points come back with the available and expiry
    dates of the lots they were taken from (what is past expiry by now stays expired); stock goes back up."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        voucher = _find_voucher(tx, code)
        member = lookup.by_pk(tx, voucher.member_pk)
        assert member is not None and member.pk is not None
        member = lookup.locked(tx, member)
        _refuse_uncancellable(voucher, ctx)
        changed, voucher = vouchers.change_if_issued(tx, voucher, status="cancelled")
        if not changed:  # another till, a moment ago
            _refuse_uncancellable(voucher, ctx)
        redemption = ledger.redemption_of(tx, voucher.pk or 0)
        spent = ledger.lots_spent_by(tx, redemption.pk) if redemption is not None else []
        booking = ledger.Booking(
            ctx.current.version, "voucher-cancel", ctx.today, utc_naive(now), voucher_pk=voucher.pk, ref=code
        )
        back = plans.returned(ledger.holdings(tx, member.pk), booking, spent, ctx.today)
        ledger.post_plans(tx, back)
        returned = sum(credit.points for credit in back)
        balance = _available(tx, member, ctx.program, ctx.today)
        return CancelResult(voucher.code, "cancelled", str(member.id), returned, balance)


def _refuse_uncancellable(voucher: VoucherRecord, ctx: Today) -> None:
    if voucher.source != "redeem":
        raise LimitReachedError(
            _("Voucher {code} came from a stamp card, not from points; it cannot be cancelled.").format(
                code=voucher.code
            )
        )
    if voucher.status == "cancelled":
        raise LimitReachedError(
            _("Voucher {code} was already cancelled; its points came back then.").format(code=voucher.code)
        )
    _refuse_unusable(voucher, ctx)


VOUCHER_STATUSES = ("valid", "used", "expired", "cancelled")


def list_vouchers(db: Database, ref: str | None, status: str | None, now: dt.datetime) -> list[VoucherRow]:
    """Vouchers, newest first; of one member, and of one status (valid, used, expired, cancelled)."""
    if status is not None and status not in VOUCHER_STATUSES:
        raise BadInputError(
            _("--status: {status!r} is not one of {voucher_statuses}.").format(
                status=status, voucher_statuses=", ".join(VOUCHER_STATUSES)
            )
        )
    with db.read() as tx:
        ctx = today_in(tx, now)
        member_pk = lookup.resolve(tx, ref, ctx.program.region).pk if ref is not None else None
        rows = vouchers.vouchers_listed(tx, member_pk, status, ctx.today)
        return [voucher_row(voucher, member_id, ctx) for voucher, member_id in rows]
