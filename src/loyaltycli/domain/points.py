"""How a purchase earns points (SPEC §2 "How a purchase earns points").

`compute_earning` is the one implementation of the rules: `purchase`,
`purchase --dry-run` and `import` all call it.  Fractions stay exact
(Decimal) until the single rounding per receipt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from loyaltycli.domain.program import Campaign, Program, StampCard, TierLevel, normalise_category
from loyaltycli.domain.receipts import Line, ReceiptInput
from loyaltycli.domain.tiers import multiplier_of

ROUNDING = {"floor": ROUND_FLOOR, "round": ROUND_HALF_UP, "ceil": ROUND_CEILING}


@dataclass(frozen=True)
class LinePoints:
    """The breakdown of one line: whether it earns, at what rate, under which campaign."""

    amount: Decimal
    category: str
    sku: str | None
    eligible: bool
    reason: str | None
    rate: Decimal
    campaign: str | None
    multiplier: Decimal
    points: Decimal


@dataclass(frozen=True)
class Earning:
    """Everything a receipt earns, before it is booked."""

    lines: tuple[LinePoints, ...]
    eligible_spend: Decimal
    below_min_spend: bool
    tier: str | None
    tier_multiplier: Decimal
    exact: Decimal
    rounded: int
    campaign_bonus: dict[str, int]
    campaign_extra: int
    stamps: dict[str, int] = field(default_factory=dict)

    @property
    def points(self) -> int:
        """Rounded points plus the campaigns' bonus points."""
        return self.rounded + sum(self.campaign_bonus.values())

    @property
    def campaigns(self) -> tuple[str, ...]:
        seen = [line.campaign for line in self.lines if line.campaign] + list(self.campaign_bonus)
        return tuple(dict.fromkeys(c for c in seen if c))


def compute_earning(program: Program, receipt: ReceiptInput, tier: TierLevel | None) -> Earning:
    """Points for one receipt under `program`, for a member holding `tier` before this purchase."""
    earn = program.earn
    judged = [_eligibility(program, line) for line in receipt.lines]
    eligible_spend = sum((line.amount for line, (ok, _) in zip(receipt.lines, judged, strict=True) if ok), Decimal(0))
    below = eligible_spend < earn.min_spend or eligible_spend <= 0
    active = _active_campaigns(program, receipt, eligible_spend)
    lines = tuple(
        _line_points(program, line, ok, reason, active, below)
        for line, (ok, reason) in zip(receipt.lines, judged, strict=True)
    )
    multiplier = multiplier_of(tier)
    exact = sum((line.points for line in lines), Decimal(0)) * multiplier
    rounded = max(0, _round(exact, earn.rounding))
    bonus = {} if below else _campaign_bonuses(active, lines)
    without = max(0, _round(sum((_base(p) for p in lines), Decimal(0)) * multiplier, earn.rounding))
    return Earning(
        lines=lines,
        eligible_spend=eligible_spend,
        below_min_spend=below,
        tier=tier.name if tier else None,
        tier_multiplier=multiplier,
        exact=exact,
        rounded=rounded,
        campaign_bonus=bonus,
        campaign_extra=rounded - without + sum(bonus.values()),
        stamps=stamps_of(program.stamp_cards, receipt.lines),
    )


def _eligibility(program: Program, line: Line) -> tuple[bool, str | None]:
    earn = program.earn
    category = line.category_key
    if category and category in earn.gift_card_categories:
        return False, "gift card"
    if category and category in earn.exclude_categories:
        return False, f"category {category} excluded"
    if line.sku and line.sku in earn.exclude_skus:
        return False, f"SKU {line.sku} excluded"
    return True, None


def _active_campaigns(program: Program, receipt: ReceiptInput, eligible_spend: Decimal) -> list[Campaign]:
    channel = normalise_category(receipt.channel)
    return [
        c
        for c in program.campaigns
        if c.starts <= receipt.day <= c.ends
        and (not c.channels or channel in c.channels)
        and eligible_spend >= c.min_spend
    ]


def _line_points(
    program: Program, line: Line, eligible: bool, reason: str | None, active: list[Campaign], below: bool
) -> LinePoints:
    rate = program.earn.category_rates.get(line.category_key, program.earn.points_per_unit)
    campaign, multiplier = None, Decimal(1)
    if eligible:
        matching = [c for c in active if not c.categories or line.category_key in c.categories]
        if matching:
            best = max(matching, key=lambda c: c.multiplier)
            campaign, multiplier = best.id, best.multiplier
    earns = eligible and not below
    return LinePoints(
        amount=line.amount,
        category=line.category_key,
        sku=line.sku,
        eligible=eligible,
        reason=reason if not eligible else ("below minimum spend" if below else None),
        rate=rate if eligible else Decimal(0),
        campaign=campaign,
        multiplier=multiplier,
        points=line.amount * rate * multiplier if earns else Decimal(0),
    )


def _base(line: LinePoints) -> Decimal:
    """A line's points without its campaign multiplier (to tell what the campaign added)."""
    return line.points / line.multiplier if line.multiplier else line.points


def _campaign_bonuses(active: list[Campaign], lines: tuple[LinePoints, ...]) -> dict[str, int]:
    bonus = {}
    for campaign in active:
        if campaign.bonus_points and any(
            line.eligible and (not campaign.categories or line.category in campaign.categories) for line in lines
        ):
            bonus[campaign.id] = campaign.bonus_points
    return bonus


def _round(value: Decimal, rounding: str) -> int:
    return int(value.to_integral_value(rounding=ROUNDING[rounding]))


def stamps_of(cards: tuple[StampCard, ...], lines: tuple[Line, ...]) -> dict[str, int]:
    """Units bought in each stamp card's categories or SKUs (discount lines add none)."""
    stamps: dict[str, int] = {}
    for card in cards:
        units = sum(
            int(line.quantity)
            for line in lines
            if line.amount > 0 and (line.category_key in card.categories or (line.sku and line.sku in card.skus))
        )
        if units:
            stamps[card.id] = units
    return stamps


def fill_cards(current: int, added: int, size: int) -> tuple[int, int]:
    """(full cards, stamps left over) after adding stamps to a card of `size`."""
    return divmod(current + added, size)


def pending_until(program: Program, day: dt.date) -> dt.date:
    """Bought on P: available from P + pending_days."""
    return day + dt.timedelta(days=program.earn.pending_days)


def refund_share(points: int, refunded: Decimal, total: Decimal, unreversed: int) -> int:
    """Points a partial refund reverses: the share refunded/total, rounded down, capped at what remains."""
    if total <= 0:
        return 0
    share = int((Decimal(points) * refunded / total).to_integral_value(rounding=ROUND_FLOOR))
    return max(0, min(share, unreversed))
