"""Worked examples of SPEC §2 "How a purchase earns points", each rule alone and combined."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyaltycli.domain.points import compute_earning, fill_cards, pending_until, refund_share
from loyaltycli.domain.program import Program, parse_program
from loyaltycli.domain.receipts import Line, ReceiptInput
from loyaltycli.domain.tiers import tier_for

HEAD = '[program]\nname = "Shop"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'
DAY = dt.date(2026, 12, 5)


def program(text: str = "") -> Program:
    return parse_program(HEAD + text, "test.toml")


def earn(prog: Program, *lines: Line, day: dt.date = DAY, channel: str | None = None, tier: str | None = None) -> int:
    level = None
    if tier is not None:
        assert prog.tiers is not None
        level = next(lvl for lvl in prog.tiers.levels if lvl.name == tier)
    return compute_earning(prog, ReceiptInput(tuple(lines), day, channel), level).points


def line(amount: str, category: str = "", sku: str | None = None, qty: str = "1") -> Line:
    return Line(Decimal(amount), category, sku, Decimal(qty))


@pytest.mark.parametrize(("rounding", "points"), [("floor", 12), ("round", 13), ("ceil", 13)])
def test_rounding_modes(rounding: str, points: int) -> None:
    assert earn(program(f'[earn]\nrounding = "{rounding}"\n'), line("12.50")) == points


def test_round_is_half_up() -> None:
    assert earn(program('[earn]\nrounding = "round"\n'), line("12.49")) == 12


def test_rounding_is_once_per_receipt_not_per_line() -> None:
    # Three lines of 0.99 earn 2.97 -> 2 points; rounding each line down would give 0.
    assert earn(program(), line("0.99"), line("0.99"), line("0.99")) == 2


def test_excluded_category_sku_and_gift_cards_earn_nothing() -> None:
    prog = program('[earn]\nexclude_categories = ["Tobacco"]\nexclude_skus = ["DEPOSIT"]\n')
    result = compute_earning(
        prog,
        ReceiptInput(
            (line("10.00", "tobacco"), line("0.25", "", "DEPOSIT"), line("25.00", "Gift-Card"), line("7.00", "food")),
            DAY,
        ),
        None,
    )
    assert result.points == 7
    assert result.eligible_spend == Decimal("7.00")
    assert [ln.reason for ln in result.lines] == [
        "category tobacco excluded",
        "SKU DEPOSIT excluded",
        "gift card",
        None,
    ]


def test_category_rates() -> None:
    prog = program("[earn]\npoints_per_unit = 1\n[earn.category_rates]\nbooks = 2\ncoffee-beans = 1.5\n")
    assert earn(prog, line("10.00", "books"), line("10.00", "coffee-beans"), line("10.00", "toys")) == 45


def test_min_spend_boundary() -> None:
    prog = program('[earn]\nmin_spend = "5.00"\n')
    assert earn(prog, line("5.00")) == 5
    assert earn(prog, line("4.99")) == 0


def test_min_spend_counts_eligible_spend_only_and_stamps_still_count() -> None:
    prog = program(
        '[earn]\nmin_spend = "5.00"\nexclude_categories = ["tobacco"]\n'
        '[[rewards]]\nid = "free"\npoints = 10\nkind = "free_item"\nvalue = "3.00"\n'
        '[[stamp_cards]]\nid = "card"\ncategories = ["coffee"]\nstamps = 10\nreward = "free"\n'
    )
    result = compute_earning(prog, ReceiptInput((line("3.00", "coffee", qty="2"), line("20.00", "tobacco")), DAY), None)
    assert result.points == 0 and result.below_min_spend
    assert result.stamps == {"card": 2}


def test_discount_lines_reduce_eligible_spend() -> None:
    assert earn(program(), line("20.00", "food"), line("-5.00", "food")) == 15


CAMPAIGNS = """
[[campaigns]]
id = "double"
starts = 2026-12-05
ends = 2026-12-06
multiplier = 2
[[campaigns]]
id = "triple-books"
starts = 2026-12-01
ends = 2026-12-31
multiplier = 3
categories = ["books"]
bonus_points = 50
"""


def test_highest_campaign_multiplier_wins_and_campaigns_do_not_stack() -> None:
    prog = program(CAMPAIGNS)
    # books: max(2, 3) = 3 -> 30, toys: 2 -> 20, plus the books campaign's 50 bonus after rounding
    assert earn(prog, line("10.00", "books"), line("10.00", "toys")) == 30 + 20 + 50


def test_campaign_first_and_last_day_are_inclusive() -> None:
    prog = program(CAMPAIGNS)
    assert earn(prog, line("10.00", "toys"), day=dt.date(2026, 12, 4)) == 10
    assert earn(prog, line("10.00", "toys"), day=dt.date(2026, 12, 5)) == 20
    assert earn(prog, line("10.00", "toys"), day=dt.date(2026, 12, 6)) == 20
    assert earn(prog, line("10.00", "toys"), day=dt.date(2026, 12, 7)) == 10


def test_campaign_channels_and_receipt_minimum() -> None:
    prog = program(
        '[[campaigns]]\nid = "web"\nstarts = 2026-12-01\nends = 2026-12-31\nmultiplier = 2\n'
        'channels = ["online"]\nmin_spend = "50.00"\nbonus_points = 5\n'
    )
    assert earn(prog, line("60.00"), channel="online") == 125
    assert earn(prog, line("60.00"), channel="store") == 60
    assert earn(prog, line("40.00"), channel="online") == 40


def test_bonus_points_are_added_after_rounding() -> None:
    prog = program(
        '[earn]\nrounding = "floor"\n[[campaigns]]\nid = "b"\nstarts = 2026-12-01\nends = 2026-12-31\n'
        "bonus_points = 7\n"
    )
    assert earn(prog, line("9.99")) == 9 + 7


TIERS = """
[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Silber"
threshold = "500.00"
multiplier = 1.25
"""


def test_tier_multiplier_applies_to_the_sum_before_rounding() -> None:
    prog = program(TIERS)
    assert earn(prog, line("10.00"), line("1.00"), tier="Silber") == 13  # 11 x 1.25 = 13.75
    assert earn(prog, line("10.00"), line("1.00"), tier="Bronze") == 11


def test_tier_for_thresholds() -> None:
    prog = program(TIERS)
    assert prog.tiers is not None
    assert tier_for(prog.tiers, Decimal("499.99")).name == "Bronze"  # type: ignore[union-attr]
    assert tier_for(prog.tiers, Decimal("500.00")).name == "Silber"  # type: ignore[union-attr]


def test_all_rules_combined() -> None:
    prog = program(
        '[earn]\nrounding = "round"\nmin_spend = "10.00"\nexclude_categories = ["tobacco"]\n'
        "[earn.category_rates]\nbooks = 2\n" + CAMPAIGNS + TIERS
    )
    # books 12.35 x 2 x 3 = 74.1; toys 5.00 x 1 x 2 = 10; tobacco excluded -> 84.1 x 1.25 = 105.125 -> 105; +50
    assert earn(prog, line("12.35", "books"), line("5.00", "toys"), line("9.00", "tobacco"), tier="Silber") == 155


def test_pending_until() -> None:
    prog = program("[earn]\npending_days = 14\n")
    assert pending_until(prog, dt.date(2026, 3, 1)) == dt.date(2026, 3, 15)


def test_stamp_cards_fill_and_carry_over() -> None:
    assert fill_cards(8, 5, 10) == (1, 3)
    assert fill_cards(0, 25, 10) == (2, 5)
    assert fill_cards(3, 2, 10) == (0, 5)


def test_refund_share_is_rounded_down_and_capped() -> None:
    assert refund_share(12, Decimal("5.00"), Decimal("12.50"), 12) == 4
    assert refund_share(100, Decimal("100"), Decimal("100"), 30) == 30
    assert refund_share(100, Decimal("1"), Decimal("0"), 100) == 0


RATES_AND_CAMPAIGNS_TEXT = (
    '[earn]\npoints_per_unit = 1\nexclude_categories = ["tobacco"]\n'
    "[earn.category_rates]\nbooks = 2\nwine = 1.5\n"
    '[[campaigns]]\nid = "double-books"\nstarts = 2026-12-01\nends = 2026-12-31\nmultiplier = 2\n'
    'categories = ["books"]\n'
    '[[campaigns]]\nid = "all-week"\nstarts = 2026-12-01\nends = 2026-12-31\nmultiplier = 1.25\n'
    "bonus_points = 5\nmin_spend = 10\n"
    '[tiers]\nbasis = "spend"\nwindow_months = 12\n'
    '[[tiers.levels]]\nname = "Bronze"\nthreshold = "0"\nmultiplier = 1\n'
    '[[tiers.levels]]\nname = "Gold"\nthreshold = "500"\nmultiplier = 1.5\n'
)
RATES_AND_CAMPAIGNS = program(RATES_AND_CAMPAIGNS_TEXT)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=-500, max_value=50_000),
            st.sampled_from(["", "books", "Wine", "tobacco", "food"]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([None, "Bronze", "Gold"]),
)
def test_the_receipt_total_is_the_sum_of_its_lines_breakdown(cents: list[tuple[int, str]], tier: str | None) -> None:
    """The rules sum amounts per rate and campaign before multiplying; the breakdown multiplies line by
    line. Both must give the same exact points, and the same campaigns."""
    lines = tuple(Line(Decimal(c) / 100, category) for c, category in cents)
    assert RATES_AND_CAMPAIGNS.tiers is not None
    level = next((lvl for lvl in RATES_AND_CAMPAIGNS.tiers.levels if lvl.name == tier), None)
    earning = compute_earning(RATES_AND_CAMPAIGNS, ReceiptInput(lines, DAY), level)
    breakdown = earning.lines
    assert sum((p.points for p in breakdown), Decimal(0)) * earning.tier_multiplier == earning.exact
    assert earning.eligible_spend == sum((p.amount for p in breakdown if p.eligible), Decimal(0))
    assert [p.campaign for p in breakdown] == [campaign for campaign, _multiplier in earning.picks]
    assert set(earning.campaigns) == {p.campaign for p in breakdown if p.campaign} | set(earning.campaign_bonus)
    assert earning.first_campaign == (earning.campaigns or (None,))[0]


# The same programme with a SKU exclusion no generated line has: its lines are classified per category and SKU
# instead of per category alone, which must not change what any receipt earns.
WITH_SKU_RULE = program(
    RATES_AND_CAMPAIGNS_TEXT.replace(
        'exclude_categories = ["tobacco"]', 'exclude_categories = ["tobacco"]\nexclude_skus = ["NEVER"]'
    )
)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=-500, max_value=50_000),
            st.sampled_from(["", "books", "Wine", " BOOKS ", "tobacco", "food"]),
            st.sampled_from([None, "A1", "B2"]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([dt.date(2026, 11, 30), DAY]),
)
def test_lines_classified_by_category_alone_earn_what_they_earn_by_category_and_sku(
    cents: list[tuple[int, str, str | None]], day: dt.date
) -> None:
    assert list(WITH_SKU_RULE.earn.exclude_skus) == ["NEVER"] and not RATES_AND_CAMPAIGNS.earn.exclude_skus
    receipt = ReceiptInput(tuple(Line(Decimal(c) / 100, category, sku) for c, category, sku in cents), day)
    assert compute_earning(RATES_AND_CAMPAIGNS, receipt, None) == compute_earning(WITH_SKU_RULE, receipt, None)


@pytest.mark.parametrize(
    ("debt", "points", "payoff"), [(0, 50, 0), (30, 50, 30), (80, 50, 50), (-5, 50, 0), (30, 0, 0)]
)
def test_new_points_pay_off_refund_debt_first(debt: int, points: int, payoff: int) -> None:
    from loyaltycli.domain.allocation import debt_payoff

    assert debt_payoff(debt, points) == payoff
