"""What users found at the till, in cron and in German (issue 25): each item failed before its fix."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import BASIC_PROGRAM, Cli

CARD = '\n[[stamp_cards]]\nid = "coffee"\ncategories = ["coffee"]\nstamps = 2\nreward = "mug"\n'


def test_member_show_json_lists_the_open_vouchers(make_db: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(make_db("vouchers"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM + CARD, "card.toml")))
    cli("enroll", "Anna", "--id", "A")
    assert cli.json("member", "show", "A")["vouchers"] == []
    bought = cli.json("purchase", "A", "-", "--line", ":coffee:2:3.00")
    [code] = bought["vouchers"]
    assert cli.json("member", "show", "A")["vouchers"] == [{"code": code, "reward": "mug", "valid_until": "2026-09-13"}]
    cli("voucher", "use", code)
    assert cli.json("member", "show", "A")["vouchers"] == []


TIERS = """
[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Gold"
threshold = "100.00"
multiplier = 2
"""


def test_names_in_options_match_in_any_case_and_without_accents(cli: Cli, program_file: Any) -> None:
    cli("program", "apply", str(program_file(BASIC_PROGRAM + TIERS, "tiers.toml")))
    cli("enroll", "Anna", "--id", "A")
    cli("purchase", "A", "150.00")
    assert [m["id"] for m in cli.json("member", "list", "--tier", "gold")] == ["A"]
    assert [m["id"] for m in cli.json("member", "list", "--tier", "GÖLD")] == ["A"]
    assert cli.json("member", "list", "--tier", "bronze") == []
    assert "--tier" in cli("member", "list", "--tier", "silver", expect=2).stderr
    assert cli.json("redeem", "A", "MUG")["voucher"]
    assert cli.json("member", "list", "--status", "ACTIVE")[0]["id"] == "A"


def test_member_list_offers_merged_members(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    cli("enroll", "Anna M", "--id", "B")
    cli("member", "merge", "A", "B", "--yes")
    assert [m["id"] for m in cli.json("member", "list", "--status", "merged")] == ["B"]


def test_enroll_says_nothing_of_a_signup_bonus_the_programme_has_not(
    make_db: Any, program_file: Any, clock: Any
) -> None:
    cli = Cli(make_db("nobonus"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM.replace("signup = 50", "signup = 0"), "nb.toml")))
    said = cli("enroll", "Anna", "--id", "A").stderr
    assert said.strip() == "Enrolled Anna as A." and "bonus" not in said


def test_a_lapsed_member_with_debt_shows_the_same_balance_in_show_and_list(
    make_db: Any, program_file: Any, clock: Any
) -> None:
    inactivity = BASIC_PROGRAM.replace('policy = "fixed"\nmonths = 24', 'policy = "inactivity"\nmonths = 1')
    cli = Cli(make_db("lapsed"))
    cli("init", "--program", str(program_file(inactivity, "lapse.toml")))
    cli("enroll", "Anna", "--id", "A", "--date", "2026-03-01")
    cli("purchase", "A", "40.00", "--receipt", "R1", "--date", "2026-03-02")  # 50 + 40
    cli("redeem", "A", "mug", "--date", "2026-03-03")  # 10 left
    cli("refund", "R1", "--date", "2026-03-04")  # takes 40: the 10, and 30 become a debt
    shown = cli.json("member", "show", "A")["points"]["available"]
    listed = cli.json("member", "list")[0]["points"]
    assert shown == listed == -30, (shown, listed)  # lapsed since April: no points, the debt still owed


def test_the_counter_and_redeem_share_one_rule_for_a_reward_out_of_stock(
    make_db: Any, program_file: Any, clock: Any
) -> None:
    import datetime as dt

    from loyaltycli.services.counter import counter_member
    from loyaltycli.storage.database import open_database
    from loyaltycli.storage.location import resolve
    from tests.conftest import NOW

    cli = Cli(make_db("stock"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM + "stock = 1\n", "stock.toml")))
    for member in ("A", "B"):
        cli("enroll", member, "--id", member)
        cli("purchase", member, "100.00")
    cli("redeem", "A", "mug")
    assert "out of stock" in cli("redeem", "B", "mug", expect=1).stderr
    db = open_database(resolve(str(cli.db)))
    try:
        [mug] = counter_member(db, "B", dt.datetime.fromisoformat(NOW)).rewards
    finally:
        db.dispose()
    assert not mug.allowed and mug.refusal is not None and mug.refusal.kind == "stock"


@pytest.mark.parametrize(
    ("tier", "available", "redeemed", "expected"),
    [
        ("Gold", 200, 0, None),
        ("Bronze", 200, 0, ("tier", 0)),  # the tier comes first
        (None, 200, 0, ("tier", 0)),
        ("Gold", 200, 3, ("stock", 0)),
        ("Gold", 120, 0, ("points", 30)),  # the minimum balance of 150 counts, not the price of 80
        ("Gold", -5, 2, ("points", 155)),
    ],
)
def test_reward_refusal_worked_examples(
    tier: str | None, available: int, redeemed: int, expected: tuple[str, int] | None
) -> None:
    from loyaltycli.domain.program import parse_program
    from loyaltycli.domain.rewards import reward_refusal

    text = BASIC_PROGRAM.replace("min_balance = 50", "min_balance = 150") + 'min_tier = "Gold"\nstock = 3\n' + TIERS
    program = parse_program(text, "p.toml")
    [mug] = program.rewards
    refusal = reward_refusal(program, mug, tier, available, redeemed)
    assert (None if refusal is None else (refusal.kind, refusal.missing)) == expected
