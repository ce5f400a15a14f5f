"""Whether a member can take a reward: the one rule that `redeem` enforces and the counter screen shows.

Pure: the caller hands in the member's tier, available points and how many of the reward are redeemed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, NamedTuple

from loyaltycli.domain.points import fill_cards
from loyaltycli.domain.program import Program, Reward


@dataclass(frozen=True)
class Refusal:
    """Why a reward cannot be taken now: the tier it needs, no stock left, or points still missing."""

    kind: Literal["tier", "stock", "points"]
    tier: str | None = None  # "tier": the tier it needs
    needed: int = 0  # "points": what must be available (the reward's points, or the minimum balance)
    missing: int = 0  # "points": how many more the member needs


def voucher_valid_until(program: Program, issued_on: dt.date) -> dt.date:
    """The last day a voucher issued on `issued_on` can be used: `[redeem] voucher_days` later (a redemption,
    a full stamp card, a merge that fills one)."""
    return issued_on + dt.timedelta(days=program.redeem.voucher_days)


class StampVoucher(NamedTuple):
    """The voucher a full stamp card issues (its code is drawn by the caller: this module has no randomness)."""

    card: str
    reward: str
    kind: str
    value: str | None
    valid_until: dt.date


def fill_stamp_cards(
    program: Program, on_cards: dict[str, int], added: dict[str, int], day: dt.date
) -> tuple[dict[str, int], list[StampVoucher]]:
    """Stamps added to a member's cards (a purchase, a merge): the stamps each card then holds, and a voucher
    for every card that filled ("buy nine, the tenth is free"), valid from `day`."""
    left: dict[str, int] = {}
    vouchers: list[StampVoucher] = []
    for card in program.stamp_cards:
        count = added.get(card.id, 0)
        if not count:
            continue
        full, left[card.id] = fill_cards(on_cards.get(card.id, 0), count, card.stamps)
        reward = program.reward(card.reward)
        if reward is None:
            continue
        value = str(reward.value) if reward.value is not None else None
        until = voucher_valid_until(program, day)
        vouchers += [StampVoucher(card.id, reward.id, reward.kind, value, until) for _full in range(full)]
    return left, vouchers


def reward_refusal(
    program: Program, reward: Reward, tier_held: str | None, available: int, redeemed: int
) -> Refusal | None:
    """Why `reward` cannot be redeemed (the tier first, then the stock, then the points), or None when it can.

    `redeemed`: vouchers of this reward issued by redemptions and not cancelled (what its stock counts)."""
    if reward.min_tier is not None and program.tiers is not None:
        names = [level.name for level in program.tiers.levels]
        if tier_held not in names or names.index(tier_held) < names.index(reward.min_tier):
            return Refusal("tier", tier=reward.min_tier)
    if reward.stock is not None and redeemed >= reward.stock:
        return Refusal("stock")
    needed = max(reward.points, program.redeem.min_balance)
    if available < needed:
        return Refusal("points", needed=needed, missing=needed - available)
    return None
