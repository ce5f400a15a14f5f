"""Recurring campaigns (SPEC §2): weekdays, days of the month and hours, on the programme's wall clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from loyaltycli.domain.dates import local_clock, local_date
from loyaltycli.domain.points import compute_earning
from loyaltycli.domain.program import parse_program
from loyaltycli.domain.receipts import Line, ReceiptInput
from loyaltycli.domain.schedules import describe_schedule
from loyaltycli.errors import ProgramError
from tests.conftest import Cli

BERLIN = ZoneInfo("Europe/Berlin")
HEAD = '[program]\nname = "T"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'
ROOT = Path(__file__).resolve().parents[1]


def program(campaign: str) -> Any:
    return parse_program(HEAD + '[[campaigns]]\nid = "c"\nstarts = 2026-01-01\nmultiplier = 2\n' + campaign, "t.toml")


def points(prog: Any, when: str) -> int:
    instant = dt.datetime.fromisoformat(when)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=BERLIN)
    receipt = ReceiptInput((Line(Decimal("10.00")),), local_date(instant, BERLIN), None, local_clock(instant, BERLIN))
    return compute_earning(prog, receipt, None).points


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-03-03T16:00", 20),  # a Tuesday, the first minute
        ("2026-03-03T17:59", 20),
        ("2026-03-03T18:00", 10),  # the end is outside
        ("2026-03-03T15:59", 10),
        ("2026-03-04T16:30", 10),  # a Wednesday
    ],
)
def test_tuesdays_16_to_18(when: str, expected: int) -> None:
    assert points(program('weekdays = ["tue"]\nhours = "16:00-18:00"\n'), when) == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-03-29T16:30", 20),  # the last Sunday of March: summer time began at 02:00 that night
        ("2026-03-29T14:30:00+00:00", 20),  # the same instant, given in UTC
        ("2026-03-29T15:30:00+00:00", 20),  # 17:30 local (UTC+2): inside
        ("2026-03-29T16:00:00+00:00", 10),  # 18:00 local: outside
        ("2026-10-25T16:30", 20),  # the last Sunday of October: winter time again
        ("2026-10-25T15:30:00+00:00", 20),  # 16:30 local (UTC+1)
        ("2026-10-25T17:00:00+00:00", 10),  # 18:00 local
    ],
)
def test_hours_hold_on_the_local_wall_clock_when_the_clocks_change(when: str, expected: int) -> None:
    assert points(program('weekdays = ["sun"]\nhours = "16:00-18:00"\n'), when) == expected


def test_a_receipt_given_in_utc_that_falls_on_another_local_day() -> None:
    prog = program('weekdays = ["sat"]\n')
    assert points(prog, "2026-03-06T23:30:00+00:00") == 20  # Saturday 00:30 in Berlin
    assert points(prog, "2026-03-07T23:30:00+00:00") == 10  # Sunday 00:30 in Berlin


@pytest.mark.parametrize(
    ("when", "expected"),
    [("2026-02-28T12:00", 20), ("2026-02-27T12:00", 10), ("2026-03-31T12:00", 20), ("2026-03-01T12:00", 20)],
)
def test_the_last_day_of_the_month_and_the_first(when: str, expected: int) -> None:
    assert points(program("monthdays = [1, -1]\n"), when) == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [("2026-03-07T12:00", 20), ("2026-03-14T12:00", 10), ("2026-03-06T12:00", 10), ("2026-08-01T12:00", 20)],
)
def test_weekday_and_monthday_together_make_the_first_saturday(when: str, expected: int) -> None:
    assert points(program('weekdays = ["sat"]\nmonthdays = [1, 2, 3, 4, 5, 6, 7]\n'), when) == expected


def test_an_open_campaign_runs_until_a_version_drops_it_and_ends_still_ends_it() -> None:
    assert points(program(""), "2031-05-05T12:00") == 20
    closed = parse_program(
        HEAD + '[[campaigns]]\nid = "c"\nstarts = 2026-01-01\nends = 2026-01-31\nmultiplier = 2\n', "t.toml"
    )
    assert points(closed, "2026-02-01T12:00") == 10


@pytest.mark.parametrize(
    ("campaign", "words"),
    [
        ('hours = "18:00-16:00"\n', ["campaigns.0.hours", "ends before it starts"]),
        ('hours = "16-18"\n', ["campaigns.0.hours", "not a time range"]),
        ('hours = "16:00-24:30"\n', ["campaigns.0.hours"]),
        ('weekdays = ["tues"]\n', ["campaigns.0.weekdays"]),
        ("monthdays = [0]\n", ["campaigns.0.monthdays", "not a day of the month"]),
        ("monthdays = [32]\n", ["campaigns.0.monthdays"]),
    ],
)
def test_a_bad_recurrence_is_explained_with_file_line_and_field(campaign: str, words: list[str]) -> None:
    with pytest.raises(ProgramError) as caught:
        program(campaign)
    message = " ".join(caught.value.problems)
    assert "t.toml:" in message
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("campaign", "text"),
    [
        ('weekdays = ["tue"]\nhours = "16:00-18:00"\n', "Tuesdays 16:00–18:00, from 2026-01-01"),
        ('weekdays = ["mon", "tue", "wed", "thu", "fri"]\n', "Mondays to Fridays, from 2026-01-01"),
        ('weekdays = ["sat"]\nmonthdays = [1, 2, 3, 4, 5, 6, 7]\n', "the first Saturday of the month, from 2026-01-01"),
        ("monthdays = [1, -1]\n", "the 1st and the last day of the month, from 2026-01-01"),
        ("", "from 2026-01-01"),
    ],
)
def test_when_a_campaign_runs_in_words(campaign: str, text: str) -> None:
    assert describe_schedule(program(campaign).campaigns[0]) == text


def test_cafe_happy_hour_and_coffee_chain_first_saturday(tmp_path: Path, clock: Any) -> None:
    clock.move_to("2026-12-01T10:00:00+01:00")
    cafe = Cli(tmp_path / "cafe.db")
    cafe("init", "--program", str(ROOT / "programs" / "cafe.toml"))
    cafe("enroll", "Anna", "--email", "anna@example.com")
    assert cafe.json("purchase", "anna@example.com", "10.00", "--date", "2026-11-27T15:30")["points"] == 20  # a Friday
    assert cafe.json("purchase", "anna@example.com", "10.00", "--date", "2026-11-27T17:00")["points"] == 10
    assert cafe.json("purchase", "anna@example.com", "10.00", "--date", "2026-11-28T15:30")["points"] == 10  # Saturday
    (happy,) = cafe.json("report", "campaigns")["campaigns"]
    assert (happy["receipts"], happy["extra_points"], happy["when"]) == (
        1,
        10,
        "Mondays to Fridays 15:00–17:00, from 2026-01-01",
    )
    chain = Cli(tmp_path / "chain.db")
    chain("init", "--program", str(ROOT / "programs" / "coffee-chain.toml"))
    chain("enroll", "Ben", "--email", "ben@example.com")
    assert chain.json("purchase", "ben@example.com", "5.00", "--date", "2026-11-07T09:00")["points"] == 30  # 1st Sat
    assert chain.json("purchase", "ben@example.com", "5.00", "--date", "2026-11-14T09:00")["points"] == 10


def test_import_counts_a_happy_hour_like_purchase(tmp_path: Path, clock: Any) -> None:
    clock.move_to("2026-12-01T10:00:00+01:00")
    cafe = Cli(tmp_path / "cafe.db")
    cafe("init", "--program", str(ROOT / "programs" / "cafe.toml"))
    sales = tmp_path / "s.csv"
    sales.write_text(
        "receipt,date,member,amount\nA,2026-11-27T15:30,x@example.com,10.00\nB,2026-11-27T14:59,x@example.com,10.00\n"
    )
    assert cafe.json("import", str(sales), "--enroll-unknown")["points"] == 30
