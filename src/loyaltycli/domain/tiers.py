"""Tiers: which level a member holds, from what qualified in a rolling window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from loyaltycli.domain.dates import add_months
from loyaltycli.domain.program import TierLevel, Tiers


def window_start(tiers: Tiers, day: dt.date) -> dt.date:
    """First day of the rolling window whose receipts decide the tier held on `day` (the one place the
    window is worked out: purchases, imports, member show, lists and reports all ask here)."""
    return add_months(day, -tiers.window_months)


def tier_for(tiers: Tiers | None, qualifying: Decimal) -> TierLevel | None:
    """The highest level whose threshold `qualifying` (spend in money or points) reaches."""
    if tiers is None:
        return None
    held = None
    for level in tiers.levels:
        if qualifying >= level.threshold:
            held = level
    return held


def multiplier_of(level: TierLevel | None) -> Decimal:
    return level.multiplier if level is not None else Decimal(1)
