"""How a purchase earns points (SPEC §2 "How a purchase earns points").

`compute_earning` is the one implementation of the rules: `purchase`,
`purchase --dry-run` and `import` all call it.  Fractions stay exact
(Decimal) until the single rounding per receipt.  What a programme implies
for every receipt (exclusion sets, rates, campaigns by day) is worked out
once per programme in `_Rules`, so a year of sales costs little more than a day.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import NamedTuple

from loyaltycli.domain.program import Campaign, Program, TierLevel, normalise_category
from loyaltycli.domain.receipts import Line, ReceiptInput
from loyaltycli.domain.tiers import multiplier_of

ROUNDING = {"floor": ROUND_FLOOR, "round": ROUND_HALF_UP, "ceil": ROUND_CEILING}
ZERO = Decimal(0)
ONE = Decimal(1)


class LinePoints(NamedTuple):
    """The breakdown of one line: whether it earns, at what rate, under which campaign (a tuple: one per line)."""

    amount: Decimal
    category: str
    sku: str | None
    eligible: bool
    reason: str | None
    rate: Decimal
    campaign: str | None
    multiplier: Decimal
    points: Decimal


@dataclass(frozen=True, slots=True)
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


class _Rules:
    """What a programme says about any line, prepared once: exclusions, rates, campaigns."""

    def __init__(self, program: Program) -> None:
        earn = program.earn
        self.program = program
        self.gift = frozenset(earn.gift_card_categories)
        self.excluded = frozenset(earn.exclude_categories)
        self.skus = frozenset(earn.exclude_skus)
        self.rates = dict(earn.category_rates)
        self.base = earn.points_per_unit
        self.min_spend = earn.min_spend
        self.rounding = ROUNDING[earn.rounding]
        self.campaigns = program.campaigns
        self.cards = [(card, frozenset(card.categories), frozenset(card.skus)) for card in program.stamp_cards]
        self._classes: dict[tuple[str, str | None], tuple[str, str | None, Decimal]] = {}

    def classify(self, category: str, sku: str | None) -> tuple[str, str | None, Decimal]:
        """(category key, why the line earns nothing or None, rate) of a line, remembered per category and SKU."""
        known = self._classes.get((category, sku))
        if known is None:
            if len(self._classes) > 100_000:
                self._classes.clear()
            key = normalise_category(category)
            known = self._classes[(category, sku)] = (key, self.eligibility(key, sku), self.rates.get(key, self.base))
        return known

    def eligibility(self, category: str, sku: str | None) -> str | None:
        """Why a line earns nothing, or None when it is eligible."""
        if category:
            if category in self.gift:
                return "gift card"
            if category in self.excluded:
                return f"category {category} excluded"
        if sku and sku in self.skus:
            return f"SKU {sku} excluded"
        return None

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - one _Rules per programme, kept for the process
    def active(self, day: dt.date, channel: str) -> tuple[Campaign, ...]:
        """Campaigns running on `day` for `channel` (the receipt minimum is checked per receipt)."""
        return tuple(c for c in self.campaigns if c.runs_on(day) and (not c.channels or channel in c.channels))


_RULES: dict[int, _Rules] = {}


def _rules(program: Program) -> _Rules:
    """The prepared rules of a programme (programmes are immutable; keyed by identity)."""
    rules = _RULES.get(id(program))
    if rules is None or rules.program is not program:
        if len(_RULES) > 64:
            _RULES.clear()
        rules = _RULES[id(program)] = _Rules(program)
    return rules


def compute_earning(program: Program, receipt: ReceiptInput, tier: TierLevel | None) -> Earning:
    """Points for one receipt under `program`, for a member holding `tier` before this purchase."""
    rules = _rules(program)
    classes = [rules.classify(line.category, line.sku) for line in receipt.lines]
    eligible_spend = ZERO
    for line, (_key, why, _rate) in zip(receipt.lines, classes, strict=True):
        if why is None:
            eligible_spend += line.amount
    below = eligible_spend < rules.min_spend or eligible_spend <= 0
    running = rules.active(receipt.day, normalise_category(receipt.channel))
    active = [c for c in running if eligible_spend >= c.min_spend and c.runs_at(receipt.clock)] if running else []
    lines = tuple(
        [
            _line_points(line, key, why, rate, active, below)
            for line, (key, why, rate) in zip(receipt.lines, classes, strict=True)
        ]
    )
    multiplier = multiplier_of(tier)
    exact = sum((line.points for line in lines), ZERO) * multiplier
    rounded = max(0, int(exact.to_integral_value(rounding=rules.rounding)))
    bonus = {} if below or not active else _campaign_bonuses(active, lines)
    extra = 0
    if active:
        without = sum((_base(p) for p in lines), ZERO) * multiplier
        extra = rounded - max(0, int(without.to_integral_value(rounding=rules.rounding))) + sum(bonus.values())
    return Earning(
        lines=lines,
        eligible_spend=eligible_spend,
        below_min_spend=below,
        tier=tier.name if tier else None,
        tier_multiplier=multiplier,
        exact=exact,
        rounded=rounded,
        campaign_bonus=bonus,
        campaign_extra=extra,
        stamps=_stamps(rules, receipt.lines, [c[0] for c in classes]) if rules.cards else {},
    )


def _line_points(
    line: Line, key: str, reason: str | None, rate: Decimal, active: list[Campaign], below: bool
) -> LinePoints:
    if reason is not None:
        return LinePoints(line.amount, key, line.sku, False, reason, ZERO, None, ONE, ZERO)
    campaign, multiplier = None, ONE
    if active:
        matching = [c for c in active if not c.categories or key in c.categories]
        if matching:
            best = max(matching, key=lambda c: c.multiplier)
            campaign, multiplier = best.id, best.multiplier
    if below:
        return LinePoints(line.amount, key, line.sku, True, "below minimum spend", rate, campaign, multiplier, ZERO)
    points = line.amount * rate if campaign is None else line.amount * rate * multiplier
    return LinePoints(line.amount, key, line.sku, True, None, rate, campaign, multiplier, points)


def _base(line: LinePoints) -> Decimal:
    """A line's points without its campaign multiplier (to tell what the campaign added)."""
    return line.points / line.multiplier


def _campaign_bonuses(active: list[Campaign], lines: tuple[LinePoints, ...]) -> dict[str, int]:
    bonus = {}
    for campaign in active:
        if campaign.bonus_points and any(
            line.eligible and (not campaign.categories or line.category in campaign.categories) for line in lines
        ):
            bonus[campaign.id] = campaign.bonus_points
    return bonus


def _stamps(rules: _Rules, lines: tuple[Line, ...], keys: list[str]) -> dict[str, int]:
    stamps: dict[str, int] = {}
    for card, categories, skus in rules.cards:
        units = sum(
            int(line.quantity)
            for line, key in zip(lines, keys, strict=True)
            if line.amount > 0 and (key in categories or (line.sku and line.sku in skus))
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


def return_points(program: Program, lines: tuple[Line, ...], tier: TierLevel | None) -> tuple[int, Decimal]:
    """What a return without a receipt takes back (SPEC §2 "Returns"), and its eligible amount.

    `lines` are the goods brought back, as positive amounts. They count at the base and category rates,
    with the exclusions and the member's tier multiplier, but no campaigns, no minimum spend and no
    bonuses; the positive value is rounded once with the programme's rounding."""
    rules = _rules(program)
    exact = eligible = ZERO
    for line in lines:
        key = normalise_category(line.category)
        if line.amount <= 0 or rules.eligibility(key, line.sku) is not None:
            continue
        eligible += line.amount
        exact += line.amount * rules.rates.get(key, rules.base)
    exact *= multiplier_of(tier)
    return max(0, int(exact.to_integral_value(rounding=rules.rounding))), eligible
