"""`explain RECEIPT|MEMBER` (SPEC §3): how points came about, in words a shop owner can read to a customer.

A receipt is explained by working its earning out again with the rules of its day (the programme version,
its lines, the tier it was booked with: `purchases.original_earning`, the same computation as at the till),
then following its points through the ledger: when they became usable, when they expire, and what refunds,
returns, redemptions and expiries took from them. A member is explained from their lots: where each came
from and what took from it, then the balance they add up to.

Every step has a `kind`, its figure and a sentence in the user's language; `--json` gives all three.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from loyaltycli import i18n
from loyaltycli.domain.allocation import Lot, pending_on, spendable_on
from loyaltycli.domain.dates import last_valid_day
from loyaltycli.domain.money import format_cents
from loyaltycli.domain.points import Earning
from loyaltycli.domain.purchase_plans import decode_lines
from loyaltycli.errors import NotFoundError
from loyaltycli.i18n import _
from loyaltycli.services.context import Today, today_in
from loyaltycli.services.members import lapse_day
from loyaltycli.services.purchases import BreakdownLine, breakdown, earning_of_lines, plain
from loyaltycli.services.reports import Report
from loyaltycli.storage import explaining
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import Database
from loyaltycli.storage.explaining import EntryFacts, LotFacts, StoredReceiptFacts
from loyaltycli.storage.records import Transaction


@dataclass(frozen=True)
class Step:
    kind: str
    points: int | str | None
    text: str


@dataclass(frozen=True)
class ReceiptExplanation(Report):
    receipt: str
    kind: str
    member: str | None
    date: dt.date
    total: str
    points: int
    program_version: int
    tier: str | None
    lines: list[BreakdownLine]
    steps: list[Step]


@dataclass(frozen=True)
class ExplainedLot:
    origin: str  # the credit's kind
    date: dt.date
    receipt: str | None
    earned: int
    available_on: dt.date
    expires_on: dt.date | None
    remaining: int
    taken: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class MemberExplanation(Report):
    member: str
    available: int
    pending: int
    past_expiry: int
    debt: int
    lots: list[ExplainedLot]
    steps: list[Step]


def explain(db: Database, ref: str, now: dt.datetime) -> ReceiptExplanation | MemberExplanation:
    """A receipt id, else a member reference (a receipt id wins: members are found by their id too)."""
    with db.read() as tx:
        ctx = today_in(tx, now)
        receipt = explaining.receipt_facts(tx, ref.strip())
        if receipt is not None:
            return _receipt(tx, ctx, receipt)
        try:
            member = lookup.resolve(tx, ref, ctx.program.region, follow=False)
        except NotFoundError:
            raise NotFoundError(
                _("There is no receipt or member {ref}; give a receipt id or a member.").format(ref=ref)
            ) from None
        return _member(tx, ctx, str(member.id), member.pk or 0, member.debt)


# ---------------------------------------------------------------- a receipt


def _receipt(tx: Transaction, ctx: Today, receipt: StoredReceiptFacts) -> ReceiptExplanation:
    entries = explaining.entries_of_receipt(tx, receipt.pk)
    steps: list[Step] = []
    lines: list[BreakdownLine] = []
    if receipt.kind == "purchase":
        earning = earning_of_lines(
            ctx, receipt.day, receipt.tier, receipt.channel, receipt.occurred_at, decode_lines(receipt.lines)
        )
        lines = [breakdown(n, line) for n, line in enumerate(earning.lines, start=1)]
        steps += _earning_steps(ctx, receipt, earning)
        steps += _credits(entries, receipt)
        steps += _what_became_of(tx, receipt, entries)
    else:
        steps += _reversal_steps(tx, receipt, entries)
    return ReceiptExplanation(
        receipt=receipt.receipt_id,
        kind=receipt.kind,
        member=receipt.member,
        date=receipt.day,
        total=format_cents(receipt.total_cents),
        points=receipt.points,
        program_version=receipt.version,
        tier=receipt.tier,
        lines=lines,
        steps=steps,
    )


def _earning_steps(ctx: Today, receipt: StoredReceiptFacts, earning: Earning) -> list[Step]:
    program = ctx.version_on(receipt.day).program
    lines_exact = sum((line.points for line in earning.lines), Decimal(0))
    steps = [
        Step(
            "lines",
            plain(lines_exact),
            _("The eligible lines earn {points} together (amount x rate x campaign multiplier, line by line).").format(
                points=i18n.decimal(lines_exact)
            ),
        )
    ]
    if earning.below_min_spend:
        steps.append(
            Step(
                "minimum_spend",
                0,
                _(
                    "The eligible spend {spend} is below the minimum spend of {minimum}: the receipt earns nothing."
                ).format(
                    spend=i18n.money(earning.eligible_spend, program.program.currency),
                    minimum=i18n.money(program.earn.min_spend, program.program.currency),
                ),
            )
        )
    if earning.tier_multiplier != 1:
        steps.append(
            Step(
                "tier",
                plain(earning.exact),
                _("Tier {tier} multiplies them by {multiplier}: {exact}.").format(
                    tier=earning.tier,
                    multiplier=i18n.decimal(earning.tier_multiplier),
                    exact=i18n.decimal(earning.exact),
                ),
            )
        )
    steps.append(
        Step(
            "rounding",
            earning.rounded,
            _("Rounded once for the receipt ({rounding}): {points}.").format(
                rounding=i18n.rounding(program.earn.rounding), points=i18n.points(earning.rounded)
            ),
        )
    )
    for campaign, points in earning.campaign_bonus.items():
        steps.append(
            Step(
                "campaign_bonus",
                points,
                _("Campaign {campaign} adds a bonus of {points}.").format(
                    campaign=campaign, points=i18n.points(points)
                ),
            )
        )
    steps.append(
        Step("points", receipt.points, _("The receipt earned {points}.").format(points=i18n.points(receipt.points)))
    )
    return steps


def _credits(entries: list[EntryFacts], receipt: StoredReceiptFacts) -> list[Step]:
    """Referral bonuses booked with the receipt (its own points are the `earn` entry)."""
    steps = []
    for entry in entries:
        if entry.kind == "referral":
            steps.append(
                Step(
                    "referral",
                    entry.points,
                    _("With it, a referral bonus of {points} ({who}).").format(
                        points=i18n.points(entry.points),
                        who=_("the customer's first purchase") if entry.ref == "referee" else _("for the referrer"),
                    ),
                )
            )
    return steps


def _what_became_of(tx: Transaction, receipt: StoredReceiptFacts, entries: list[EntryFacts]) -> list[Step]:
    """When the receipt's points became usable and expire, and what took them: refunds, returns,
    redemptions, expiry."""
    earned = [e.pk for e in entries if e.kind == "earn"]
    lots = explaining.lots_of_entries(tx, earned)
    steps: list[Step] = []
    for lot in lots:
        if lot.available_on > receipt.day:
            steps.append(
                Step(
                    "pending",
                    lot.earned,
                    _("Usable from {day} (the programme's pending days).").format(day=i18n.day(lot.available_on)),
                )
            )
        if lot.expires_on is not None:
            steps.append(
                Step(
                    "expires",
                    lot.earned,
                    _("Valid until {day}.").format(day=i18n.day(last_valid_day(lot.expires_on))),
                )
            )
    for refund in explaining.refunds_of(tx, receipt.pk):
        steps.append(
            Step(
                "refund",
                -refund.points,
                _("Refund {refund} of {day}: {amount} back, {points} taken back.").format(
                    refund=refund.receipt_id,
                    day=i18n.day(refund.day),
                    amount=i18n.amount(format_cents(refund.total_cents)),
                    points=i18n.points(refund.points),
                ),
            )
        )
    for lot in lots:
        steps += _uses_of(lot, skip_kinds=("refund",))
        steps.append(
            Step("left", lot.remaining, _("{points} of them are left.").format(points=i18n.points(lot.remaining)))
        )
    return steps


def _uses_of(lot: LotFacts, skip_kinds: tuple[str, ...] = ()) -> list[Step]:
    steps = []
    for use in lot.uses:
        if use.kind in skip_kinds:
            continue
        steps.append(Step(_USE_KINDS.get(use.kind, use.kind), -use.points, _used(use)))
    return steps


_USE_KINDS = {"redeem": "redeemed", "expire": "expired", "refund": "refund", "merge": "merged", "erase": "erased"}


def _used(use: explaining.Use) -> str:
    what = use.voucher or use.receipt or use.ref or ""
    return f"{i18n.day(use.day)}: {i18n.points(use.points)} {i18n.entry_kind(use.kind)} {what}".strip()


def _reversal_steps(tx: Transaction, receipt: StoredReceiptFacts, entries: list[EntryFacts]) -> list[Step]:
    """A refund or return: how many points it took back, and from where (the receipt's own points, other
    points, or a debt that later points paid)."""
    steps: list[Step] = []
    if receipt.kind == "refund":
        steps.append(
            Step(
                "refund_of",
                receipt.points,
                _("Refund of {amount} on receipt {receipt}: {points} taken back.").format(
                    receipt=receipt.refund_of,
                    amount=i18n.amount(format_cents(receipt.total_cents)),
                    points=i18n.points(receipt.points),
                ),
            )
        )
    else:
        steps.append(
            Step(
                "return",
                receipt.points,
                _("Goods for {amount} brought back: {points}, as the same goods would earn today.").format(
                    amount=i18n.amount(format_cents(receipt.total_cents)), points=i18n.points(receipt.points)
                ),
            )
        )
    for entry in entries:
        if entry.points >= 0:
            continue
        owners = explaining.lot_days(tx, [lot for lot, _points in entry.taken])
        found = sum(points for lot, points in entry.taken if owners.get(lot, 0) < entry.pk)
        paid_later = sum(points for lot, points in entry.taken if owners.get(lot, 0) > entry.pk)
        owed = -entry.points - found
        steps.append(
            Step("taken", found, _("Taken from the member's points: {points}.").format(points=i18n.points(found)))
        )
        if owed:
            steps.append(
                Step(
                    "debt",
                    owed,
                    _(
                        "Not there any more (spent already): {points} became a debt, of which later points paid {paid}."
                    ).format(points=i18n.points(owed), paid=i18n.points(paid_later)),
                )
            )
    return steps


# ---------------------------------------------------------------- a member


def _member(tx: Transaction, ctx: Today, member_id: str, member_pk: int, debt: int) -> MemberExplanation:
    lots = explaining.lots_of_member(tx, member_pk)
    member = lookup.by_pk(tx, member_pk)
    lapse = lapse_day(member, ctx.program) if member is not None else None
    today = ctx.today
    lapsed = lapse is not None and lapse <= today
    view = [Lot(lot.pk, lot.remaining, lot.available_on, lot.expires_on) for lot in lots]
    available = 0 if lapsed else sum(lot.remaining for lot in view if spendable_on(lot, today))
    pending = sum(lot.remaining for lot in view if pending_on(lot, today))
    past = sum(lot.remaining for lot in lots) - available - pending
    explained = [
        ExplainedLot(
            lot.kind,
            lot.day,
            lot.receipt,
            lot.earned,
            lot.available_on,
            lot.expires_on,
            lot.remaining,
            _uses_of(lot),
        )
        for lot in lots
    ]
    steps = _member_steps(lots, available, pending, past, debt, lapsed)
    return MemberExplanation(member_id, available - debt, pending, past, debt, explained, steps)


def _member_steps(lots: list[LotFacts], available: int, pending: int, past: int, debt: int, lapsed: bool) -> list[Step]:
    earned = sum(lot.earned for lot in lots)
    taken: dict[str, int] = {}
    for lot in lots:
        for use in lot.uses:
            taken[use.kind] = taken.get(use.kind, 0) + use.points
    steps = [
        Step(
            "earned",
            earned,
            _("{points} came in, in {count}.").format(
                points=i18n.points(earned), count=i18n.ngettext("{n} lot", "{n} lots", len(lots)).format(n=len(lots))
            ),
        )
    ]
    for kind in ("redeem", "refund", "expire", "merge", "erase"):
        if taken.get(kind):
            steps.append(
                Step(
                    _USE_KINDS[kind],
                    -taken[kind],
                    f"{i18n.entry_kind(kind)}: {i18n.points(taken[kind])}.",
                )
            )
    if past:
        steps.append(
            Step(
                "past_expiry",
                past,
                _("Past expiry, removed by the next nightly run: {points}.").format(points=i18n.points(past))
                if not lapsed
                else _("Lapsed after a time without purchases: {points}.").format(points=i18n.points(past)),
            )
        )
    if pending:
        steps.append(Step("pending", pending, _("Not usable yet: {points}.").format(points=i18n.points(pending))))
    if debt:
        steps.append(
            Step(
                "debt",
                -debt,
                _("A refund found {points} already spent: the next points pay that first.").format(
                    points=i18n.points(debt)
                ),
            )
        )
    steps.append(
        Step(
            "available",
            available - debt,
            _("Available now: {points}.").format(points=i18n.points(available - debt)),
        )
    )
    return steps
