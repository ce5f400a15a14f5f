"""What the owner and the customer see (issue 15): open vouchers, stamp progress, the balance after a sale."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from loyaltycli.i18n import set_language
from tests.conftest import Cli

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"


@pytest.fixture
def grocer(make_db: Any, clock: Any) -> Cli:
    cli = Cli(make_db("grocer"))
    cli("init", "--program", str(PROGRAMS / "grocer.toml"))
    cli("enroll", "Anna Berg", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "450.00", "--receipt", "R1")
    return cli


@pytest.fixture
def cafe(make_db: Any, clock: Any) -> Cli:
    cli = Cli(make_db("cafe"))
    cli("init", "--program", str(PROGRAMS / "cafe.toml"))
    cli("enroll", "Ben", "--email", "ben@example.com")
    return cli


def test_member_show_lists_open_vouchers_with_their_partner(grocer: Cli) -> None:
    code = grocer.json("redeem", "anna@example.com", "fuel-5")["voucher"]
    shown = grocer("member", "show", "anna@example.com").stdout
    assert "Open vouchers" in shown and code in shown and "Tankstelle Huber" in shown
    assert "Tankstelle Huber" in grocer("voucher", "show", code).stdout
    statement = grocer("statement", "anna@example.com").stdout
    assert code in statement
    grocer("voucher", "use", code)
    assert code not in grocer("member", "show", "anna@example.com").stdout  # used: no longer open


def test_purchase_says_the_new_balance_and_the_stamp_progress(cafe: Cli) -> None:
    for _ in range(6):
        cafe("purchase", "ben@example.com", "3.20", "--category", "coffee")
    result = cafe("purchase", "ben@example.com", "3.20", "--category", "coffee")
    assert "coffee-card: 7 of 9 stamps" in result.stderr
    assert re.search(r"M\d+ now has \d+ points available\.", result.stderr)
    assert "Usable from" not in result.stderr  # the cafe's points are usable at once
    assert "coffee-card: 7 of 9 stamps" in cafe("member", "show", "ben@example.com").stdout


def test_the_html_statement_has_the_as_of_date_stamps_and_vouchers(cafe: Cli, tmp_path: Path) -> None:
    for _ in range(9):
        cafe("purchase", "ben@example.com", "3.20", "--category", "coffee")
    page = tmp_path / "statement.html"
    cafe("statement", "ben@example.com", "--html", str(page))
    html = page.read_text(encoding="utf-8")
    assert "As of" in html and "Stamp cards" in html and "Open vouchers" in html and "free-coffee" in html


def test_the_html_report_in_german(cafe: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cafe("purchase", "ben@example.com", "1234.50")
    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)
    page = tmp_path / "report.html"
    cafe("report", "--html", str(page))
    html = page.read_text(encoding="utf-8")
    assert '<html lang="de">' in html and "Bericht zum Treueprogramm" in html and "Stand " in html
    assert "1.234,50\xa0€" in html and "Punkte je Monat" in html and "@page{size:A4" in html
    assert "Die besten Mitglieder" in html and "Ben" in html  # top spenders
