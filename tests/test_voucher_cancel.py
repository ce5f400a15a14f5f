"""`voucher list` and `voucher cancel` (SPEC §3): a mistaken reward gives its points back, once."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from tests.conftest import BASIC_PROGRAM, Cli

SHORT = (
    BASIC_PROGRAM.replace("months = 24", "months = 1").replace("min_balance = 50", "min_balance = 0")
    + '\n[[rewards]]\nid = "tote"\nname = "Tote bag"\npoints = 30\nkind = "free_item"\nvalue = "5.00"\nstock = 1\n'
)


@pytest.fixture
def shop(make_db: Any, program_file: Any, clock: Any) -> Cli:
    cli = Cli(make_db("vouchers"))
    cli("init", "--program", str(program_file(SHORT, "short.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com", "--date", "2026-06-01")  # 50 points, expire 2026-07-01
    cli("purchase", "anna@example.com", "60.00", "--date", "2026-06-10")  # 60 points, expire 2026-07-10
    return cli


def test_cancelled_points_come_back_with_the_dates_of_their_lots(shop: Cli) -> None:
    before = shop.json("member", "show", "anna@example.com")
    code = shop.json("redeem", "anna@example.com", "mug")["voucher"]  # 80: all 50 of June 1st, 30 of June 10th
    done = shop.json("voucher", "cancel", code)
    assert (done["points"], done["status"]) == (80, "cancelled")
    after = shop.json("member", "show", "anna@example.com")
    assert after["points"]["available"] == before["points"]["available"] == 110
    assert after["expiring"] == before["expiring"]
    assert after["points"]["redeemed"] == 0
    assert shop.json("voucher", "show", code)["status"] == "cancelled"
    assert shop.json("verify")["ok"] is True


def test_points_already_past_expiry_stay_expired(shop: Cli, clock: Any) -> None:
    code = shop.json("redeem", "anna@example.com", "mug")["voucher"]
    clock.move_to("2026-07-05T10:00:00+02:00")  # the signup lot expired on July 1st
    done = shop.json("voucher", "cancel", code)
    assert done["points"] == 30
    assert shop.json("member", "show", "anna@example.com")["points"]["available"] == 60
    assert shop.json("verify")["ok"] is True


@pytest.mark.parametrize("state", ["used", "expired", "cancelled"])
def test_a_voucher_that_cannot_be_cancelled_is_refused_with_the_reason(shop: Cli, clock: Any, state: str) -> None:
    code = shop.json("redeem", "anna@example.com", "mug")["voucher"]
    if state == "used":
        shop("voucher", "use", code)
    elif state == "expired":
        clock.move_to("2026-12-01T10:00:00+01:00")
    else:
        shop("voucher", "cancel", code)
    balance = shop.json("member", "show", "anna@example.com")["points"]
    result = shop("voucher", "cancel", code, expect=1)
    assert {"used": "already used", "expired": "expired on", "cancelled": "already cancelled"}[state] in result.stderr
    assert shop.json("member", "show", "anna@example.com")["points"] == balance


def test_a_stamp_card_voucher_cannot_be_cancelled(make_db: Any, program_file: Any, clock: Any) -> None:
    card = BASIC_PROGRAM + '\n[[stamp_cards]]\nid = "c"\ncategories = ["coffee"]\nstamps = 2\nreward = "mug"\n'
    cli = Cli(make_db("card"))
    cli("init", "--program", str(program_file(card, "card.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com")
    (code,) = cli.json("purchase", "anna@example.com", "-", "--line", ":coffee:2:3.00")["vouchers"]
    result = cli("voucher", "cancel", code, expect=1)
    assert "stamp card" in result.stderr


def test_stock_goes_back_up(shop: Cli) -> None:
    code = shop.json("redeem", "anna@example.com", "tote")["voucher"]
    assert "out of stock" in shop("redeem", "anna@example.com", "tote", expect=1).stderr
    shop("voucher", "cancel", code)
    shop("redeem", "anna@example.com", "tote")


def test_voucher_list_by_member_and_status(shop: Cli) -> None:
    shop("enroll", "Ben", "--email", "ben@example.com")
    first = shop.json("redeem", "anna@example.com", "tote")["voucher"]
    shop("redeem", "ben@example.com", "mug", expect=1)  # Ben has too few points: no voucher
    shop("voucher", "use", first)
    listed = shop.json("voucher", "list")
    assert [v["code"] for v in listed] == [first] and listed[0]["status"] == "used"
    assert shop.json("voucher", "list", "ben@example.com") == []
    assert shop.json("voucher", "list", "--status", "valid") == []
    assert [v["code"] for v in shop.json("voucher", "list", "anna@example.com", "--status", "used")] == [first]
    csv_out = shop("voucher", "list", "--csv").stdout.splitlines()
    assert csv_out[0] == "code,member,reward,status,source,issued_on,valid_until,used_at,partner"
    assert "--status" in shop("voucher", "list", "--status", "sleepy", expect=2).stderr
    assert "No voucher matches" in shop("voucher", "list", "--status", "cancelled").stderr


def test_verify_finds_points_given_back_twice(tmp_path: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(tmp_path / "twice.db")
    cli("init", "--program", str(program_file(SHORT, "s.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "60.00")
    code = cli.json("redeem", "anna@example.com", "mug")["voucher"]
    cli("voucher", "cancel", code)
    con = sqlite3.connect(tmp_path / "twice.db")
    con.execute(
        "INSERT INTO ledger_entry (member_pk, kind, points, business_date, created_at, program_version, command, "
        "voucher_pk, ref) SELECT member_pk, kind, points, business_date, '2026-06-15 09:00:00', program_version, "
        "command, voucher_pk, ref FROM ledger_entry WHERE kind = 'cancel' LIMIT 1"
    )
    con.commit()
    con.close()
    doc = cli.json("verify", expect=1)
    assert any(f"voucher {code} (cancelled)" in p for p in doc["problems"]), doc
