"""Worked examples of `domain.plans`: every change of points planned from a member's holdings, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from loyaltycli.domain import plans
from loyaltycli.domain.allocation import Lot, ShortOfPoints
from loyaltycli.domain.member_state import MemberState
from loyaltycli.domain.money import to_cents
from loyaltycli.domain.plans import Booking, Credit, Debit, Grant, Holdings
from loyaltycli.domain.program import parse_program
from loyaltycli.domain.purchase_plans import (
    CreditPlan,
    PurchasePlan,
    Sale,
    StandaloneCredit,
    Terms,
    opening_plans,
    plan_purchase,
)
from loyaltycli.domain.receipts import Line, ReceiptInput

DAY = dt.date(2026, 6, 15)
BOOKING = Booking(1, "test", DAY, dt.datetime(2026, 6, 15, 8, 0))
SOON, LATER = dt.date(2026, 9, 30), dt.date(2027, 6, 30)


def test_credits_pay_the_debt_first_one_after_the_other() -> None:
    """SPEC §2: new points pay an open refund debt first. Debt 30, two credits of 20: 20 then 10 pay it."""
    held = Holdings(7, debt=30)
    planned = plans.credits(held, "cancel", BOOKING, [Grant(20, DAY, SOON), Grant(20, DAY, LATER)])
    assert planned == [
        Credit(7, "cancel", 20, BOOKING, DAY, SOON, payoff=20),
        Credit(7, "cancel", 20, BOOKING, DAY, LATER, payoff=10),
    ]


def test_a_credit_without_debt_opens_its_lot_whole() -> None:
    assert plans.credit(Holdings(7, 0), "action", BOOKING, Grant(25, DAY, None)).payoff == 0


@pytest.mark.parametrize(
    ("policy", "points", "into_debt", "uses", "debt"),
    [
        # FIFO by expiry: the lot expiring first is spent first, whatever its key.
        ("fifo", 15, False, ((2, 10), (1, 5)), 0),
        # A refund takes pending points first (lot 3 is usable only from July), then by expiry.
        ("pending_first", 15, True, ((3, 8), (2, 7)), 0),
        # What no lot holds becomes debt.
        ("pending_first", 30, True, ((3, 8), (2, 10), (1, 10)), 2),
    ],
)
def test_a_debit_takes_lots_in_the_order_of_its_policy(
    policy: str, points: int, into_debt: bool, uses: tuple[tuple[int, int], ...], debt: int
) -> None:
    lots = (Lot(1, 10, DAY, LATER), Lot(2, 10, DAY, SOON), Lot(3, 8, dt.date(2026, 7, 1), LATER))
    planned = plans.debit(Holdings(7, 0, lots), "refund", BOOKING, points, DAY, policy, into_debt=into_debt)
    assert planned == Debit(7, "refund", points, BOOKING, uses, debt)


def test_a_debit_without_debt_never_takes_more_than_the_lots_hold() -> None:
    with pytest.raises(ShortOfPoints):
        plans.debit(Holdings(7, 0, (Lot(1, 5, DAY, None),)), "redeem", BOOKING, 6, DAY)


def test_a_cancelled_voucher_gives_back_what_is_not_past_expiry() -> None:
    """SPEC §2: the points come back with their lots' dates; points whose lot expired meanwhile stay expired."""
    spent = [(Lot(1, 0, dt.date(2025, 1, 1), DAY), 30), (Lot(2, 0, dt.date(2026, 1, 1), LATER), 20)]
    assert plans.returned(Holdings(7, 5), BOOKING, spent, DAY) == [
        Credit(7, "cancel", 20, BOOKING, dt.date(2026, 1, 1), LATER, payoff=5)
    ]


def test_a_merge_moves_every_lot_with_its_dates_and_pays_keeps_debt() -> None:
    other = Holdings(2, 0, (Lot(11, 7, DAY, SOON), Lot(12, 0, DAY, SOON), Lot(13, 5, dt.date(2026, 7, 1), None)))
    planned = plans.transferred(other, Holdings(1, debt=4), BOOKING)
    assert planned == [
        Debit(2, "merge", 12, BOOKING, ((11, 7), (13, 5))),
        Credit(1, "merge", 7, BOOKING, DAY, SOON, payoff=4),
        Credit(1, "merge", 5, BOOKING, dt.date(2026, 7, 1), None, payoff=0),
    ]
    assert plans.transferred(Holdings(2, 0), Holdings(1, 0), BOOKING) == []


def test_a_merged_members_debt_becomes_the_kept_members() -> None:
    """OTHER owes 6; KEEP holds 4: OTHER's debt is cleared, KEEP's 4 points are taken and KEEP owes 2."""
    planned = plans.debt_taken_over(Holdings(2, 6), Holdings(1, 0, (Lot(21, 4, DAY, LATER),)), BOOKING)
    assert planned == [
        Credit(2, "merge", 6, BOOKING, DAY, None, payoff=6),
        Debit(1, "merge", 6, BOOKING, ((21, 4),), debt=2),
    ]
    assert plans.debt_taken_over(Holdings(2, 0), Holdings(1, 0), BOOKING) == []


# ---------------------------------------------------------------- a purchase, planned without a database
SHOP = """[program]
name = "Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1

[bonuses]
referral_referrer = 500
referral_referee = 200
referral_min_spend = "50.00"

[[rewards]]
id = "free-coffee"
name = "Free coffee"
points = 150
kind = "free_item"
value = "3.20"

[[stamp_cards]]
id = "coffee-card"
categories = ["coffee"]
stamps = 9
reward = "free-coffee"
"""


def _sale(*amounts: tuple[str, str]) -> Sale:
    lines = tuple(Line(Decimal(a), category) for a, category in amounts)
    receipt = ReceiptInput(lines, DAY, None)
    return Sale(receipt, dt.datetime(2026, 6, 15, 8), "R-1", None, "cli", sum(to_cents(line.amount) for line in lines))


def test_a_referred_members_first_qualifying_purchase_pays_both_and_the_debt_first() -> None:
    """SPEC §2: 60.00 earns 60 points; the referee gets 200, the referrer 500 (while active); the member's
    debt of 70 is paid first by the 60 earned and then 10 of the referee's 200. The state remembers it."""
    program = parse_program(SHOP, "shop.toml")
    state = MemberState(7, "M000007", "active", 3, dt.date(2026, 1, 1), None, 70)
    terms = Terms(program, 1, None, DAY, LATER)
    plan, earning = plan_purchase(_sale(("60.00", "")), terms, state, lambda pk: pk == 3, lambda: "CODE")
    assert earning.points == 60
    assert list(plan.credits) == [
        CreditPlan(7, "earn", 60, DAY, LATER, None, payoff=60),
        CreditPlan(7, "referral", 200, DAY, LATER, "referee", payoff=10),
        CreditPlan(3, "referral", 500, DAY, LATER, "referrer:M000007"),
    ]
    assert (state.debt, state.referral_paid, state.last_purchase_on) == (0, True, DAY)
    again, _ = plan_purchase(_sale(("60.00", "")), terms, state, lambda pk: True, lambda: "CODE")
    assert [c.kind for c in again.credits] == ["earn"]  # the referral is paid once


def test_the_ninth_coffee_fills_the_card_and_plans_its_voucher() -> None:
    program = parse_program(SHOP, "shop.toml")
    state = MemberState(7, "M000007", "active", None, dt.date(2026, 1, 1), None, 0, stamps={"coffee-card": 8})
    terms = Terms(program, 1, None, DAY, None)
    plan, _ = plan_purchase(_sale(("3.20", "coffee")), terms, state, lambda pk: True, lambda: "V-1")
    assert [(v.code, v.reward_id) for v in plan.vouchers] == [("V-1", "free-coffee")]
    assert state.stamps == {"coffee-card": 0}


def test_an_anonymous_receipt_books_revenue_only() -> None:
    program = parse_program(SHOP, "shop.toml")
    plan, _ = plan_purchase(_sale(("60.00", "")), Terms(program, 1, None, DAY, None), None, bool, str)
    assert (plan.member_pk, plan.points, plan.credits, plan.total_cents) == (None, 0, (), 6000)


def test_an_expiry_run_empties_each_members_due_lots_with_one_debit() -> None:
    """SPEC §2: one `expire` entry per member, taking exactly what is left in each due lot."""
    booking = plans.expiry_booking(1, "expire", DAY, dt.datetime(2026, 6, 15, 1))
    due = [plans.DueLot(11, 2, 30), plans.DueLot(21, 3, 5), plans.DueLot(12, 2, 7)]
    assert booking.ref == "as-of:2026-06-15"
    assert plans.expired(due, booking) == [
        Debit(2, "expire", 37, booking, ((11, 30), (12, 7))),
        Debit(3, "expire", 5, booking, ((21, 5),)),
    ]
    assert plans.expiry_booking(1, "erase", DAY, dt.datetime(2026, 6, 15, 1)).ref == "erase"


def test_a_customer_lists_opening_points_and_spend_are_an_opening_lot_and_receipt() -> None:
    """SPEC §4a: 120 points as an `opening` lot, 350.00 of spend as a receipt of no revenue for the tier."""
    at = dt.datetime(2026, 6, 15, 10)
    lot, receipt = opening_plans(7, "M000007", 120, 35000, DAY, at, LATER, 1)
    assert lot == StandaloneCredit(CreditPlan(7, "opening", 120, DAY, LATER, "opening"), DAY, 1)
    assert isinstance(receipt, PurchasePlan)
    assert (receipt.receipt_id, receipt.kind, receipt.total_cents, receipt.eligible_cents) == (
        "OPENING-M000007",
        "opening",
        0,
        35000,
    )
    assert opening_plans(7, "M000007", 0, 0, DAY, at, None, 1) == []
