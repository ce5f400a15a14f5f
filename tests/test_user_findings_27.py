"""A German bakery's first week (issue 27): what stood in the way, each with a test that failed first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASIC_PROGRAM, Cli


def test_a_receipt_whose_rows_are_apart_is_booked_whole(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Anna", "--id", "A")
    rows = [f"T-{1000 + n};2026-06-01 08:{n:02d};A;1,00;bread" for n in range(1, 12)]
    rows.insert(10, "T-1009;2026-06-01 08:09;A;2,50;coffee")  # the pretzel of T-1009 stands two rows further down
    (tmp_path / "day.csv").write_text("receipt;date;member;amount;category\n" + "\n".join(rows) + "\n", "utf-8")
    summary = json.loads(cli("import", str(tmp_path / "day.csv"), "--json").stdout)
    assert summary["rejected"] == 0 and summary["imported"] == 11, summary
    assert cli.json("member", "show", "A")["points"]["available"] == 50 + 11 + 2  # T-1009 earned 3.50 -> 3


def test_rows_of_a_receipt_further_apart_than_the_window_reject_only_the_late_rows(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loyaltycli.services import imports

    monkeypatch.setattr(imports, "BATCH_RECEIPTS", 1)
    cli("enroll", "Anna", "--id", "A")
    text = "receipt,date,member,amount\nR1,2026-06-01,A,1.00\nR2,2026-06-01,A,1.00\nR3,2026-06-01,A,1.00\nR1,2026-06-01,A,5.00\n"
    (tmp_path / "far.csv").write_text(text, "utf-8")
    result = cli("import", str(tmp_path / "far.csv"), expect=1)
    assert "rows more than 1 receipts apart" in result.stderr


def test_shopify_takes_the_phone_when_the_email_of_that_row_is_empty(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("enroll", "Bert", "--phone", "0170 5551234")
    header = (
        "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem price,Lineitem sku,Phone,Billing Phone\n"
    )
    rows = (
        "#2004,anna@example.com,paid,2026-06-01 10:00:00 +0200,1,10.00,A,,\n"
        "#2005,,paid,2026-06-01 11:00:00 +0200,1,20.00,B,+49 170 5551234,\n"
    )
    (tmp_path / "orders.csv").write_text(header + rows, encoding="utf-8")
    summary = json.loads(cli("import", str(tmp_path / "orders.csv"), "--format", "shopify", "--json").stdout)
    assert summary["imported"] == 2 and summary["anonymous"] == 0, summary
    assert cli.json("member", "show", "0170 5551234")["points"]["available"] == 70


def test_every_customer_row_not_enrolled_says_which_member_it_is(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Erika Muster", "--email", "erika@example.com", "--phone", "0170 1111111")
    text = (
        "name,email,phone\nErika Muster,erika@example.com,0170 1111111\nSandra Keller,sandra@example.com,0170 1111111\n"
    )
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    result = cli("member", "import", str(tmp_path / "c.csv"), "--json")
    summary = json.loads(result.stdout)
    assert summary["existing"] == 2 and summary["enrolled"] == 0
    rows = {r["row"]: r for r in summary["existing_rows"]}
    assert rows[2]["member"] == "M000001" and rows[2]["by"] == ["email", "phone"] and not rows[2]["partly"]
    assert rows[3]["by"] == ["phone"] and rows[3]["partly"] and "M000001" in rows[3]["reason"]
    assert "row 3: already a member: M000001 (same phone)" in result.stderr
    assert "row 2" not in result.stderr  # the same person again: counted, not repeated


def test_birthdays_for_an_earlier_date_change_nothing(make_db: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(make_db("birthdays"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM.replace("signup = 50", "signup = 0\nbirthday = 100"))))
    cli("enroll", "Anna", "--id", "A", "--birthday", "1990-06-03", "--date", "2025-01-10")
    cli("enroll", "Bert", "--id", "B", "--birthday", "1985-05-20", "--date", "2025-01-10")
    assert cli.json("birthdays")["members"] == 1  # June 2026: Anna
    assert cli.json("birthdays")["members"] == 0  # the same day again
    assert cli.json("birthdays", "--as-of", "2025-06-01")["points"] == 0  # last year's June: not again
    assert cli.json("birthdays", "--as-of", "2026-05-31")["points"] == 0  # an earlier month, after June's run
    assert [cli.json("member", "show", m)["points"]["available"] for m in "AB"] == [100, 0]


def test_a_postgresql_url_without_the_driver_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if `pip install loyaltycli` left the extra out
    result = Cli("postgresql://shop@127.0.0.1:5432/test")("member", "list", expect=2)
    assert "pip install 'loyaltycli[postgres]'" in result.stderr and "Traceback" not in result.stderr


def test_member_find_reads_ue_oe_ae_as_umlauts(cli: Cli) -> None:
    cli("enroll", "Jürgen Müller", "--id", "J")
    cli("enroll", "Hans Mueller", "--id", "H")
    cli("enroll", "Samuel Schön", "--id", "S")
    assert {m["id"] for m in cli.json("member", "find", "mueller")} == {"J", "H"}
    assert {m["id"] for m in cli.json("member", "find", "müller")} == {"J", "H"}
    assert {m["id"] for m in cli.json("member", "find", "muller")} == {"J"}
    assert {m["id"] for m in cli.json("member", "find", "schoen")} == {"S"}
    assert {m["id"] for m in cli.json("member", "find", "samuel")} == {"S"}


def test_a_purchase_later_today_is_refused(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")  # the clock stands at 10:00 on 15 June 2026
    refused = cli("purchase", "A", "5.00", "--date", "2026-06-15T23:59", expect=2)
    assert "later than now" in refused.stderr
    cli("purchase", "A", "5.00", "--date", "2026-06-15T09:58")
    cli("purchase", "A", "5.00", "--date", "2026-06-15")  # a bare date of today stays allowed
    cli("purchase", "A", "5.00", "--date", "2026-06-15T23:59", "--dry-run")  # a dry run may look ahead
    assert "later than now" in cli("refund", "--date", "2026-06-15T12:00", "R-x", expect=2).stderr


def test_a_stopped_imports_json_counts_what_was_committed_in_english(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from loyaltycli.i18n import set_language
    from loyaltycli.services import imports

    rows = "".join(f"R{n},2026-06-01,,5.00\n" for n in range(7000))
    (tmp_path / "s.csv").write_text("receipt,date,member,amount\n" + rows, encoding="utf-8")
    book = imports.Importer._book
    calls = []

    def failing_after_booking(self: Any, tx: Any, batch: Any) -> None:
        calls.append(1)
        book(self, tx, batch)
        if len(calls) == 2:  # the second batch is counted, then its transaction fails and rolls back
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(imports.Importer, "_book", failing_after_booking)
    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)
    result = sqlite_cli("import", str(tmp_path / "s.csv"), "--json", expect=1)
    doc = json.loads(result.stdout)
    assert doc["imported"] == doc["committed_receipts"] == 5000, doc
    assert "5000 receipts" in doc["error"] and "run the same command again" in doc["error"], doc["error"]
    assert "5.000 Belege" in result.stderr  # the person at the terminal reads German


def test_the_rejects_file_is_written_as_the_input_was(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Anna", "--id", "A")
    text = "Bon;Datum;Kunde;Betrag\r\n1;01.06.2026 08:00;A;4,50\r\n2;01.06.2026 08:05;Zoë Ü;5,00\r\n"
    (tmp_path / "k.csv").write_bytes(text.encode("cp1252"))
    maps = ["--map", "receipt=Bon", "--map", "date=Datum", "--map", "member=Kunde", "--map", "amount=Betrag"]
    cli("import", str(tmp_path / "k.csv"), *maps, "--rejects", str(tmp_path / "r.csv"), expect=1)
    raw = (tmp_path / "r.csv").read_bytes()
    written = raw.decode("cp1252")  # Excel's encoding, as the till wrote it
    assert written.startswith("Bon;Datum;Kunde;Betrag;reason\r\n"), written
    assert "2;01.06.2026 08:05;Zoë Ü;5,00;" in written and written.endswith("\r\n")


def test_a_bakerys_customer_card_box_is_read_and_what_is_not_read_is_said(cli: Cli, tmp_path: Path) -> None:
    text = (
        "Kundennr.;Name;Straße;PLZ;Ort;Telefon;Geworben von\r\n"
        "K1001;Erika Muster;Hauptstr. 1;12345;Berlin;0170 1111111;\r\n"
        "K1002;Sandra Keller;Nebenweg 2;12345;Berlin;0171 2222222;K1001\r\n"
    )
    (tmp_path / "kunden.csv").write_bytes(text.encode("cp1252"))
    result = cli("member", "import", str(tmp_path / "kunden.csv"), "--json")
    summary = json.loads(result.stdout)
    assert summary["enrolled"] == 2 and summary["rejected"] == 0, (summary, result.stderr)
    assert summary["unread_columns"] == ["Straße", "PLZ", "Ort"]
    assert "Not read (no field of a customer list): Straße, PLZ, Ort" in result.stderr
    assert cli.json("member", "show", "K1002")["referred_by"] == "K1001"


def test_an_erased_members_points_leave_the_liability(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    cli("enroll", "Bert", "--id", "B")
    cli("purchase", "A", "30.00")
    cli("purchase", "B", "20.00", "--receipt", "B1")
    before = cli.json("report")["points"]["outstanding"]
    cli("member", "erase", "A", "--yes")
    after = cli.json("report")["points"]["outstanding"]
    assert before - after == 80  # Anna's 50 + 30, written off
    statement = cli.json("statement", "A")
    assert statement["entries"][-1]["kind"] == "erase" and statement["balance"]["available"] == 0
    assert cli.json("verify")["ok"] is True


def test_an_erased_members_debt_is_written_off_too(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    cli("purchase", "A", "40.00", "--receipt", "R1")
    cli("redeem", "A", "mug")  # 90 - 80 = 10 left
    cli("refund", "R1")  # takes 40: 10, and 30 become a debt
    assert cli.json("member", "show", "A")["points"]["available"] == -30
    before = cli.json("report")["points"]["outstanding"]
    cli("member", "erase", "A", "--yes")
    assert cli.json("report")["points"]["outstanding"] == before + 30
    assert cli.json("member", "show", "A")["points"]["available"] == 0
    assert cli.json("verify")["ok"] is True


def test_a_merge_carries_contact_data_the_kept_member_lacks(cli: Cli) -> None:
    cli("enroll", "Erika Muster", "--id", "K1001")
    cli("enroll", "Erika M.", "--email", "erika@example.com", "--phone", "0170 1111111")
    said = cli("member", "merge", "K1001", "M000002", "--yes").stderr
    assert "took over the e-mail and the phone" in said
    kept = cli.json("member", "show", "erika@example.com")
    assert (kept["id"], kept["email"], kept["phone"]) == ("K1001", "erika@example.com", "+491701111111")
    merged = cli.json("member", "show", "M000002", "--merged")
    assert merged["email"] is None and merged["phone"] is None


def test_the_kept_member_can_take_a_contact_its_merged_record_holds(cli: Cli) -> None:
    cli("enroll", "Erika Muster", "--id", "K1001", "--email", "erika@work.example")
    cli("enroll", "Erika M.", "--email", "erika@example.com")
    cli("member", "merge", "K1001", "M000002", "--yes")
    assert cli.json("member", "show", "erika@example.com")["id"] == "K1001"  # still leads to KEEP
    cli("member", "edit", "K1001", "--email", "erika@example.com")
    assert cli.json("member", "show", "K1001")["email"] == "erika@example.com"
    assert cli.json("member", "show", "M000002", "--merged")["email"] is None
    cli("enroll", "Else", "--email", "else@example.com")
    assert "already has" in cli("member", "edit", "K1001", "--email", "else@example.com", expect=1).stderr


def test_openings_merges_and_refunds_are_not_counted_as_receipts(cli: Cli, tmp_path: Path) -> None:
    import datetime as dt

    from loyaltycli.services.counter import counter_member
    from loyaltycli.storage.database import open_database
    from loyaltycli.storage.location import resolve
    from tests.conftest import NOW

    (tmp_path / "c.csv").write_text("id,name,spend\nK1,Otto,100.00\nK2,Otto O.,50.00\n", encoding="utf-8")
    cli("member", "import", str(tmp_path / "c.csv"))
    cli("purchase", "K1", "10.00", "--receipt", "P1")
    cli("purchase", "K1", "5.00", "--receipt", "P2")
    cli("refund", "P2")
    cli("member", "merge", "K1", "K2", "--yes")
    [spender] = [r for r in cli.json("report", "members")["spenders"] if r["id"] == "K1"]
    assert spender["receipts"] == 2, spender  # P1 and P2; not OPENING-, MERGED- nor the refund
    db = open_database(resolve(str(cli.db)))
    try:
        recent = counter_member(db, "K1", dt.datetime.fromisoformat(NOW)).recent
    finally:
        db.dispose()
    assert [(r.receipt, r.refunded) for r in recent] == [("P2", True), ("P1", False)]


def test_the_command_line_takes_the_german_forms_imports_take(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from loyaltycli.i18n import set_language

    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)
    cli("enroll", "Anna", "--id", "A", "--birthday", "03.04.1985")
    assert cli.json("member", "show", "A")["birthday"] == "1985-04-03"
    doc = cli.json("purchase", "A", "1.234,56", "--date", "01.06.2026")
    assert (doc["total"], doc["points"]) == ("1234.56", 1234)
    cli("purchase", "A", "5,00", "--date", "01.06.2026 09:30", "--receipt", "R2")
    assert "1.234" in cli("purchase", "A", "1.234", expect=2).stderr  # a lone dot with three digits: refused


TIERED = (
    BASIC_PROGRAM.replace("signup = 50", "signup = 0\nreferral_referrer = 20\nreferral_referee = 10").replace(
        'policy = "fixed"\nmonths = 24', 'policy = "fixed"\nmonths = 12\nat_period_end = "year"'
    )
    + '\n[tiers]\nbasis = "spend"\nwindow_months = 12\n[[tiers.levels]]\nname = "Bronze"\nthreshold = "0"\n'
    'multiplier = 1\n[[tiers.levels]]\nname = "Silber"\nthreshold = "10.00"\nmultiplier = 1.25\n'
)


def test_a_purchase_says_how_its_points_add_up(make_db: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(make_db("tiered"))
    cli("init", "--program", str(program_file(TIERED, "tiered.toml")))
    cli("enroll", "Anna", "--id", "A")
    cli("enroll", "Bert", "--id", "B", "--referred-by", "A")
    first = cli("purchase", "B", "20.00", "--date", "2026-06-10").stderr
    assert "Referral bonus for this first purchase: 10 points." in first
    assert "Referral bonus for the member who referred B: 20 points." in first
    second = cli("purchase", "B", "13.30").stderr
    assert "x 1.25 for tier Silber = 16.625, rounded down: 16 points." in second


def test_expiry_is_shown_as_the_last_valid_day(make_db: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(make_db("valid"))
    cli("init", "--program", str(program_file(TIERED, "tiered.toml")))
    cli("enroll", "Anna", "--id", "A")
    cli("purchase", "A", "20.00")  # 15 June 2026 + 12 months, to the year's end: usable through 31.12.2027
    assert cli.json("member", "show", "A")["expiring"] == [{"date": "2028-01-01", "points": 20}]  # JSON: SPEC's date
    shown = cli("member", "show", "A").stdout
    assert "Valid until" in shown and "2027-12-31" in shown and "2028-01-01" not in shown


CARD = '\n[[stamp_cards]]\nid = "coffee-card"\ncategories = ["coffee"]\nstamps = 2\nreward = "mug"\n'


def test_people_read_names_and_money_not_ids_and_raw_values(make_db: Any, program_file: Any, clock: Any) -> None:
    program = BASIC_PROGRAM.replace("voucher_days = 90", 'voucher_days = 90\npoint_value = "0.02"') + CARD
    cli = Cli(make_db("raw"))
    cli("init", "--program", str(program_file(program, "raw.toml")))
    cli("enroll", "Anna", "--id", "A", "--marketing")
    cli("purchase", "A", "200.00")
    code = cli.json("redeem", "A", "mug")["voucher"]
    assert "€1.00" in cli("redeem", "A", "--points", "50").stderr  # Discount €1.00, not 1.00
    assert "Mug" in cli("voucher", "list").stdout and "mug" not in cli("voucher", "list").stdout
    shown = cli("voucher", "show", code).stdout
    assert "€8.00" in shown and "free item" in shown and "free_item" not in shown
    assert "Mug" in cli("member", "show", "A").stdout
    assert cli("member", "list", "--csv").stdout.splitlines()[1].endswith(",yes")
    dry = cli("purchase", "A", "5.00", "--dry-run").stdout
    assert "Receipt" not in dry and "5 points for A" in dry


def test_member_list_expiring_shows_what_and_until_when(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A", "--date", "2024-07-01")  # the signup's 50 points expire on 2026-07-01
    listed = cli("member", "list", "--expiring", "30").stdout
    assert "Expiring" in listed and "Valid until" in listed and "2026-06-30" in listed and "50" in listed


def test_at_80_columns_the_statement_keeps_vouchers_and_notes(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from loyaltycli.cli import output

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(output, "_CONSOLE", None)
    cli("enroll", "Anna", "--id", "A")
    cli("purchase", "A", "100.00", "--receipt", "P-1")
    code = cli.json("redeem", "A", "mug")["voucher"]
    cli("adjust", "A", "5", "--reason", "goodwill after a long wait at the counter")
    text = cli("statement", "A").stdout
    lines = [line.rstrip() for line in text.splitlines() if line[:1] in "┏┃┡│└"]
    assert max(len(line) for line in lines) <= 80 and all(line.endswith(("┃", "│", "┓", "┩", "┘")) for line in lines)
    assert code in text and "P-1" in text and "goodwill" in text and "counter" in text
