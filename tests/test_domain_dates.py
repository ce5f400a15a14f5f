"""Worked examples of SPEC §1 (time) and §2 (expiry dates)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from loyaltycli.domain.dates import add_months, birthday_in, local_date, parse_instant
from loyaltycli.domain.expiry import inactivity_expiry, lot_expiry
from loyaltycli.domain.program import Expiry
from loyaltycli.errors import BadInputError

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-03-10", 24, "2028-03-10"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-03-31", -1, "2026-02-28"),
    ],
)
def test_add_months_is_calendar_months_clamped(start: str, months: int, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(start), months) == dt.date.fromisoformat(expected)


def test_fixed_expiry_spec_examples() -> None:
    earned = dt.date(2026, 3, 10)
    assert lot_expiry(Expiry(policy="fixed", months=24), earned) == dt.date(2028, 3, 10)
    assert lot_expiry(Expiry(policy="fixed", months=24, at_period_end="month"), earned) == dt.date(2028, 4, 1)
    assert lot_expiry(Expiry(policy="fixed", months=24, at_period_end="year"), earned) == dt.date(2029, 1, 1)
    assert lot_expiry(Expiry(policy="none"), earned) is None


def test_month_end_push_on_the_first_of_a_month_goes_to_the_next() -> None:
    # 2026-02-01 + 1 month = 2026-03-01, which falls in March: usable through 31 March.
    policy = Expiry(policy="fixed", months=1, at_period_end="month")
    assert lot_expiry(policy, dt.date(2026, 2, 1)) == dt.date(2026, 4, 1)


def test_inactivity_expiry_is_the_day_after_months_have_passed() -> None:
    policy = Expiry(policy="inactivity", months=12)
    assert inactivity_expiry(policy, dt.date(2025, 1, 10)) == dt.date(2026, 1, 11)
    assert inactivity_expiry(Expiry(policy="fixed", months=12), dt.date(2025, 1, 10)) is None


def test_bare_date_means_noon_in_the_programme_zone() -> None:
    when = parse_instant("2026-03-01", BERLIN)
    assert when == dt.datetime(2026, 3, 1, 12, 0, tzinfo=BERLIN)


def test_time_with_an_offset_can_fall_on_another_local_day() -> None:
    when = parse_instant("2026-03-01T23:30-05:00", BERLIN)
    assert local_date(when, BERLIN) == dt.date(2026, 3, 2)


def test_time_without_offset_is_local() -> None:
    when = parse_instant("2026-03-29 02:30", BERLIN)  # DST gap day in Berlin: still that local day
    assert local_date(when, BERLIN) == dt.date(2026, 3, 29)


@pytest.mark.parametrize("text", ["2026-13-45", "2026-02-30", "yesterday", "", "2026-3-1x"])
def test_bad_dates_are_bad_input(text: str) -> None:
    with pytest.raises(BadInputError, match="--date"):
        parse_instant(text, BERLIN)


def test_leap_day_birthday_in_other_years() -> None:
    assert birthday_in(2027, dt.date(2000, 2, 29)) == dt.date(2027, 2, 28)
    assert birthday_in(2028, dt.date(2000, 2, 29)) == dt.date(2028, 2, 29)
