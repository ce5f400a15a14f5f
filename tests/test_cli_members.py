"""Members through the CLI (SPEC §3): enrol, find by any form, edit, block, export, erase."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import Cli


def test_enroll_books_the_signup_bonus(cli: Cli) -> None:
    doc = cli.json("enroll", "Anna Muster", "--email", "Anna@Example.com", "--phone", "0170 1234567")
    assert doc["id"] == "M000001" and doc["points"] == 50
    shown = cli.json("member", "show", "anna@example.com")
    assert shown["points"]["available"] == 50
    assert shown["points"]["lifetime_earned"] == 50
    assert shown["expiring"] == [{"date": "2028-06-15", "points": 50}]
    assert shown["phone"] == "+491701234567"


def test_every_written_form_of_a_phone_finds_the_member(cli: Cli) -> None:
    cli("enroll", "Anna", "--phone", "+49 170 1234567")
    for form in ("+49 170 1234567", "0049 170-1234567", "0170 1234567", "+491701234567"):
        assert cli.json("member", "show", form)["name"] == "Anna"


def test_explicit_id_and_lookup_by_id(cli: Cli) -> None:
    cli("enroll", "Card Holder", "--id", "CARD-0042")
    assert cli.json("member", "show", "CARD-0042")["name"] == "Card Holder"


def test_duplicates_are_refused(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com", "--phone", "0170 1234567", "--id", "A1")
    for args in (["--email", "ANNA@example.com"], ["--phone", "0049 170 1234567"], ["--id", "A1"]):
        result = cli("enroll", "Other", *args, expect=1)
        assert "already has" in result.stderr


def test_ids_emails_and_phones_never_collide(cli: Cli) -> None:
    """An id that is another member's phone or e-mail (in any written form) would make both unreachable."""
    cli("enroll", "Anna", "--phone", "+49 170 1111111", "--email", "anna.mueller@example.com")
    for taken in ("01701111111", "0049 170 1111111", "Anna.Mueller@example.com"):
        result = cli("enroll", "Carl", "--id", taken, expect=1)
        assert "already answers to it" in result.stderr
    cli("enroll", "Dora", "--id", "01702222222")
    result = cli("enroll", "Emil", "--phone", "0170 2222222", expect=1)
    assert "is the id of member 01702222222" in result.stderr
    assert cli.json("member", "show", "01701111111")["name"] == "Anna"


def test_find_by_part_of_name_email_or_phone(cli: Cli) -> None:
    cli("enroll", "Anna Muster", "--email", "anna@example.com", "--phone", "0170 1234567")
    cli("enroll", "Ben Beispiel", "--email", "ben@example.org")
    assert [m["name"] for m in cli.json("member", "find", "must")] == ["Anna Muster"]
    assert [m["name"] for m in cli.json("member", "find", "example.org")] == ["Ben Beispiel"]
    assert [m["name"] for m in cli.json("member", "find", "1234567")] == ["Anna Muster"]


def test_edit_block_unblock(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    doc = cli.json("member", "edit", "anna@example.com", "--name", "Anna B.", "--birthday", "1990-03-10", "--marketing")
    assert doc["name"] == "Anna B." and doc["birthday"] == "1990-03-10" and doc["marketing"] is True
    doc = cli.json("member", "block", "anna@example.com", "--reason", "card misuse")
    assert doc["status"] == "blocked" and doc["block_reason"] == "card misuse"
    assert cli.json("member", "unblock", "anna@example.com")["status"] == "active"


def test_list_filters_and_csv(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com", "--birthday", "1990-03-10", "--marketing")
    cli("enroll", "Ben", "--email", "ben@example.com", "--birthday", "1985-07-01")
    cli("enroll", '=HYPERLINK("x")', "--email", "eve@example.com")
    cli("member", "block", "ben@example.com", "--reason", "test")
    assert [m["name"] for m in cli.json("member", "list", "--birthday-month", "3")] == ["Anna"]
    assert [m["name"] for m in cli.json("member", "list", "--status", "blocked")] == ["Ben"]
    assert [m["name"] for m in cli.json("member", "list", "--marketing")] == ["Anna"]
    rows = list(csv.DictReader(io.StringIO(cli("member", "list", "--csv").stdout)))
    assert [r["name"] for r in rows] == ["Anna", "Ben", '\'=HYPERLINK("x")']
    assert rows[0]["points"] == "50"


def test_expiring_and_lapsed_lists(cli: Cli) -> None:
    cli("enroll", "Old", "--email", "old@example.com", "--date", "2024-06-20")
    cli("enroll", "New", "--email", "new@example.com")
    expiring = cli.json("member", "list", "--expiring", "10")
    assert [(m["name"], m["expiring_points"], m["expiring_on"]) for m in expiring] == [("Old", 50, "2026-06-20")]
    assert [m["name"] for m in cli.json("member", "list", "--lapsed", "30")] == ["Old"]


def test_export_has_everything_and_erase_keeps_the_ledger(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com", "--phone", "0170 1234567")
    exported = json.loads(cli("member", "export", "anna@example.com").stdout)
    assert exported["member"]["email"] == "anna@example.com"
    assert [e["kind"] for e in exported["ledger"]] == ["signup"]
    cli("member", "erase", "anna@example.com", expect=2)  # needs --yes
    doc = cli.json("member", "erase", "anna@example.com", "--yes")
    assert doc["id"] == "M000001"
    shown = cli.json("member", "show", "M000001")
    assert shown["status"] == "erased" and shown["email"] is None and shown["phone"] is None
    assert shown["points"]["lifetime_earned"] == 50
    cli("member", "show", "anna@example.com", expect=1)


def test_default_database_location_is_the_user_data_dir(tmp_path, program_file, clock) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from loyaltycli.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["init", "--program", str(program_file())])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "xdg-data" / "loyaltycli" / "loyalty.db").exists()


def test_loyalty_db_environment_variable(tmp_path, program_file, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from loyaltycli.cli import app

    monkeypatch.setenv("LOYALTY_DB", str(tmp_path / "env.db"))
    result = CliRunner().invoke(app, ["init", "--program", str(program_file())])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "env.db").exists()


def test_show_lists_the_next_expiry_days_and_sums_the_later_ones(cli: Cli) -> None:
    """At the counter the next ten days matter; the rest is one row (`--json` keeps every day)."""
    cli("enroll", "Anna", "--email", "anna@example.com")
    for day in range(1, 13):
        cli("purchase", "anna@example.com", "10.00", "--date", f"2026-05-{day:02d}")
    assert len(cli.json("member", "show", "anna@example.com")["expiring"]) == 13
    shown = cli("member", "show", "anna@example.com").stdout
    assert "2028-05-09" in shown and "2028-05-10" not in shown  # shown as the last valid day (issue 27)
    summary = next(line for line in shown.splitlines() if "3 later days" in line)
    assert "70" in summary  # 10 + 10 + the signup's 50
