"""When points stop being usable (SPEC §2 "Expiry")."""

from __future__ import annotations

import datetime as dt

from loyaltycli.domain.dates import add_months, start_of_next
from loyaltycli.domain.program import Expiry


def lot_expiry(expiry: Expiry, earned_on: dt.date) -> dt.date | None:
    """The first day on which points earned on `earned_on` can no longer be used (fixed policy).

    2026-03-10 + 24 months = 2028-03-10; with `at_period_end` the points stay
    usable to the end of that month or year: 2028-04-01 or 2029-01-01.
    """
    if expiry.policy != "fixed" or expiry.months is None:
        return None
    return _period_end(expiry, add_months(earned_on, expiry.months))


def inactivity_expiry(expiry: Expiry, last_activity: dt.date) -> dt.date | None:
    """The first day all points are gone when nothing is bought after `last_activity`.

    Points expire when the last purchase is *more than* `months` months before
    the day, so the day after last purchase + months is the first day without them.
    """
    if expiry.policy != "inactivity" or expiry.months is None:
        return None
    day = add_months(last_activity, expiry.months) + dt.timedelta(days=1)
    return _period_end(expiry, day)


def last_activity(last_purchase_on: dt.date | None, enrolled_on: dt.date) -> dt.date:
    """What an inactivity policy counts from: the last purchase, else the day of enrolment (SQL that lists
    many members at once computes the same as `coalesce(last_purchase_on, enrolled_on)`)."""
    return last_purchase_on or enrolled_on


def lapse_day(expiry: Expiry, last_purchase_on: dt.date | None, enrolled_on: dt.date) -> dt.date | None:
    """The first day all of a member's points are gone under an inactivity policy (None: no such policy)."""
    return inactivity_expiry(expiry, last_activity(last_purchase_on, enrolled_on))


def _period_end(expiry: Expiry, day: dt.date) -> dt.date:
    if expiry.at_period_end == "none":
        return day
    return start_of_next(day, expiry.at_period_end)
