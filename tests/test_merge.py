"""`member merge` (SPEC §3): a duplicate's points, stamps, vouchers, history and referrals move to KEEP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import BASIC_PROGRAM, Cli

CARD = '\n[[stamp_cards]]\nid = "coffee"\ncategories = ["coffee"]\nstamps = 3\nreward = "mug"\n'


@pytest.fixture
def shop(make_db: Any, program_file: Any, clock: Any) -> Cli:
    cli = Cli(make_db("merge"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM.replace("months = 24", "months = 12") + CARD, "m.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com", "--phone", "0170 1111111")
    cli("enroll", "Anna M", "--email", "anna.m@example.com", "--phone", "0170 2222222", "--date", "2026-01-10")
    return cli


def test_points_keep_their_dates_and_everything_moves(shop: Cli) -> None:
    shop("purchase", "anna.m@example.com", "100.00", "--date", "2026-02-01")
    shop("purchase", "anna.m@example.com", "-", "--line", ":coffee:2:3.00", "--date", "2026-03-01")
    code = shop.json("redeem", "anna.m@example.com", "mug")["voucher"]
    shop("enroll", "Ben", "--referred-by", "anna.m@example.com")
    shop("purchase", "anna@example.com", "-", "--line", ":coffee:2:3.00")
    keep_before = shop.json("member", "show", "anna@example.com")["points"]
    other_before = shop.json("member", "show", "anna.m@example.com")["points"]
    done = shop.json("member", "merge", "anna@example.com", "anna.m@example.com", "--yes")
    assert (done["member"], done["merged"], done["vouchers"]) == ("M000001", "M000002", 1)
    assert done["points"] == other_before["available"] + other_before["pending"]
    assert len(done["new_vouchers"]) == 1  # 2 + 2 stamps on a card of 3: it fills
    keep = shop.json("member", "show", "anna@example.com")
    assert keep["points"]["available"] == keep_before["available"] + other_before["available"]
    assert keep["stamps"]["coffee"] == 1
    assert shop.json("member", "show", "M000003")["referred_by"] == "M000001"
    shown = shop("member", "show", "0170 2222222", "--json")  # OTHER's phone leads to KEEP, with a note
    assert '"id": "M000001"' in shown.stdout and "merged into M000001" in shown.stderr
    assert shop("voucher", "list", "anna@example.com", "--json").stdout.count(code) == 1
    assert shop.json("verify")["ok"] is True


def test_expiry_dates_of_each_lot_survive(shop: Cli) -> None:
    shop("purchase", "anna.m@example.com", "30.00", "--date", "2026-02-01")
    before = shop.json("member", "show", "anna.m@example.com")["expiring"]
    shop("member", "merge", "anna@example.com", "anna.m@example.com", "--yes")
    after = {e["date"]: e["points"] for e in shop.json("member", "show", "anna@example.com")["expiring"]}
    for item in before:
        assert after.get(item["date"], 0) >= item["points"], (before, after)


def test_debt_merges_too(shop: Cli) -> None:
    shop("purchase", "anna.m@example.com", "200.00", "--receipt", "BIG")
    shop("redeem", "anna.m@example.com", "mug")
    shop("redeem", "anna.m@example.com", "mug")
    shop("refund", "BIG")  # 200 points reversed; 90 left after the mugs: a debt of 110
    assert shop.json("member", "show", "anna.m@example.com")["points"]["available"] == -110
    done = shop.json("member", "merge", "anna@example.com", "anna.m@example.com", "--yes")
    assert done["debt"] == 110 and done["balance"] == 50 - 110
    assert shop.json("verify")["ok"] is True


@pytest.mark.parametrize("state", ["erased", "blocked", "merged", "same"])
def test_refused_merges_say_why(shop: Cli, state: str) -> None:
    other = "anna.m@example.com"
    if state == "erased":
        shop("member", "erase", other, "--yes")
        other = "M000002"
    elif state == "blocked":
        shop("member", "block", other, "--reason", "test")
    elif state == "merged":
        shop("enroll", "Cleo", "--email", "cleo@example.com")
        shop("member", "merge", "cleo@example.com", other, "--yes")
    elif state == "same":
        other = "0170 1111111"
    result = shop("member", "merge", "anna@example.com", other, "--yes", expect=2 if state == "same" else 1)
    assert {"erased": "erased", "blocked": "blocked", "merged": "already merged", "same": "same member"}[
        state
    ] in result.stderr
    assert "--yes" in shop("member", "merge", "anna@example.com", "cleo@x.de", expect=2).stderr


PURCHASES = st.lists(
    st.tuples(st.integers(min_value=0, max_value=320), st.integers(min_value=100, max_value=20000)), max_size=6
)
PROGRAM = (
    '[program]\nname = "P"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'
    '[earn]\npending_days = 7\n[expiry]\npolicy = "fixed"\nmonths = 6\n'
    '[tiers]\nbasis = "spend"\nwindow_months = 3\n[[tiers.levels]]\nname = "B"\nthreshold = "0"\n'
    '[[tiers.levels]]\nname = "S"\nthreshold = "150.00"\n'
)
TODAY = dt.date(2026, 11, 20)


@pytest.mark.slow  # twelve pairs of random histories: about ten seconds
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=PURCHASES, second=PURCHASES)
def test_a_merged_member_holds_what_one_member_with_both_histories_would(
    tmp_path_factory: Any, first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> None:
    """After the merge KEEP has what one member C with both histories has: available and pending points,
    the points falling due on each date, and the tier; OTHER holds nothing."""
    tmp = Path(tmp_path_factory.mktemp("merge"))
    (tmp / "p.toml").write_text(PROGRAM)
    start = dt.date(2026, 1, 1)
    with time_machine.travel("2026-11-20T10:00:00+01:00", tick=False):
        cli = Cli(tmp / "merged.db")
        cli("init", "--program", str(tmp / "p.toml"))
        for who in ("a", "b", "c"):
            cli("enroll", who.upper(), "--email", f"{who}@example.com", "--date", "2026-01-01")
        histories = (("a@example.com", first), ("b@example.com", second), ("c@example.com", sorted(first + second)))
        for who, purchases in histories:
            for day, cents in purchases:
                when = (start + dt.timedelta(days=day)).isoformat()
                cli("purchase", who, f"{cents / 100:.2f}", "--date", when)
        cli("member", "merge", "a@example.com", "b@example.com", "--yes")
        keep, one = (cli.json("member", "show", f"{w}@example.com") for w in ("a", "c"))
        assert keep["points"] == one["points"]
        assert keep["expiring"] == one["expiring"]
        assert keep["tier"] == one["tier"]
        window = TODAY.replace(month=8)  # three calendar months before today: the tier is the spend's
        spend = sum(c for d, c in first + second if start + dt.timedelta(days=d) >= window)
        assert keep["tier"] == ("S" if spend >= 15000 else "B")
        assert cli.json("verify")["ok"] is True  # SPEC §6 item 6: a merged member holds no points
