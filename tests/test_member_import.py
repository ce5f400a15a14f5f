"""`member import` (SPEC §4a): customer lists as shops keep them, with opening balances."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import BASIC_PROGRAM, Cli, snapshot

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
threshold = "400.00"
multiplier = 2
"""

GERMAN = (
    "Kundennummer;Name;E-Mail;Telefon;Geburtstag;Newsletter;Kunde seit;Punkte;Umsatz;Geworben von\n"
    "K1;Anna Müller;anna@example.com;0170 1234567;10.03.1990;ja;01.02.2026;120;450,00;\n"
    "K2;Bernd Weiß;bernd@example.com;+49 151 23456789;;nein;15.03.2026;0;;K1\n"
    "K3;Carla;carla@bad;;;;;5;;\n"
    "K4;Dora;;0170 12;;;;;;\n"
)


def write_bytes(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def shop(make_db: Any, program_file: Any) -> Cli:
    cli = Cli(make_db("customers"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM + TIERS, "tiers.toml")))
    return cli


def test_a_german_spreadsheet_export(make_db: Any, program_file: Any, clock: Any, tmp_path: Path) -> None:
    cli = shop(make_db, program_file)
    path = write_bytes(tmp_path / "kunden.csv", GERMAN, "cp1252")
    rejects = tmp_path / "rejects.csv"
    result = cli("member", "import", str(path), "--rejects", str(rejects), "--json", expect=1)
    assert '"enrolled": 2' in result.stdout and '"rejected": 2' in result.stdout
    assert "row 4" in result.stderr and "carla@bad" in result.stderr and "row 5" in result.stderr
    assert "reason" in rejects.read_text().splitlines()[0]
    anna = cli.json("member", "show", "0170 1234567")
    assert (anna["id"], anna["name"], anna["birthday"], anna["marketing"]) == ("K1", "Anna Müller", "1990-03-10", True)
    assert anna["points"]["available"] == 120  # the opening balance, no signup bonus
    assert anna["tier"] == "Gold"  # 450.00 carried into the tier window
    assert cli.json("member", "show", "K2")["referred_by"] == "K1"
    assert cli.json("report", "summary")["sales"]["members"] == "0.00"  # carried spend is no revenue
    assert cli.json("verify")["ok"] is True


def test_the_same_list_twice_changes_nothing(make_db: Any, program_file: Any, clock: Any, tmp_path: Path) -> None:
    cli = shop(make_db, program_file)
    path = write_bytes(tmp_path / "kunden.csv", GERMAN, "cp1252")
    cli("member", "import", str(path), expect=1)
    before = snapshot(cli.db)
    again = cli.json("member", "import", str(path), expect=1)
    assert (again["enrolled"], again["existing"]) == (0, 2)
    assert snapshot(cli.db) == before


def test_opening_points_expire_by_the_policy_from_their_day_or_on_the_given_day(
    make_db: Any, program_file: Any, clock: Any, tmp_path: Path
) -> None:
    cli = shop(make_db, program_file)  # fixed expiry, 24 months
    path = tmp_path / "list.csv"
    path.write_text(
        "name,email,points,points_date,expires\n"
        "Anna,anna@example.com,100,2025-03-10,\n"
        "Ben,ben@example.com,50,,2026-08-01\n"
        "Cleo,cleo@example.com,30,2024-01-01,\n"
    )
    doc = cli.json("member", "import", str(path))
    assert (doc["enrolled"], doc["points"]) == (3, 180)
    assert cli.json("member", "show", "anna@example.com")["expiring"] == [{"date": "2027-03-10", "points": 100}]
    assert cli.json("member", "show", "ben@example.com")["expiring"] == [{"date": "2026-08-01", "points": 50}]
    cleo = cli.json("member", "show", "cleo@example.com")["points"]
    assert (cleo["available"], cleo["past_expiry"]) == (0, 30)  # expired on 2026-01-01 already


def test_a_shopify_customers_export(make_db: Any, program_file: Any, clock: Any, tmp_path: Path) -> None:
    cli = shop(make_db, program_file)
    path = tmp_path / "customers_export.csv"
    path.write_text(
        "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Phone,Phone,Total Spent,"
        "Total Orders,Tags,Note,Tax Exempt\n"
        "7001,Ava,Schmidt,ava@example.com,yes,,+49 170 7654321,120.00,3,,,no\n"
        "7002,Max,,max@example.com,no,,,0.00,0,,,no\n"
    )
    doc = cli.json("member", "import", str(path), "--format", "shopify")
    assert doc["enrolled"] == 2
    ava = cli.json("member", "show", "7001")
    assert (ava["name"], ava["phone"], ava["email"]) == ("Ava Schmidt", "+491707654321", "ava@example.com")


def test_phone_numbers_in_every_written_form_are_one_customer(
    make_db: Any, program_file: Any, clock: Any, tmp_path: Path
) -> None:
    cli = shop(make_db, program_file)
    cli("enroll", "Anna", "--phone", "0170 1234567")
    path = tmp_path / "phones.csv"
    path.write_text("name,phone\nA1,+49 170 1234567\nA2,0049 170-1234567\nB,(0171) 2345678\nC,+4917123456 78\n")
    doc = cli.json("member", "import", str(path))
    assert (doc["enrolled"], doc["existing"], doc["rejected"]) == (1, 3, 0)


def test_a_dry_run_writes_nothing(make_db: Any, program_file: Any, clock: Any, tmp_path: Path) -> None:
    cli = shop(make_db, program_file)
    path = write_bytes(tmp_path / "kunden.csv", GERMAN, "cp1252")
    before = snapshot(cli.db)
    doc = cli.json("member", "import", str(path), "--dry-run", expect=1)
    assert doc["enrolled"] == 2 and doc["dry_run"] is True
    assert snapshot(cli.db) == before


def test_bad_rows_of_every_kind(make_db: Any, program_file: Any, clock: Any, tmp_path: Path) -> None:
    cli = shop(make_db, program_file)
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,email,phone,birthday,marketing,enrolled,points,spend,referred_by\n"
        ",nobody@example.com,,,,,,,\n"
        "A,a@example.com,,2030-01-01,,,,,\n"
        "B,b@example.com,,,vielleicht,,,,\n"
        "C,c@example.com,,,,2027-01-01,,,\n"
        "D,d@example.com,,,,,-5,,\n"
        "E,e@example.com,,,,,1e3,,\n"
        "F,f@example.com,,,,,,abc,\n"
        "G,g@example.com,,,,,,,ghost@example.com\n"
        "H,h@example.com,,,,,10,,\n"
    )
    result = cli("member", "import", str(path), expect=1)
    for row, word in (
        (2, "name"),
        (3, "birthday"),
        (4, "marketing"),
        (5, "enrolled"),
        (6, "points"),
        (7, "points"),
        (8, "spend"),
        (9, "referred_by"),
    ):
        assert f"row {row}:" in result.stderr and word in result.stderr.split(f"row {row}:")[1].splitlines()[0], row
    assert [m["name"] for m in cli.json("member", "list")] == ["H"]


def test_a_file_that_cannot_be_read_is_exit_2(make_db: Any, program_file: Any, clock: Any, tmp_path: Path) -> None:
    cli = shop(make_db, program_file)
    path = tmp_path / "nothing.csv"
    path.write_text("email;phone\nx@example.com;\n")
    assert "name" in cli("member", "import", str(path), expect=2).stderr
    assert "no such file" in cli("member", "import", str(tmp_path / "missing.csv"), expect=2).stderr


def test_a_customer_named_again_in_a_later_batch_is_existing(
    make_db: Any, program_file: Any, clock: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The list is read in batches and only the current batch is remembered (memory stays flat): a repeat
    further down is found in the database, also in a dry run (which reads its own writes)."""
    from loyaltycli.services import customer_import

    monkeypatch.setattr(customer_import, "BATCH", 2)
    cli = shop(make_db, program_file)
    path = tmp_path / "list.csv"
    path.write_text(
        "name,email,phone\nAnna,anna@example.com,\nBen,ben@example.com,\nCleo,,0170 7654321\n"
        "Anna again,ANNA@example.com,\nCleo again,,+49 170 7654321\n",
        encoding="utf-8",
    )
    dry = cli.json("member", "import", str(path), "--dry-run")
    assert (dry["enrolled"], dry["existing"]) == (3, 2)
    done = cli.json("member", "import", str(path))
    assert (done["enrolled"], done["existing"]) == (3, 2)
    assert cli.json("member", "show", "anna@example.com")["name"] == "Anna"


def test_an_interrupted_list_says_what_it_kept_and_the_same_command_completes_it(
    make_db: Any, program_file: Any, clock: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The shared import skeleton commits batch by batch: Ctrl-C in the second batch keeps the first and says so
    (it said "nothing of this command was written" before), and running the list again enrols the rest."""
    from loyaltycli.services import customer_import

    cli = shop(make_db, program_file)
    listing = tmp_path / "customers.csv"
    listing.write_text("name,email\n" + "".join(f"C{i},c{i}@example.com\n" for i in range(5)), encoding="utf-8")
    monkeypatch.setattr(customer_import, "BATCH", 2)
    written = customer_import._write
    calls = []

    def interrupted_in_the_second_batch(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        written(*args)

    monkeypatch.setattr(customer_import, "_write", interrupted_in_the_second_batch)
    stopped = cli("member", "import", str(listing), expect=130)
    assert "2 members of" in stopped.stderr and "were enrolled before that" in stopped.stderr
    assert len(cli.json("member", "list")) == 2
    monkeypatch.setattr(customer_import, "_write", written)
    again = cli.json("member", "import", str(listing))
    assert (again["enrolled"], again["existing"]) == (3, 2)
