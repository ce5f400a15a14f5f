"""What one receipt books, planned by the rules before anything is written: the receipt with its lines
(in the compact form stored with it), the credits it earns, the stamp-card vouchers it fills. `purchase`
plans one, `import` thousands; `storage.writer.PurchaseWriter` writes them the same way either way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from loyaltycli.domain.member_state import MemberState
from loyaltycli.domain.money import to_cents
from loyaltycli.domain.points import Earning, compute_earning
from loyaltycli.domain.program import Program, TierLevel
from loyaltycli.domain.receipts import ReceiptInput
from loyaltycli.domain.rewards import fill_stamp_cards


class LineRow(NamedTuple):
    sku: str | None
    category: str | None
    quantity_milli: int
    amount_cents: int
    eligible: bool
    campaign_id: str | None


_QUOTED: dict[str | None, str] = {None: "null"}


def _quoted(text: str | None) -> str:
    """A SKU, category or campaign as a JSON string (remembered: an import repeats the same few thousand)."""
    found = _QUOTED.get(text)
    if found is None:
        if len(_QUOTED) > 100_000:
            _QUOTED.clear()
            _QUOTED[None] = "null"
        found = _QUOTED[text] = json.dumps(text, ensure_ascii=False)
    return found


def encode_lines(lines: Sequence[tuple[str | None, str | None, int, int, bool, str | None]]) -> str:
    """A receipt's lines as stored with it: `[[sku, category, quantity_milli, amount_cents, 0|1, campaign]]`
    (compact JSON, written out: json.dumps per receipt was a twentieth of an import)."""
    known = _QUOTED.get  # looked up inline: a call per value was a tenth of the planning
    return (
        "["
        + ",".join(
            [
                f"[{known(s) or _quoted(s)},{known(c) or _quoted(c)},{int(q)},{int(a)},{1 if e else 0},"
                f"{known(k) or _quoted(k)}]"
                for s, c, q, a, e, k in lines
            ]
        )
        + "]"
    )


def decode_lines(text: str) -> list[LineRow]:
    return [LineRow(s, c, q, a, bool(e), k) for s, c, q, a, e, k in json.loads(text or "[]")]


class CreditPlan(NamedTuple):
    """Points booked to a member as a lot; `payoff` of them go to an outstanding refund debt."""

    member_pk: int
    kind: str
    points: int
    available_on: dt.date
    expires_on: dt.date | None
    ref: str | None = None
    payoff: int = 0


@dataclass(frozen=True)
class VoucherPlan:
    code: str
    member_pk: int
    reward_id: str
    kind: str
    value: str | None
    valid_until: dt.date


@dataclass(frozen=True, slots=True)
class PurchasePlan:
    receipt_id: str
    member_pk: int | None
    version: int
    occurred_at: dt.datetime
    day: dt.date
    channel: str | None
    store: str | None
    source: str
    total_cents: int
    eligible_cents: int
    points: int
    bonus_points: int
    campaign_id: str | None
    campaign_points: int
    tier: str | None
    stamps: int
    lines: str  # encode_lines of the receipt's lines
    credits: tuple[CreditPlan, ...] = ()
    vouchers: tuple[VoucherPlan, ...] = ()
    kind: str = "purchase"  # or "opening": the qualifying spend a customer list carries into the tier window


@dataclass(frozen=True)
class StandaloneCredit:
    """A credit that belongs to no receipt (the signup bonus of a member enrolled by `import`)."""

    credit: CreditPlan
    day: dt.date
    version: int


class Sale(NamedTuple):
    """A receipt as a command was given it: its lines and day, when it happened (naive UTC), its id and
    store, where it came from (`cli`, `import`), and its total in cents."""

    receipt: ReceiptInput
    at: dt.datetime
    receipt_id: str
    store: str | None
    source: str
    total_cents: int


class Terms(NamedTuple):
    """The rules a sale is planned with: the programme version of its day, the member's tier then (None:
    no tiers, or no member), and when its points become available and expire."""

    program: Program
    version: int
    level: TierLevel | None
    available_on: dt.date
    expires_on: dt.date | None


def plan_purchase(
    sale: Sale,
    terms: Terms,
    state: MemberState | None,
    referrer_active: Callable[[int], bool],
    new_code: Callable[[], str],
) -> tuple[PurchasePlan, Earning]:
    """What one receipt books (SPEC §2): its points with the tier's multiplier and campaigns, a referral's
    points on a referred member's first qualifying purchase, stamps and the vouchers of full cards. The
    member's `state` is brought up to date with the plan, so that the next receipt of the same batch sees
    it; an anonymous receipt (`state` None) books revenue only."""
    program, receipt = terms.program, sale.receipt
    earning = compute_earning(program, receipt, terms.level)
    member = state is not None
    credits: tuple[CreditPlan, ...] = ()
    vouchers: tuple[VoucherPlan, ...] = ()
    if state is not None:
        credits = _credits(terms, state, earning, referrer_active)
        vouchers = _vouchers(program, state, earning, receipt.day, new_code)
    plan = PurchasePlan(
        receipt_id=sale.receipt_id,
        member_pk=state.pk if state else None,
        version=terms.version,
        occurred_at=sale.at,
        day=receipt.day,
        channel=receipt.channel,
        store=sale.store,
        source=sale.source,
        total_cents=sale.total_cents,
        eligible_cents=to_cents(earning.eligible_spend),
        points=earning.points if member else 0,
        bonus_points=sum(earning.campaign_bonus.values()) if member else 0,
        campaign_id=earning.first_campaign,
        campaign_points=earning.campaign_extra if member else 0,
        tier=earning.tier,
        stamps=sum(earning.stamps.values()) if member else 0,
        lines=encode_lines(
            [
                (
                    line.sku,
                    line.category or None,
                    quantity_milli(line.quantity),
                    to_cents(line.amount),
                    why is None,
                    pick[0],
                )
                for line, (_key, why, _rate), pick in zip(receipt.lines, earning.classes, earning.picks, strict=True)
            ]
        ),
        credits=credits,
        vouchers=vouchers,
    )
    if state is not None:
        _remember(state, plan)
    return plan, earning


def _credits(
    terms: Terms, state: MemberState, earning: Earning, referrer_active: Callable[[int], bool]
) -> tuple[CreditPlan, ...]:
    """The points earned, and a referral's on the referred member's first qualifying purchase."""
    available, expires = terms.available_on, terms.expires_on
    credits = []
    if earning.points > 0:
        payoff = state.plan_credit(earning.points)
        credits.append(CreditPlan(state.pk, "earn", earning.points, available, expires, None, payoff))
    bonuses = terms.program.bonuses
    qualifies = earning.eligible_spend >= bonuses.referral_min_spend and earning.eligible_spend > 0
    if not (state.referred_by_pk and not state.referral_paid and qualifies):
        return tuple(credits)
    state.referral_paid = True
    if bonuses.referral_referee:
        payoff = state.plan_credit(bonuses.referral_referee)
        referee = CreditPlan(state.pk, "referral", bonuses.referral_referee, available, expires, "referee", payoff)
        credits.append(referee)
    if bonuses.referral_referrer and referrer_active(state.referred_by_pk):
        ref = f"referrer:{state.id}"
        credits.append(CreditPlan(state.referred_by_pk, "referral", bonuses.referral_referrer, available, expires, ref))
    return tuple(credits)


def _vouchers(
    program: Program, state: MemberState, earning: Earning, day: dt.date, new_code: Callable[[], str]
) -> tuple[VoucherPlan, ...]:
    """The stamps go on the member's cards; a card that fills issues its voucher."""
    if not earning.stamps:
        return ()
    left, full = fill_stamp_cards(program, state.stamps, earning.stamps, day)
    state.stamps.update(left)
    return tuple(VoucherPlan(new_code(), state.pk, v.reward, v.kind, v.value, v.valid_until) for v in full)


def _remember(state: MemberState, plan: PurchasePlan) -> None:
    state.remember(plan.occurred_at, plan.day, plan.eligible_cents, plan.points)
    if state.last_purchase_on is None or plan.day > state.last_purchase_on:
        state.last_purchase_on = plan.day
    state.changed = True


def quantity_milli(quantity: Decimal) -> int:
    """A line's quantity as stored with its receipt, in thousandths (`same_lines` compares it so)."""
    return 1000 if quantity == 1 else int(quantity * 1000)


def signup_credit(member_pk: int, points: int, day: dt.date, expires: dt.date | None, version: int) -> StandaloneCredit:
    """The signup bonus of a member enrolled by an import (a new member owes nothing: no payoff)."""
    return StandaloneCredit(CreditPlan(member_pk, "signup", points, day, expires, "signup"), day, version)


def opening_plans(
    member_pk: int,
    member_id: str,
    points: int,
    spend_cents: int,
    day: dt.date,
    at: dt.datetime,
    expires: dt.date | None,
    version: int,
) -> list[PurchasePlan | StandaloneCredit]:
    """What a customer list carries over (SPEC §4a): the points as an `opening` lot, and the qualifying spend
    as an `opening` receipt of no revenue (`OPENING-<id>`), so that the tier window counts it."""
    carried: list[PurchasePlan | StandaloneCredit] = []
    if points:
        carried.append(
            StandaloneCredit(CreditPlan(member_pk, "opening", points, day, expires, "opening"), day, version)
        )
    if spend_cents:
        carried.append(
            PurchasePlan(
                receipt_id=f"OPENING-{member_id}",
                member_pk=member_pk,
                version=version,
                occurred_at=at,
                day=day,
                channel=None,
                store=None,
                source="import",
                total_cents=0,
                eligible_cents=spend_cents,
                points=0,
                bonus_points=0,
                campaign_id=None,
                campaign_points=0,
                tier=None,
                stamps=0,
                lines="[]",
                kind="opening",
            )
        )
    return carried
