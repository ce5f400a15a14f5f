"""Which lots a debit takes its points from: one `allocate()` under named policies (SPEC §2).

Every debit of the ledger (redeem, adjust, refund, return, a merged debt,
expiry, erasure) consumes lots.  The order they are taken in is a policy,
registered here by name the way beancount registers its booking methods:

- `fifo`: spendable lots only (available on the day, not expired), the one
  expiring soonest first, lots without an expiry last, older before newer.
  What a member spends.
- `pending_first`: the lots named first (a refunded receipt's own), then
  pending lots (the latest to become available first), then `fifo`.  What a
  refund or a return takes back: points not yet usable go before points the
  member could spend.
- `everything`: every lot with points left, pending and past expiry too,
  oldest first.  What an expiry run, an inactivity lapse, an erasure or a
  merge empties.

What no lot holds becomes debt where the caller allows it (refunds, returns,
a merged debt); elsewhere the caller has checked the balance first and a
shortfall is a bug.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple


class Lot(NamedTuple):
    """A lot as a debit sees it."""

    pk: int
    remaining: int
    available_on: dt.date
    expires_on: dt.date | None


class Allocation(NamedTuple):
    """What a debit takes: (lot, points) in the order taken, and the points no lot held (debt)."""

    uses: tuple[tuple[int, int], ...]
    debt: int

    @property
    def taken(self) -> int:
        return sum(points for _lot, points in self.uses)


class ShortOfPoints(Exception):  # not AssertionError: mypyc compiles no subclass of it
    """A debit without debt found fewer points than it takes: the caller should have checked the balance."""


def spendable_on(lot: Lot, day: dt.date) -> bool:
    """Points a member can spend on `day`: available, not expired (SPEC §2, expiry is exclusive)."""
    return lot.remaining > 0 and lot.available_on <= day and (lot.expires_on is None or lot.expires_on > day)


def pending_on(lot: Lot, day: dt.date) -> bool:
    """Points earned but not yet available on `day` (and not expired before they became so)."""
    return lot.remaining > 0 and lot.available_on > day and (lot.expires_on is None or lot.expires_on > day)


def _by_expiry(lot: Lot) -> tuple[bool, dt.date, int]:
    return (lot.expires_on is None, lot.expires_on or dt.date.max, lot.pk)


def _fifo(lots: Sequence[Lot], day: dt.date, first: Sequence[int]) -> list[Lot]:
    return sorted((lot for lot in lots if spendable_on(lot, day)), key=_by_expiry)


def _pending_first(lots: Sequence[Lot], day: dt.date, first: Sequence[int]) -> list[Lot]:
    by_pk = {lot.pk: lot for lot in lots}
    named = [by_pk[pk] for pk in first if pk in by_pk and by_pk[pk].remaining > 0]
    rest = [lot for lot in lots if lot.pk not in set(first)]
    pending = sorted((lot for lot in rest if pending_on(lot, day)), key=lambda lot: (lot.available_on, lot.pk))
    return _unique([*named, *reversed(pending), *_fifo(rest, day, ())])


def _everything(lots: Sequence[Lot], day: dt.date, first: Sequence[int]) -> list[Lot]:
    return sorted((lot for lot in lots if lot.remaining > 0), key=lambda lot: lot.pk)


def _unique(lots: Iterable[Lot]) -> list[Lot]:
    seen: set[int] = set()
    return [lot for lot in lots if not (lot.pk in seen or seen.add(lot.pk))]  # type: ignore[func-returns-value]


Policy = Callable[[Sequence[Lot], dt.date, Sequence[int]], list[Lot]]
POLICIES: dict[str, Policy] = {"fifo": _fifo, "pending_first": _pending_first, "everything": _everything}


def allocate(
    lots: Sequence[Lot],
    points: int,
    day: dt.date,
    policy: str = "fifo",
    first: Sequence[int] = (),
    into_debt: bool = False,
) -> Allocation:
    """Take `points` (>= 0) from `lots` in the order `policy` gives on `day`; `first` names lots the
    `pending_first` policy takes before all others.  The rest is debt if `into_debt`, else an error."""
    uses: list[tuple[int, int]] = []
    left = points
    for lot in POLICIES[policy](lots, day, first):
        if left <= 0:
            break
        take = min(lot.remaining, left)
        uses.append((lot.pk, take))
        left -= take
    if left > 0 and not into_debt:
        raise ShortOfPoints(f"{points} points to take, {points - left} found")
    return Allocation(tuple(uses), max(left, 0))


def debt_payoff(debt: int, points: int) -> int:
    """Of `points` newly credited, how many pay off an outstanding refund debt first (SPEC §2): all of
    them up to the debt. Every credit asks here: purchases, imports, single credits and merges."""
    return min(debt, points) if debt > 0 and points > 0 else 0
