"""What the counter screen needs beyond the commands' services: a member at a glance, the rewards they can
take, their last receipts, and the programme's categories.  Every write the screen makes goes through the
same services as the commands (`purchase`, `redeem_reward`, `use_voucher`, `enroll`, `refund`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from loyaltycli.domain.money import format_cents
from loyaltycli.domain.program import Program
from loyaltycli.domain.rewards import Refusal, reward_refusal
from loyaltycli.domain.tiers import window_start
from loyaltycli.services.context import today_in
from loyaltycli.services.members import ListFilter, MemberView, list_members, member_view
from loyaltycli.storage import history
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import Database
from loyaltycli.storage.records import Transaction

if TYPE_CHECKING:
    from loyaltycli.storage.listing import MemberRow

SEARCH_LIMIT = 10  # what fits the list at 80x24 (two lines each); more would cost time, not help
RECENT = 5  # receipts shown in the member pane


@dataclass(frozen=True)
class RecentReceipt:
    receipt: str
    day: dt.date
    total: str
    points: int
    kind: str  # purchase or return
    refunded: bool = False  # a refund took back all or part of it


@dataclass(frozen=True)
class RewardChoice:
    id: str
    title: str
    points: int
    refusal: Refusal | None = None  # None: affordable (with the minimum balance), tier reached, in stock

    @property
    def allowed(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class CounterMember:
    view: MemberView
    recent: list[RecentReceipt] = field(default_factory=list)
    next_tier: str | None = None  # the next tier's name, and what is missing to reach it (money or points)
    to_next_tier: Decimal | None = None
    tier_basis: str | None = None  # spend or points: what `to_next_tier` counts
    rewards: list[RewardChoice] = field(default_factory=list)
    last_purchase: RecentReceipt | None = None  # the purchase "undo" would refund
    currency: str = "EUR"


def search(db: Database, text: str, now: dt.datetime) -> list[MemberRow]:
    """The first matches for what was typed (name, e-mail, any written form of a phone); none for blank text."""
    if not text.strip():
        return []
    return list_members(db, ListFilter(text=text, limit=SEARCH_LIMIT), now)


def counter_member(db: Database, ref: str, now: dt.datetime) -> CounterMember:
    with db.read() as tx:
        ctx = today_in(tx, now)
        program = ctx.program
        member = lookup.resolve(tx, ref, program.region)
        view = member_view(tx, member, ctx)
        latest = history.latest_receipts(tx, member.pk or 0, RECENT)
        refunded = history.refunded_among(tx, [r.receipt for r in latest])
        recent = [
            RecentReceipt(r.receipt, r.day, format_cents(r.total_cents), r.points, r.kind, r.receipt in refunded)
            for r in latest
        ]
        next_tier, missing = _next_tier(tx, member.pk or 0, program, ctx.today, view.tier)
        last = next((r for r in recent if r.kind == "purchase" and not r.refunded), None)
        return CounterMember(
            view=view,
            recent=recent,
            next_tier=next_tier,
            to_next_tier=missing,
            tier_basis=program.tiers.basis if program.tiers else None,
            rewards=_rewards(tx, program, view),
            last_purchase=last,
            currency=program.program.currency,
        )


def categories(db: Database, now: dt.datetime) -> list[str]:
    """The categories the programme names (rates, exclusions, campaigns, stamp cards), for a purchase."""
    with db.read() as tx:
        program = today_in(tx, now).program
    named = [
        *program.earn.category_rates,
        *program.earn.exclude_categories,
        *(c for card in program.stamp_cards for c in card.categories),
        *(c for campaign in program.campaigns for c in campaign.categories),
    ]
    return sorted(dict.fromkeys(named))


def _next_tier(
    tx: Transaction, member_pk: int, program: Program, today: dt.date, held: str | None
) -> tuple[str | None, Decimal | None]:
    tiers = program.tiers
    if tiers is None:
        return None, None
    names = [level.name for level in tiers.levels]
    index = names.index(held) if held in names else -1
    if index + 1 >= len(names):
        return None, None
    level = tiers.levels[index + 1]
    total = lookup.qualifying_total(tx, member_pk, tiers.basis, window_start(tiers, today))
    missing = max(Decimal(0), level.threshold - total)
    return level.name, missing


def _rewards(tx: Transaction, program: Program, view: MemberView) -> list[RewardChoice]:
    """Every reward with why it cannot be taken now, by the rule `redeem` enforces (domain/rewards.py)."""
    from loyaltycli.storage.vouchers import redeemed_count

    return [
        RewardChoice(
            reward.id,
            reward.title,
            reward.points,
            reward_refusal(
                program,
                reward,
                view.tier,
                view.balances.available,
                redeemed_count(tx, reward.id) if reward.stock is not None else 0,
            ),
        )
        for reward in program.rewards
    ]
