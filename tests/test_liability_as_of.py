"""`report liability --as-of DATE` (SPEC §3): the outstanding points as the ledger stood at a year end, and
those a later expiry took unused, for the tax adviser's provision."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import Cli

PROGRAM = """\
[program]
name = "Year End"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1

[expiry]
policy = "fixed"
months = 1

[redeem]
min_balance = 0
point_value = "0.01"
"""


def test_liability_at_a_year_end_and_what_expired_unused(
    make_db: Callable[[str], str], program_file: Callable[..., Path], clock: Any
) -> None:
    cli = Cli(make_db("yearend"))
    clock.move_to("2025-12-01T10:00:00+01:00")
    cli("init", "--program", str(program_file(PROGRAM)))
    for name in ("anna", "bob", "carla"):
        cli("enroll", name.title(), "--email", f"{name}@example.com")
    cli("purchase", "anna@example.com", "100.00")  # 100 points, expire 2026-01-01
    clock.move_to("2025-12-05T10:00:00+01:00")
    cli("purchase", "carla@example.com", "50.00", "--receipt", "C1")
    clock.move_to("2025-12-06T10:00:00+01:00")
    cli("redeem", "carla@example.com", "--points", "50")
    clock.move_to("2025-12-07T10:00:00+01:00")
    cli("refund", "C1")  # the 50 points are spent: a debt of 50
    clock.move_to("2025-12-10T10:00:00+01:00")
    cli("purchase", "bob@example.com", "30.00")  # expire 2026-01-10
    clock.move_to("2025-12-20T10:00:00+01:00")
    cli("redeem", "anna@example.com", "--points", "20")
    clock.move_to("2026-01-03T10:00:00+01:00")
    cli("purchase", "carla@example.com", "80.00")  # pays the debt of 50; 30 left, expire 2026-02-03
    clock.move_to("2026-02-15T10:00:00+01:00")
    cli("expire")

    year_end = cli.json("report", "liability", "--as-of", "2025-12-31")
    # Anna 80 + Bob 30, less Carla's debt of 50; Anna's 80 and Bob's 30 expired unused in January.
    assert (year_end["as_of"], year_end["points"], year_end["value"]) == ("2025-12-31", 60, "0.60")
    assert year_end["expiring_unused"] == 110 and year_end["expiring_unused_value"] == "1.10"

    early_january = cli.json("report", "liability", "--as-of", "2026-01-05")
    # Anna's lot is past expiry on 5 January; Bob 30 and Carla 30 (her debt paid) both expired later.
    assert (early_january["points"], early_january["expiring_unused"]) == (60, 60)
    assert early_january["pending"] == 0 and early_january["available"] == 60

    today = cli.json("report", "liability")
    assert today["points"] == today["outstanding"] == 0
    same_day = cli.json("report", "liability", "--as-of", "2026-02-15")
    assert same_day["points"] == today["points"] and same_day["expiring_unused"] == 0

    text = cli("report", "liability", "--as-of", "2025-12-31").stdout
    assert "31 Dec 2025" in text and "of them expired unused later" in text and "110 (€1.10)" in text


def test_the_ledger_read_back_agrees_with_the_balances_today(cli: Cli, clock: Any) -> None:
    """As of today, reading the ledger back gives what the lots hold now (two computations, one figure)."""
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "120.00", "--receipt", "R1")
    cli("redeem", "anna@example.com", "mug")
    cli("refund", "R1", "--amount", "100.00")
    cli("purchase", "anna@example.com", "30.00")
    now, read_back = cli.json("report", "liability"), cli.json("report", "liability", "--as-of", "2026-06-15")
    assert now["points"] == read_back["points"] and now["available"] == read_back["available"]
    assert cli.json("member", "show", "anna@example.com")["points"]["available"] == now["available"]


def test_a_day_after_today_or_not_a_date_is_refused(cli: Cli) -> None:
    later = cli("report", "liability", "--as-of", "2026-06-16", expect=2)
    assert "--as-of" in later.stderr and "after today" in later.stderr
    wrong = cli("report", "liability", "--as-of", "31.13.2025", expect=2)
    assert "--as-of" in wrong.stderr
