"""A refund's plan (SPEC §2 "Refunds"): how much of a receipt it refunds, how many points that takes back,
and whether it is the full refund that also reverses the receipt's bonuses and stamps.

Which lots the points come from is `allocation.allocate` under `pending_first` (the receipt's own lot first);
this module decides the figures, from what the receipt holds and what earlier refunds took.
"""

from __future__ import annotations

from typing import NamedTuple

from loyaltycli.domain.money import format_cents, from_cents
from loyaltycli.domain.points import refund_share
from loyaltycli.errors import BadInputError, RefusedError
from loyaltycli.i18n import _


class Refundable(NamedTuple):
    """A purchase as a refund sees it, with what earlier refunds of it took."""

    receipt_id: str
    total_cents: int
    eligible_cents: int
    points: int
    bonus_points: int  # referral and other bonuses, which only a full refund takes back
    refunded_cents: int  # refunded before this one
    reversed_points: int  # points earlier refunds took back


class RefundPlan(NamedTuple):
    amount_cents: int
    eligible_cents: int  # the refunded share of the eligible spend (it leaves the tier window)
    points: int
    full: bool  # the rest of the receipt: its remaining points, bonuses and stamps go


def plan_refund(receipt: Refundable, requested_cents: int | None) -> RefundPlan:
    """The refund of `requested_cents` (None: all that is left); refused beyond what is left."""
    left = receipt.total_cents - receipt.refunded_cents
    amount = left if requested_cents is None else requested_cents
    if requested_cents is not None and amount <= 0:
        raise BadInputError(_("--amount: {amount} must be positive.").format(amount=format_cents(amount)))
    if amount <= 0:
        raise RefusedError(_("Receipt {receipt_id} has nothing left to refund.").format(receipt_id=receipt.receipt_id))
    if amount > left:
        raise RefusedError(
            _(
                "Receipt {receipt_id} totals {total_cents} with {left_cents} not yet refunded; {amount_cents} is more than that."
            ).format(
                receipt_id=receipt.receipt_id,
                total_cents=format_cents(receipt.total_cents),
                left_cents=format_cents(left),
                amount_cents=format_cents(amount),
            )
        )
    full = amount == left
    unreversed = receipt.points - receipt.reversed_points
    earned = receipt.points - receipt.bonus_points
    points = (
        unreversed if full else refund_share(earned, from_cents(amount), from_cents(receipt.total_cents), unreversed)
    )
    eligible = receipt.eligible_cents * amount // receipt.total_cents if receipt.total_cents else 0
    return RefundPlan(amount, eligible, points, full)
