"""A member as the purchase rules see them while a batch is planned: status, debt, stamps, referral and the
receipts of the tier window. Loaded once per batch (`storage.state`) and kept current by the plans of that
batch, so that `purchase` (a batch of one) and `import` book exactly the same receipts. It is never stored:
the posting engine writes what the plans say.
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass, field

from loyaltycli.domain.allocation import debt_payoff

_EPOCH = dt.datetime(1970, 1, 1)
_WIDTH = 4  # values per receipt in MemberState.history


def _micros(at: dt.datetime) -> int:
    """A naive UTC instant as whole microseconds since 1970 (exact: no float)."""
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(slots=True)
class MemberState:
    pk: int
    id: str
    status: str
    referred_by_pk: int | None
    enrolled_on: dt.date
    last_purchase_on: dt.date | None
    debt: int
    stamps: dict[str, int] = field(default_factory=dict)
    stamp_rows: frozenset[str] = frozenset()  # cards with a stored row (the shared empty set: most have none)
    # The receipts that count for the tier window, four integers each: the instant (microseconds since
    # 1970, UTC), the day (ordinal), the signed eligible cents and the signed points. Flat 64-bit values:
    # an import keeps the state of 25,000 members, and a tuple of objects per receipt cost five times as much.
    history: array[int] = field(default_factory=lambda: array("q"))
    history_since: dt.date = dt.date.max
    referral_paid: bool = False
    changed: bool = False

    def plan_credit(self, points: int) -> int:
        """A credit of `points` planned for this member: how many of them pay the refund debt, which the
        plans of this batch then see reduced (the posting engine writes the stored debt)."""
        payoff = debt_payoff(self.debt, points)
        self.debt -= payoff
        return payoff

    def remember(self, at: dt.datetime, day: dt.date, eligible_cents: int, points: int) -> None:
        """A receipt that counts for the tier window from now on (`at`: naive UTC)."""
        self.history.extend((_micros(at), day.toordinal(), eligible_cents, points))

    def qualifying(self, basis: str, since: dt.date, before: dt.datetime) -> int:
        """Eligible cents or points of receipts from `since` that happened before `before`."""
        h = self.history
        if not h:
            return 0
        value = 2 if basis == "spend" else 3
        first, limit = since.toordinal(), _micros(before)
        return sum([h[i + value] for i in range(0, len(h), _WIDTH) if h[i + 1] >= first and h[i] < limit])


def new_state(pk: int, member_id: str, enrolled_on: dt.date) -> MemberState:
    """The state of a member enrolled a moment ago: nothing bought, nothing owed."""
    return MemberState(pk, member_id, "active", None, enrolled_on, None, 0, history_since=dt.date.min)
