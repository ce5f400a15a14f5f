"""`loyalty explain RECEIPT|MEMBER` (SPEC §3): each figure it states is checked against the ledger."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from loyaltycli.i18n import set_language
from tests.conftest import Cli, query

PROGRAM = """\
[program]
name = "Explain"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"
exclude_categories = ["tobacco"]

[[campaigns]]
id = "double-books"
name = "Double books"
starts = 2026-01-01
multiplier = 2
categories = ["books"]
bonus_points = 5

[tiers]
basis = "spend"
window_months = 12
levels = [ { name = "Silver", threshold = "0" }, { name = "Gold", threshold = "100", multiplier = "1.5" } ]

[expiry]
policy = "fixed"
months = 1

[redeem]
min_balance = 0
point_value = "0.01"
"""


@pytest.fixture
def shop(make_db: Callable[[str], str], program_file: Callable[..., Path], clock: Any) -> Cli:
    cli = Cli(make_db("explain"))
    clock.move_to("2026-05-01T10:00:00+02:00")
    cli("init", "--program", str(program_file(PROGRAM, "explain.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "150.00", "--receipt", "R0")  # Gold from now on: spend 150 >= 100
    clock.move_to("2026-05-01T10:05:00+02:00")
    cli("purchase", "anna@example.com", "-", "--receipt", "R1", "--line", "B1:books:2:12.50")
    cli("purchase", "anna@example.com", "-", "--receipt", "R1b", "--line", ":tobacco:1:8.00")
    return cli


def test_a_receipt_with_a_campaign_a_tier_a_partial_refund_and_an_expiry(shop: Cli, clock: Any) -> None:
    shop(
        "purchase", "anna@example.com", "-", "--receipt", "R2", "--line", "B1:books:2:12.50", "--line", ":food:1:10.55"
    )
    shop("redeem", "anna@example.com", "--points", "30")
    shop("refund", "R2", "--amount", "10.00", "--receipt", "F2")
    clock.move_to("2026-06-15T10:00:00+02:00")
    shop("expire")
    found = shop.json("explain", "R2")
    ledger = dict(query(shop.db, "SELECT kind, SUM(points) FROM ledger_entry GROUP BY kind"))
    stored = query(shop.db, "SELECT points, bonus_points, tier FROM receipt WHERE receipt_id = 'R2'")[0]
    assert (found["points"], found["tier"], stored[2]) == (stored[0], "Gold", "Gold")
    lines = found["lines"]
    assert [(line["campaign"], line["multiplier"], line["points"]) for line in lines] == [
        ("double-books", "2", "50"),
        (None, "1", "10.55"),
    ]
    steps = {step["kind"]: step for step in found["steps"]}
    assert steps["lines"]["points"] == "60.55"
    assert steps["tier"]["points"] == str(Decimal("60.55") * Decimal("1.5"))  # 90.825
    assert steps["rounding"]["points"] == 90
    assert steps["campaign_bonus"]["points"] == 5
    assert steps["points"]["points"] == stored[0] == 95
    refund_points = query(shop.db, "SELECT points FROM receipt WHERE receipt_id = 'F2'")[0][0]
    assert steps["refund"]["points"] == -refund_points
    # What became of the 95: the redemption took from the lots by expiry (R0's, R1's and R2's expire on
    # the same day, oldest first); the refund took its share; the rest expired on 1 June.
    lot = query(
        shop.db,
        "SELECT l.earned, l.remaining FROM point_lot l JOIN ledger_entry e ON e.pk = l.entry_pk "
        "JOIN receipt r ON r.pk = e.receipt_pk WHERE r.receipt_id = 'R2' AND e.kind = 'earn'",
    )[0]
    expired = sum(s["points"] for s in found["steps"] if s["kind"] == "expired")
    assert steps["left"]["points"] == lot[1] == 0
    uses = query(
        shop.db,
        "SELECT e.kind, SUM(u.points) FROM lot_use u JOIN ledger_entry e ON e.pk = u.entry_pk JOIN point_lot l "
        "ON l.pk = u.lot_pk JOIN ledger_entry c ON c.pk = l.entry_pk JOIN receipt r ON r.pk = c.receipt_pk "
        "WHERE r.receipt_id = 'R2' GROUP BY e.kind",
    )
    assert -expired == dict(uses)["expire"]
    assert ledger["expire"] < 0
    assert "2026-06-01" in steps["expires"]["text"] or "2026-05-31" in steps["expires"]["text"]


def test_the_text_reads_as_the_json_says_in_both_languages(shop: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    english = shop("explain", "R1").stdout
    assert "x 2 (campaign double-books)" in english
    assert "Tier Gold multiplies them by 1.5: 75" in english  # 2 x 12.50 x 2 (campaign) x 1.5
    assert "Rounded once for the receipt (rounded down): 75 points." in english
    assert "Campaign double-books adds a bonus of 5 points." in english
    tobacco = shop("explain", "R1b").stdout
    assert "earns nothing: category tobacco is excluded" in tobacco
    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)
    german = shop("explain", "R1").stdout
    assert "Stufe Gold multipliziert sie mit 1,5: 75" in german
    assert "Einmal für den Bon gerundet (abgerundet): 75 Punkte." in german


def test_a_refund_of_spent_points_explains_the_debt(shop: Cli) -> None:
    shop("redeem", "anna@example.com", "--points", "200")
    shop("refund", "R0", "--receipt", "F0")  # R0's 225 points (150 x 1.5): mostly spent already
    found = shop.json("explain", "F0")
    steps = {step["kind"]: step for step in found["steps"]}
    debt = query(shop.db, "SELECT debt FROM member")[0][0]
    assert steps["refund_of"]["points"] == found["points"]
    assert steps["taken"]["points"] + steps["debt"]["points"] == found["points"]
    assert steps["debt"]["points"] == debt > 0
    member = shop.json("explain", "anna@example.com")
    member_steps = {step["kind"]: step for step in member["steps"]}
    assert member_steps["debt"]["points"] == -debt
    show = shop.json("member", "show", "anna@example.com")["points"]
    assert member["available"] == member_steps["available"]["points"] == show["available"]


def test_a_member_is_explained_lot_by_lot(shop: Cli) -> None:
    shop("redeem", "anna@example.com", "--points", "40")
    found = shop.json("explain", "anna@example.com")
    lots = query(shop.db, "SELECT earned, remaining FROM point_lot ORDER BY pk")
    assert [(lot["earned"], lot["remaining"]) for lot in found["lots"]] == lots
    assert sum(lot["earned"] for lot in found["lots"]) == {s["kind"]: s for s in found["steps"]}["earned"]["points"]
    taken = [t for lot in found["lots"] for t in lot["taken"]]
    assert [t["kind"] for t in taken] == ["redeemed"] and taken[0]["points"] == -40
    text = shop("explain", "anna@example.com").stdout
    assert re.search(r"Available now: \d+ points\.", text)


def test_something_that_is_neither_is_not_found(shop: Cli) -> None:
    result = shop("explain", "NOPE", expect=1)  # SPEC §1: refused by the data, as an unknown member is
    assert "There is no receipt or member NOPE" in result.stderr
