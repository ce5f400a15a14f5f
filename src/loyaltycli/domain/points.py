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


NO_CAMPAIGN: tuple[str | None, Decimal] = (None, ONE)


class Earning(NamedTuple):
    """Everything a receipt earns, before it is booked (a tuple: `import` makes one per receipt)."""

    eligible_spend: Decimal
    below_min_spend: bool
    tier: str | None
    tier_multiplier: Decimal
    exact: Decimal
    rounded: int
    campaign_bonus: dict[str, int]
    campaign_extra: int
    stamps: dict[str, int]
    # Per line, in the receipt's order: (category key, why it earns nothing or None, rate), and the
    # campaign (id, multiplier) it earns under. `lines` tells the whole breakdown from them.
    receipt_lines: tuple[Line, ...] = ()
    classes: tuple[tuple[str, str | None, Decimal], ...] = ()
    picks: tuple[tuple[str | None, Decimal], ...] = ()

    @property
    def points(self) -> int:
        """Rounded points plus the campaigns' bonus points."""
        return self.rounded + sum(self.campaign_bonus.values())

    @property
    def campaigns(self) -> tuple[str, ...]:
        seen = [campaign for campaign, _multiplier in self.picks if campaign] + list(self.campaign_bonus)
        return tuple(dict.fromkeys(seen))

    @property
    def lines(self) -> tuple[LinePoints, ...]:
        """The breakdown of every line: whether it earns, at what rate, under which campaign, how much."""
        return tuple(
            _line_points(line, cls, pick, self.below_min_spend)
            for line, cls, pick in zip(self.receipt_lines, self.classes, self.picks, strict=True)
        )

    @property
    def first_campaign(self) -> str | None:
        """The first of `campaigns` (what a receipt stores), without building them all."""
        for campaign, _multiplier in self.picks:
            if campaign:
                return campaign
        return next(iter(self.campaign_bonus), None)


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
        self.classes: dict[tuple[str, str | None], tuple[str, str | None, Decimal]] = {}
        # Without SKU exclusions a line's class depends on its category alone: looked up by the category.
        self.by_category: dict[str, tuple[str, str | None, Decimal]] | None = None if self.skus else {}
        self._picks: dict[tuple[str, tuple[int, ...]], tuple[str | None, Decimal]] = {}

    def classify(self, category: str, sku: str | None) -> tuple[str, str | None, Decimal]:
        """(category key, why the line earns nothing or None, rate) of a line, remembered per category and SKU."""
        known = self.classes.get((category, sku))
        if known is None:
            if len(self.classes) > 100_000:
                self.classes.clear()
            key = normalise_category(category)
            known = self.classes[(category, sku)] = (key, self.eligibility(key, sku), self.rates.get(key, self.base))
        return known

    def classify_all(self, lines: tuple[Line, ...]) -> tuple[tuple[str, str | None, Decimal], ...]:
        """`classify` of every line."""
        by_category = self.by_category
        if by_category is None:
            known, classify = self.classes.get, self.classify
            return tuple([known((line.category, line.sku)) or classify(line.category, line.sku) for line in lines])
        classes = []
        for line in lines:
            found = by_category.get(line.category)
            if found is None:
                if len(by_category) > 100_000:
                    by_category.clear()
                found = by_category[line.category] = self.classify(line.category, None)
            classes.append(found)
        return tuple(classes)

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

    def pick(self, key: str, active: tuple[Campaign, ...]) -> tuple[str | None, Decimal]:
        """The campaign (id, multiplier) an eligible line of category `key` earns under: the one with the
        highest multiplier among the `active` campaigns for its category; remembered per category and set."""
        if not active:
            return NO_CAMPAIGN
        known = (key, tuple(map(id, active)))
        found = self._picks.get(known)
        if found is None:
            matching = [c for c in active if not c.categories or key in c.categories]
            best = max(matching, key=lambda c: c.multiplier) if matching else None
            found = self._picks[known] = (best.id, best.multiplier) if best else NO_CAMPAIGN
        return found

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
    """Points for one receipt under `program`, for a member holding `tier` before this purchase.

    Each eligible line earns amount x rate x its campaign's multiplier; the sum, times the tier's
    multiplier, is rounded once. The amounts are summed per rate and multiplier before they are
    multiplied: the same exact Decimal as line by line, with a few multiplications per receipt."""
    rules = _rules(program)
    lines = receipt.lines
    classes = rules.classify_all(lines)
    eligible_spend = ZERO
    by_rate: dict[tuple[Decimal, Decimal], Decimal] = {}  # what the lines earn at each rate, before campaigns
    for line, (_key, why, rate) in zip(lines, classes, strict=True):
        if why is None:
            eligible_spend += line.amount
            by_rate[rate, ONE] = by_rate.get((rate, ONE), ZERO) + line.amount
    below = eligible_spend < rules.min_spend or eligible_spend <= 0
    running = rules.active(receipt.day, normalise_category(receipt.channel)) if rules.campaigns else ()
    active = tuple(c for c in running if eligible_spend >= c.min_spend and c.runs_at(receipt.clock)) if running else ()
    picks = (NO_CAMPAIGN,) * len(lines)
    if below:
        by_rate = {}
    elif active:
        picks = tuple([rules.pick(key, active) if why is None else NO_CAMPAIGN for key, why, _rate in classes])
        by_rate = {}
        for line, (_key, why, rate), (_campaign, multiplier) in zip(lines, classes, picks, strict=True):
            if why is None:
                by_rate[rate, multiplier] = by_rate.get((rate, multiplier), ZERO) + line.amount
    multiplier = multiplier_of(tier)
    exact = sum([amount * rate * m for (rate, m), amount in by_rate.items()], ZERO) * multiplier
    rounded = max(0, int(exact.to_integral_value(rounding=rules.rounding)))
    bonus = {} if below or not active else _campaign_bonuses(active, classes)
    extra = 0
    if active:
        without = sum((amount * rate for (rate, _m), amount in by_rate.items()), ZERO) * multiplier
        extra = rounded - max(0, int(without.to_integral_value(rounding=rules.rounding))) + sum(bonus.values())
    return Earning(
        eligible_spend=eligible_spend,
        below_min_spend=below,
        tier=tier.name if tier else None,
        tier_multiplier=multiplier,
        exact=exact,
        rounded=rounded,
        campaign_bonus=bonus,
        campaign_extra=extra,
        stamps=_stamps(rules, lines, [c[0] for c in classes]) if rules.cards else {},
        receipt_lines=lines,
        classes=classes,
        picks=picks,
    )


def _line_points(
    line: Line, cls: tuple[str, str | None, Decimal], pick: tuple[str | None, Decimal], below: bool
) -> LinePoints:
    key, reason, rate = cls
    if reason is not None:
        return LinePoints(line.amount, key, line.sku, False, reason, ZERO, None, ONE, ZERO)
    campaign, multiplier = pick
    if below:
        return LinePoints(line.amount, key, line.sku, True, "below minimum spend", rate, campaign, multiplier, ZERO)
    return LinePoints(
        line.amount, key, line.sku, True, None, rate, campaign, multiplier, line.amount * rate * multiplier
    )


def _campaign_bonuses(
    active: tuple[Campaign, ...], classes: tuple[tuple[str, str | None, Decimal], ...]
) -> dict[str, int]:
    bonus = {}
    for campaign in active:
        if campaign.bonus_points and any(
            why is None and (not campaign.categories or key in campaign.categories) for key, why, _rate in classes
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
