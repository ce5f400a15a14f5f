"""Worked examples of `allocate()`, the one decision which lots a debit takes (SPEC §2), table-driven.

No database: each row is a member's lots, a debit, a policy and what it must take.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyaltycli.domain.allocation import Lot, ShortOfPoints, allocate, debt_payoff, pending_on, spendable_on

D = dt.date
TODAY = D(2026, 6, 15)

# A member's lots on 15 June 2026: pk, points left, available from, expires on (exclusive).
OLD = Lot(1, 30, D(2025, 1, 10), D(2027, 1, 10))  # available, expires last
SOON = Lot(2, 20, D(2025, 6, 1), D(2026, 7, 1))  # available, expires first
FOREVER = Lot(3, 50, D(2026, 1, 5), None)  # available, never expires: spent last
PENDING = Lot(4, 40, D(2026, 6, 29), D(2028, 6, 29))  # earned, usable from 29 June
LATER = Lot(5, 10, D(2026, 7, 10), D(2028, 7, 10))  # earned later, usable later still
GONE = Lot(6, 25, D(2024, 1, 1), D(2026, 6, 15))  # past expiry today, not yet removed by the nightly run
EMPTY = Lot(7, 0, D(2025, 1, 1), D(2027, 1, 1))
LOTS = (OLD, SOON, FOREVER, PENDING, LATER, GONE, EMPTY)

EXAMPLES = [
    # (what it shows, points, policy, lots named first, into debt, uses, debt)
    ("spending takes the lot expiring soonest", 15, "fifo", (), False, ((2, 15),), 0),
    ("and moves on by expiry, never-expiring last", 60, "fifo", (), False, ((2, 20), (1, 30), (3, 10)), 0),
    ("all that can be spent today", 100, "fifo", (), False, ((2, 20), (1, 30), (3, 50)), 0),
    ("nothing to take is no use at all", 0, "fifo", (), False, (), 0),
    ("a refund takes pending points first, the latest first", 45, "pending_first", (), True, ((5, 10), (4, 35)), 0),
    (
        "then spendable by expiry, then debt",
        170,
        "pending_first",
        (),
        True,
        ((5, 10), (4, 40), (2, 20), (1, 30), (3, 50)),
        20,
    ),
    ("the refunded receipt's own lot before all", 25, "pending_first", (1,), True, ((1, 25),), 0),
    (
        "its own lot even past expiry, then the rest",
        40,
        "pending_first",
        (6,),
        True,
        ((6, 25), (5, 10), (4, 5)),
        0,
    ),
    ("a named lot that is empty is passed over", 5, "pending_first", (7,), True, ((5, 5),), 0),
    (
        "everything: every lot with points, oldest first",
        175,
        "everything",
        (),
        False,
        ((1, 30), (2, 20), (3, 50), (4, 40), (5, 10), (6, 25)),
        0,
    ),
]


@pytest.mark.parametrize(
    ("points", "policy", "first", "into_debt", "uses", "debt"),
    [example[1:] for example in EXAMPLES],
    ids=[example[0] for example in EXAMPLES],
)
def test_worked_examples(
    points: int,
    policy: str,
    first: tuple[int, ...],
    into_debt: bool,
    uses: tuple[tuple[int, int], ...],
    debt: int,
) -> None:
    allocation = allocate(LOTS, points, TODAY, policy, first, into_debt)
    assert allocation.uses == uses
    assert allocation.debt == debt
    assert allocation.taken + allocation.debt == points


def test_spending_more_than_can_be_spent_is_refused_not_owed() -> None:
    """Past-expiry and pending points are not spendable: 101 of 100 spendable points is a caller's bug."""
    with pytest.raises(ShortOfPoints):
        allocate(LOTS, 101, TODAY)


def test_spendable_and_pending_on_a_day() -> None:
    assert [lot.pk for lot in LOTS if spendable_on(lot, TODAY)] == [1, 2, 3]
    assert [lot.pk for lot in LOTS if pending_on(lot, TODAY)] == [4, 5]
    assert not spendable_on(GONE, TODAY) and spendable_on(GONE, TODAY - dt.timedelta(days=1))
    assert spendable_on(PENDING, D(2026, 6, 29))


@pytest.mark.parametrize(("debt", "points", "payoff"), [(0, 10, 0), (5, 10, 5), (30, 10, 10), (7, 0, 0)])
def test_a_credit_pays_the_debt_first(debt: int, points: int, payoff: int) -> None:
    assert debt_payoff(debt, points) == payoff


LOT = st.builds(
    Lot,
    pk=st.integers(1, 40),
    remaining=st.integers(0, 60),
    available_on=st.dates(D(2025, 1, 1), D(2026, 12, 31)),
    expires_on=st.none() | st.dates(D(2025, 6, 1), D(2028, 12, 31)),
)


@given(
    lots=st.lists(LOT, max_size=12, unique_by=lambda lot: lot.pk),
    points=st.integers(0, 400),
    policy=st.sampled_from(["fifo", "pending_first", "everything"]),
)
def test_no_lot_gives_more_than_it_holds_and_nothing_is_lost(lots: list[Lot], points: int, policy: str) -> None:
    """Whatever the lots and the policy: each lot is taken from once, never beyond what it holds, only
    lots the policy may take from, and the points taken plus the debt are the debit."""
    allocation = allocate(lots, points, TODAY, policy, into_debt=True)
    held = {lot.pk: lot for lot in lots}
    taken = [pk for pk, _points in allocation.uses]
    assert len(taken) == len(set(taken))
    for pk, took in allocation.uses:
        assert 0 < took <= held[pk].remaining
        if policy == "fifo":
            assert spendable_on(held[pk], TODAY)
        if policy == "pending_first":
            assert spendable_on(held[pk], TODAY) or pending_on(held[pk], TODAY)
    assert allocation.taken + allocation.debt == points
    if allocation.debt:  # debt only once every lot the policy may take from is empty
        usable = [lot for lot in lots if lot.remaining > 0]
        if policy == "fifo":
            usable = [lot for lot in usable if spendable_on(lot, TODAY)]
        if policy == "pending_first":
            usable = [lot for lot in usable if spendable_on(lot, TODAY) or pending_on(lot, TODAY)]
        assert allocation.taken == sum(lot.remaining for lot in usable)
