"""Worked examples of a refund's plan (SPEC §2 "Refunds"), with no database."""

from __future__ import annotations

import pytest

from loyaltycli.domain.refunds import Refundable, RefundPlan, plan_refund
from loyaltycli.errors import BadInputError, RefusedError

# A receipt of 43.55 with 40.00 eligible that earned 95 points, 5 of them a campaign's bonus.
RECEIPT = Refundable("R1", 4355, 4000, 95, 5, 0, 0)

EXAMPLES = [
    ("all of it", RECEIPT, None, RefundPlan(4355, 4000, 95, True)),
    ("10.00 of it: the share of the 90 earned, rounded down", RECEIPT, 1000, RefundPlan(1000, 918, 20, False)),
    (
        "the rest after 10.00: every point not yet taken back",
        RECEIPT._replace(refunded_cents=1000, reversed_points=20),
        None,
        RefundPlan(3355, 3081, 75, True),
    ),
    (
        "the last cent is the full refund",
        RECEIPT._replace(refunded_cents=4354, reversed_points=89),
        1,
        RefundPlan(1, 0, 6, True),
    ),
    (
        "a share never takes more than is left",
        RECEIPT._replace(refunded_cents=100, reversed_points=94),
        4000,
        RefundPlan(4000, 3673, 1, False),
    ),
    ("a receipt of 0.00 has nothing to share", Refundable("Z", 0, 0, 0, 0, 0, 0), None, None),
]


@pytest.mark.parametrize(("receipt", "requested", "plan"), [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES])
def test_worked_examples(receipt: Refundable, requested: int | None, plan: RefundPlan | None) -> None:
    if plan is None:
        with pytest.raises(RefusedError, match="nothing left to refund"):
            plan_refund(receipt, requested)
        return
    assert plan_refund(receipt, requested) == plan


def test_more_than_is_left_or_nothing_is_refused() -> None:
    with pytest.raises(RefusedError, match=r"totals 43.55 with 33.55 not yet refunded; 40.00 is more than that"):
        plan_refund(RECEIPT._replace(refunded_cents=1000), 4000)
    with pytest.raises(RefusedError, match="nothing left to refund"):
        plan_refund(RECEIPT._replace(refunded_cents=4355), None)
    with pytest.raises(BadInputError, match="must be positive"):
        plan_refund(RECEIPT, 0)
