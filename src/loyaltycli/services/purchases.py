"""`purchase`: plan a receipt with the rules, then book it (or only show it with --dry-run).

`Planner` is shared with `import`: it reads what a receipt's plan needs (the
programme of its day, the member's tier then) and lets the domain's
`plan_purchase` plan it; both commands write plans with `PurchaseWriter`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from loyaltycli import i18n
from loyaltycli.domain.dates import local_clock, local_date, utc_naive
from loyaltycli.domain.expiry import lapse_day, lot_expiry
from loyaltycli.domain.member_state import MemberState
from loyaltycli.domain.money import amount_limit_problem, format_amount, format_cents, from_cents, to_cents
from loyaltycli.domain.points import Earning, LinePoints, compute_earning, pending_until
from loyaltycli.domain.program import Program, TierLevel, normalise_category
from loyaltycli.domain.purchase_plans import (
    PurchasePlan,
    Sale,
    Terms,
    decode_lines,
    plan_purchase,
    quantity_milli,
)
from loyaltycli.domain.receipts import Line, ReceiptInput
from loyaltycli.domain.tiers import tier_for, window_start
from loyaltycli.errors import BadInputError, BlockedError, DuplicateError
from loyaltycli.i18n import _
from loyaltycli.services.codes import receipt_id as new_receipt_id
from loyaltycli.services.codes import voucher_code
from loyaltycli.services.context import Today, today_in
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import available_points
from loyaltycli.storage.database import Database
from loyaltycli.storage.history import stamps_on_cards
from loyaltycli.storage.receipts import earned_available_on, receipt_with_id, voucher_codes_of
from loyaltycli.storage.records import MemberRecord, ReceiptRecord, Transaction
from loyaltycli.storage.state import load_history, load_state
from loyaltycli.storage.writer import PurchaseWriter


@dataclass(frozen=True)
class PurchaseRequest:
    member: str
    lines: tuple[Line, ...]
    when: dt.datetime | None = None
    receipt_id: str | None = None
    channel: str | None = None
    store: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class BreakdownLine:
    """How one line of the receipt earned (SPEC's `breakdown` of `purchase --json`)."""

    line: int
    sku: str | None
    category: str | None
    amount: str
    eligible: bool
    reason: str | None
    rate: str
    campaign: str | None
    multiplier: str
    points: str


@dataclass(frozen=True)
class PurchaseResult:
    receipt: str
    member: str
    total: str
    points: int
    pending_until: dt.date | None
    tier: str | None
    breakdown: list[BreakdownLine]
    stamps: dict[str, int]
    vouchers: list[str]
    campaign_bonus: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    repeated: bool = False
    day: dt.date | None = None  # the receipt's local day
    balance: int | None = None  # points available after the purchase
    stamp_sizes: dict[str, int] = field(default_factory=dict)  # stamps each card needs to fill
    tier_multiplier: str = "1"  # the lines' points are multiplied by this, then rounded once
    exact: str = "0"  # the lines' points times the tier multiplier, before rounding
    rounding: str = "floor"
    bonuses: dict[str, int] = field(default_factory=dict)  # other credits this purchase earned: referee ...


def window_since(program: Program, day: dt.date) -> dt.date:
    """How far back a member's receipts matter for the tier held on `day`."""
    return window_start(program.tiers, day) if program.tiers else day


def same_lines(stored: str, lines: tuple[Line, ...]) -> bool:
    """Whether a stored receipt's lines (`Receipt.lines`) are `lines`: what makes a repeated receipt "the same",
    with its member (and its date, compared apart). Amounts compare in cents, so `12.5` is `12.50`."""
    rows = decode_lines(stored)
    return len(rows) == len(lines) and all(
        (row.sku or None) == (line.sku or None)
        and normalise_category(row.category) == normalise_category(line.category)
        and row.quantity_milli == quantity_milli(line.quantity)
        and row.amount_cents == to_cents(line.amount)
        for row, line in zip(rows, lines, strict=True)
    )


class Planner:
    """Turns receipts into plans with the rules in force on their day."""

    def __init__(self, tx: Transaction, ctx: Today, source: str) -> None:
        self.tx = tx
        self.ctx = ctx
        self.source = source
        self._referrers: dict[int, bool] = {}
        self._days: dict[tuple[int, dt.date], tuple[dt.date, dt.date | None]] = {}
        self._windows: dict[tuple[int, dt.date], dt.date] = {}

    def plan(
        self,
        state: MemberState | None,
        receipt: ReceiptInput,
        occurred_at: dt.datetime,
        receipt_id: str,
        store: str | None,
        total: Decimal | None = None,  # the receipt's total, when the caller has summed it already
    ) -> tuple[PurchasePlan, Earning]:
        """The receipt planned by `domain.purchase_plans.plan_purchase` with what it needs read here: the
        programme version of its day, the member's tier then, and its points' dates."""
        version = self.ctx.version_on(receipt.day)
        program = version.program
        at = utc_naive(occurred_at)
        total_cents = to_cents(receipt.total if total is None else total)
        sale = Sale(receipt, at, receipt_id, store, self.source, total_cents)
        terms = Terms(
            program, version.version, self._tier(program, state, receipt.day, at), *self._dates(program, receipt.day)
        )
        return plan_purchase(sale, terms, state, self._referrer_active, voucher_code)

    def _tier(self, program: Program, state: MemberState | None, day: dt.date, at: dt.datetime) -> TierLevel | None:
        if state is None or program.tiers is None:
            return None
        since = self._windows.get((id(program), day))
        if since is None:
            since = self._windows[id(program), day] = window_since(program, day)
        if since < state.history_since:
            load_history(self.tx, state, since)
        cents = state.qualifying(program.tiers.basis, since, at)
        qualifying = Decimal(cents) / 100 if program.tiers.basis == "spend" else Decimal(cents)
        return tier_for(program.tiers, qualifying)

    def _dates(self, program: Program, day: dt.date) -> tuple[dt.date, dt.date | None]:
        """When points bought on `day` become available and expire (the same for a whole day's sales)."""
        key = (id(program), day)
        if key not in self._days:
            self._days[key] = (pending_until(program, day), lot_expiry(program.expiry, day))
        return self._days[key]

    def _referrer_active(self, pk: int) -> bool:
        if pk not in self._referrers:
            member = lookup.by_pk(self.tx, pk)
            self._referrers[pk] = member is not None and member.status == "active"
        return self._referrers[pk]


def purchase(db: Database, request: PurchaseRequest, now: dt.datetime) -> PurchaseResult:
    """Record a receipt and earn its points; a repeated receipt id with the same data changes nothing."""
    _check_lines(request.lines)
    with db.read() if request.dry_run else db.write() as tx:
        ctx = today_in(tx, now)
        member = lookup.resolve(tx, request.member, ctx.program.region)
        assert member.pk is not None
        member = lookup.locked(tx, member)
        when = request.when or now
        day = local_date(when, ctx.program.zone)
        if not request.dry_run:
            ctx.written_day(day, "--date")
        # A dry run without --receipt gets no id: one would be printed that is never stored.
        receipt_id = (request.receipt_id or "").strip() or ("" if request.dry_run else new_receipt_id())
        existing = receipt_with_id(tx, receipt_id)
        if existing is not None:
            return _repeat(tx, ctx, existing, member, request, day)
        if member.status != "active":
            raise BlockedError(
                _("Member {id} is {status}; a purchase for them earns nothing and is refused.").format(
                    id=member.id, status=i18n.status_named(member.status)
                )
            )
        program = ctx.version_on(day).program
        state = load_state(tx, member, window_since(program, day))
        if not request.dry_run:
            expire_if_lapsed(tx, ctx, state, day, now)
        plan, earning = Planner(tx, ctx, "cli").plan(
            state,
            ReceiptInput(request.lines, day, request.channel, local_clock(when, ctx.program.zone)),
            when,
            receipt_id,
            request.store,
        )
        if not request.dry_run:
            writer = PurchaseWriter(tx, now, "purchase")
            writer.add(plan)
            writer.flush([state])
        return PurchaseResult(
            receipt=receipt_id,
            member=state.id,
            total=format_cents(plan.total_cents),
            points=plan.points,
            pending_until=pending_until(program, day),
            day=day,
            tier=earning.tier,
            breakdown=[breakdown(n, line) for n, line in enumerate(earning.lines, start=1)],
            stamps=dict(state.stamps),
            vouchers=[v.code for v in plan.vouchers],
            campaign_bonus=dict(earning.campaign_bonus),
            dry_run=request.dry_run,
            balance=available_points(tx, member, ctx.today),
            stamp_sizes={card.id: card.stamps for card in program.stamp_cards},
            tier_multiplier=plain(earning.tier_multiplier),
            exact=plain(earning.exact),
            rounding=program.earn.rounding,
            bonuses={credit.ref or credit.kind: credit.points for credit in plan.credits if credit.kind == "referral"},
        )


def expire_if_lapsed(tx: Transaction, ctx: Today, state: MemberState, day: dt.date, now: dt.datetime) -> None:
    """Inactivity policy: points that lapsed before this purchase go before it resets the clock."""
    program = ctx.version_on(day).program
    lapse = lapse_day(program.expiry, state.last_purchase_on, state.enrolled_on)
    if lapse is not None and lapse <= day:
        from loyaltycli.services.jobs import expire_member

        expire_member(tx, ctx, state.pk, day, now, everything=True)  # takes lots only: the debt stays


def _check_lines(lines: tuple[Line, ...]) -> None:
    if not lines:
        raise BadInputError(_("A purchase needs an amount or at least one --line."))
    total = sum((line.amount for line in lines), Decimal(0))
    problem = amount_limit_problem(total)
    if problem is not None:
        raise BadInputError(_("AMOUNT: the receipt total {problem}.").format(problem=problem))
    if total < 0:
        raise BadInputError(
            _("AMOUNT: {total} is negative; record a refund with `loyalty refund RECEIPT --amount X`.").format(
                total=total
            )
        )


def breakdown(number: int, line: LinePoints) -> BreakdownLine:
    return BreakdownLine(
        line=number,
        sku=line.sku,
        category=line.category or None,
        amount=format_amount(line.amount),
        eligible=line.eligible,
        reason=line.reason,
        rate=plain(line.rate),
        campaign=line.campaign,
        multiplier=plain(line.multiplier),
        points=plain(line.points),
    )


def plain(number: Decimal) -> str:
    """A number as people write it: `80`, `12.5`, never `8E+1`."""
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"


def _repeat(
    tx: Transaction, ctx: Today, existing: ReceiptRecord, member: MemberRecord, request: PurchaseRequest, day: dt.date
) -> PurchaseResult:
    """The same receipt again (a retry): the original result, or a refusal if the data differ."""
    same = (
        existing.kind == "purchase"
        and existing.member_pk == member.pk
        and same_lines(existing.lines, request.lines)
        and (request.when is None or existing.local_date == day)
    )
    if not same:
        raise DuplicateError(
            _(
                "Receipt {receipt_id} is already recorded with other data (member, amount or date); use another --receipt id."
            ).format(receipt_id=existing.receipt_id)
        )
    lines = decode_lines(existing.lines)
    lot_day = earned_available_on(tx, existing.pk)
    stamps = stamps_on_cards(tx, member.pk)
    codes = voucher_codes_of(tx, existing.pk)
    earning = _original_earning(ctx, existing, lines)
    return PurchaseResult(
        receipt=existing.receipt_id,
        member=str(member.id),
        total=format_cents(existing.total_cents),
        points=existing.points,
        pending_until=lot_day,
        day=existing.local_date,
        tier=existing.tier,
        breakdown=[breakdown(n, line) for n, line in enumerate(earning.lines, start=1)],
        stamps={str(k): int(v) for k, v in stamps.items()},
        vouchers=list(codes),
        repeated=True,
        balance=available_points(tx, member, ctx.today),
        stamp_sizes={card.id: card.stamps for card in ctx.program.stamp_cards},
        tier_multiplier=plain(earning.tier_multiplier),
        exact=plain(earning.exact),
        rounding=ctx.version_on(existing.local_date).program.earn.rounding,
    )


def _original_earning(ctx: Today, receipt: ReceiptRecord, rows: Any) -> Earning:
    """The breakdown the receipt had when it was booked."""
    return earning_of_lines(ctx, receipt.local_date, receipt.tier, receipt.channel, receipt.occurred_at, rows)


def earning_of_lines(
    ctx: Today, day: dt.date, tier: str | None, channel: str | None, occurred_at: dt.datetime, rows: Any
) -> Earning:
    """What stored lines earned when they were booked: the same rules (the version of their day), lines and
    tier give the same rates, campaigns and points (`purchase` repeated, and `explain`)."""
    program = ctx.version_on(day).program
    level = next((t for t in program.tiers.levels if t.name == tier), None) if program.tiers else None
    lines = tuple(
        Line(from_cents(r.amount_cents), r.category or "", r.sku, Decimal(r.quantity_milli) / 1000) for r in rows
    )
    clock = local_clock(occurred_at.replace(tzinfo=dt.UTC), program.zone)
    return compute_earning(program, ReceiptInput(lines, day, channel, clock), level)


def parse_line(text: str) -> Line:
    """`SKU:CATEGORY:QTY:UNIT_PRICE` (SKU and CATEGORY may be empty; the price may use a comma)."""
    from loyaltycli.domain.money import amount_limit_problem, parse_money, parse_number, quantity_limit_problem

    parts = text.rsplit(":", 3)
    if len(parts) != 4:
        raise BadInputError(_("--line: {text!r} is not SKU:CATEGORY:QTY:UNIT_PRICE.").format(text=text))
    sku, category, qty, price = (p.strip() for p in parts)
    quantity = parse_number(qty, f"--line {text!r} quantity")
    if quantity <= 0:
        raise BadInputError(_("--line: {text!r} needs a positive quantity.").format(text=text))
    problem = quantity_limit_problem(quantity)
    if problem is not None:
        raise BadInputError(_("--line {text!r} quantity: {problem}.").format(text=text, problem=problem))
    unit = parse_money(price, f"--line {text!r} unit price")
    amount = (quantity * unit).quantize(Decimal("0.01"))
    problem = amount_limit_problem(amount)
    if problem is not None:
        raise BadInputError(_("--line {text!r}: the line amount {problem}.").format(text=text, problem=problem))
    return Line(amount=amount, category=category, sku=sku or None, quantity=quantity)


def one_line(amount: Decimal, category: str | None, sku: str | None) -> tuple[Line, ...]:
    return (Line(amount=amount, category=category or "", sku=sku or None),)
