"""`report suspicious` (SPEC §3, `[abuse]`): every rule fires once on a hand-made history, near misses don't."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from loyaltycli.domain.abuse import Person, mailbox, shared_identity, too_many_refunds
from loyaltycli.i18n import set_language
from tests.conftest import BASIC_PROGRAM, Cli

ABUSE = "\n[abuse]\nmax_receipts_per_day = 2\nmax_refunds_per_30_days = 1\n"


@pytest.fixture
def shop(make_db: Any, program_file: Any, clock: Any) -> Cli:
    cli = Cli(make_db("abuse"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM + ABUSE, "abuse.toml")))
    for name, email in (("Anna", "anna"), ("Ben", "ben"), ("Carl", "carl")):
        cli("enroll", name, "--email", f"{email}@example.com", "--date", "2026-03-01")
    for n in range(3):  # three receipts on June 1st: over the limit of 2
        cli("purchase", "anna@example.com", "5.00", "--date", "2026-06-01T1{n}:00".replace("{n}", str(n)))
    for n in range(2):  # two on June 2nd: at the limit, no finding
        cli("purchase", "anna@example.com", "5.00", "--date", f"2026-06-02T1{n}:00")
    for receipt, day in (("B1", "2026-05-01"), ("B2", "2026-05-20"), ("C1", "2026-04-01"), ("C2", "2026-05-05")):
        who = "ben@example.com" if receipt.startswith("B") else "carl@example.com"
        cli("purchase", who, "20.00", "--receipt", receipt, "--date", f"{day}T09:00")
        cli("refund", receipt, "--date", f"{day}T18:00")
    cli("purchase", "carl@example.com", "20.00", "--receipt", "C3", "--date", "2026-05-10T09:00")
    cli("refund", "C3", "--amount", "5.00", "--date", "2026-05-10T10:00")  # partial: not counted
    cli("enroll", "Dana Test", "--email", "dana@example.com", "--birthday", "1990-01-02", "--date", "2026-04-01")
    cli("enroll", "dana  TEST", "--birthday", "1990-01-02", "--referred-by", "dana@example.com", "--date", "2026-04-02")
    cli("enroll", "Emil", "--email", "e.mil@gmail.com", "--date", "2026-04-01")
    cli(
        "enroll",
        "Emil Two",
        "--email",
        "emil+2@googlemail.com",
        "--referred-by",
        "e.mil@gmail.com",
        "--date",
        "2026-04-03",
    )
    cli("enroll", "Frank", "--referred-by", "anna@example.com", "--birthday", "1990-01-02", "--date", "2026-04-04")
    return cli


def test_every_rule_fires_once_and_near_misses_do_not(shop: Cli) -> None:
    found = shop.json("report", "suspicious", expect=1)
    rows = {(f["member"], f["reason"], f["date"]) for f in found}
    assert rows == {
        ("M000001", "receipts per day", "2026-06-01"),
        ("M000002", "refunds in 30 days", "2026-05-20"),
        ("M000005", "self-referral", "2026-04-02"),
        ("M000007", "self-referral", "2026-04-03"),
    }, found
    detail = {f["reason"]: f["detail"] for f in found}
    assert "3 receipts on one day (limit 2)" in detail["receipts per day"]
    assert "2 full refunds or returns from 2026-05-01 to 2026-05-20" in detail["refunds in 30 days"]


def test_the_period_and_the_exit_code_for_cron(shop: Cli) -> None:
    assert [f["reason"] for f in shop.json("report", "suspicious", "--from", "2026-05-15", expect=1)] == [
        "refunds in 30 days",
        "receipts per day",
    ]
    quiet = shop("report", "suspicious", "--from", "2026-06-02")
    assert quiet.exit_code == 0 and "Nothing suspicious" in quiet.stderr
    assert shop("report", "suspicious", "--from", "2026-06-02", "--json").stdout.strip() == "[]"
    csv_rows = shop("report", "suspicious", "--csv", expect=1).stdout.splitlines()
    assert csv_rows[0] == "member,name,contact,reason,date,detail" and len(csv_rows) == 5


def test_without_limits_only_referrals_are_checked(make_db: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(make_db("plain"))
    cli("init", "--program", str(program_file()))
    cli("enroll", "Anna", "--email", "anna@example.com")
    for _ in range(20):
        cli("purchase", "anna@example.com", "1.00")
    assert cli("report", "suspicious").exit_code == 0


def test_refund_windows_are_thirty_days() -> None:
    day = dt.date(2026, 1, 1)
    dates = {"A": [day, day + dt.timedelta(days=29)], "B": [day, day + dt.timedelta(days=30)]}
    assert [f.member for f in too_many_refunds(dates, 1)] == ["A"]
    many = {"C": [day + dt.timedelta(days=n) for n in range(10)]}
    assert len(too_many_refunds(many, 1)) == 1  # one finding for one stretch


def test_shared_identity() -> None:
    anna = Person("A", "Anna Muster", "Anna.M+x@Example.com", "+491701234567", dt.date(1990, 1, 1))
    assert shared_identity(anna, Person("B", "X", None, "+491701234567", None)) is not None
    assert shared_identity(anna, Person("B", "X", "anna.m@example.com", None, None)) is not None
    assert shared_identity(anna, Person("B", "anna  muster", None, None, dt.date(1990, 1, 1))) is not None
    assert shared_identity(anna, Person("B", "Anna Muster", None, None, dt.date(1990, 1, 2))) is None
    assert mailbox("J.Doe+shop@GoogleMail.com") == mailbox("jdoe@gmail.com")
    assert mailbox("j.doe@example.com") != mailbox("jdoe@example.com")


def test_from_yesterday_for_cron(shop: Cli, clock: Any) -> None:
    clock.move_to("2026-06-02T07:00:00+02:00")
    found = shop.json("report", "suspicious", "--from", "yesterday", expect=1)
    assert [(f["reason"], f["date"]) for f in found] == [("receipts per day", "2026-06-01")]
    assert shop("report", "suspicious", "--from", "today").exit_code == 0


def test_findings_name_the_member_and_how_to_reach_them(shop: Cli) -> None:
    found = {f["member"]: f for f in shop.json("report", "suspicious", expect=1)}
    assert list(found["M000001"])[:6] == ["member", "name", "contact", "reason", "date", "detail"]
    assert (found["M000001"]["name"], found["M000001"]["contact"]) == ("Anna", "anna@example.com")
    shop("member", "erase", "M000001", "--yes")
    erased = next(f for f in shop.json("report", "suspicious", expect=1) if f["member"] == "M000001")
    assert erased["name"] == "(erased)" and erased["contact"] == ""
    assert "anna@example.com" not in shop("report", "suspicious", expect=1).stdout


def test_german_cron_mail_at_80_columns_keeps_who_and_when_whole(shop: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from loyaltycli.cli import output

    monkeypatch.setenv("LOYALTY_LANG", "de")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(output, "_CONSOLE", None)
    set_language(None)
    text = shop("report", "suspicious", expect=1).stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Belege pro Tag: 3 Belege an einem Tag" in " ".join(text.split())
    assert "01.06.2026" in text and "anna@example.com" in text and "M000001" in text
    assert "receipts per day" not in text and "Reason" not in text
    assert shop("report", "suspicious", "--json", expect=1).stdout.count("receipts per day") == 1  # JSON stays
