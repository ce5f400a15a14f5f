"""Member card numbers (issue 30, SPEC §3 "card number"): digits with a check digit, random, a reference
everywhere, replaceable when a card is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loyaltycli.domain.cards import card_number, check_digit, is_card_number
from tests.conftest import Cli


@pytest.mark.parametrize(("twelve", "check"), [("400638133393", "1"), ("200000000000", "8"), ("212345678901", "0")])
def test_the_check_digit_is_ean_13s(twelve: str, check: str) -> None:
    assert check_digit(twelve) == check


def test_a_card_number_is_13_digits_starting_with_2_and_checks_itself() -> None:
    card = card_number("12345678901")
    assert card == "2123456789010" and is_card_number(card)
    assert not is_card_number("2123456789011")  # one digit misread
    assert not is_card_number("4006381333931")  # a product's barcode, not one of ours
    assert not is_card_number("212345678901")
    with pytest.raises(ValueError):
        card_number("123")


def test_every_member_gets_a_card_that_names_them(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Anna", "--id", "A", "--phone", "0170 1234567")
    card = cli.json("member", "show", "A")["card"]
    assert is_card_number(card)
    assert cli.json("member", "show", card)["id"] == "A"
    assert [m["id"] for m in cli.json("member", "find", card)] == ["A"]  # the counter's search finds it too
    cli("purchase", card, "10.00")
    assert cli("member", "card", "A").stdout.strip() == card
    (tmp_path / "c.csv").write_text("name,points\n" + "".join(f"C{n},1\n" for n in range(50)), encoding="utf-8")
    cli("member", "import", str(tmp_path / "c.csv"))
    (tmp_path / "s.csv").write_text("receipt,date,member,amount\nR1,2026-06-01,new@example.com,5.00\n", "utf-8")
    cli("import", str(tmp_path / "s.csv"), "--enroll-unknown")
    assert is_card_number(json.loads(cli("member", "export", "new@example.com").stdout)["member"]["card"])
    listed = {cli.json("member", "show", m["id"])["card"] for m in cli.json("member", "list")}
    assert len(listed) == 52 and all(is_card_number(c) for c in listed)


def test_a_lost_card_is_replaced_and_the_old_number_names_nobody(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    old = cli.json("member", "show", "A")["card"]
    new = cli.json("member", "card", "A", "--new")["card"]
    assert new != old and is_card_number(new)
    assert "No member matches" in cli("member", "show", old, expect=1).stderr
    assert cli.json("member", "show", new)["id"] == "A"


def test_an_erased_member_keeps_no_card(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    card = cli.json("member", "show", "A")["card"]
    cli("member", "erase", "A", "--yes")
    assert cli.json("member", "show", "A")["card"] is None
    cli("member", "show", card, expect=1)
