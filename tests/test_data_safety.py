"""Data that was lost or falsified: erasure after a merge, reused receipt numbers, amount limits, reward stock,
names shown as markup, balances after a refund debt, opening balances past expiry (issue 26)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASIC_PROGRAM, NOW, Cli, query


def _enrol_pair(cli: Cli) -> None:
    cli("enroll", "Keep Person", "--id", "KEEP1", "--email", "keep@example.com", "--phone", "0172 1111111")
    cli("enroll", "Other Person", "--id", "DUP1", "--email", "other@example.com", "--phone", "0172 2222222")
    cli("purchase", "DUP1", "30.00")
    cli("member", "merge", "KEEP1", "DUP1", "--yes")


def _file_bytes(db: Path | str) -> bytes:
    data = b""
    for suffix in ("", "-wal"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            data += path.read_bytes()
    return data


def test_erasing_a_merged_member_erases_that_record_and_not_the_kept_one(cli: Cli) -> None:
    _enrol_pair(cli)
    assert cli.json("member", "erase", "DUP1", "--yes")["id"] == "DUP1"
    kept = cli.json("member", "show", "KEEP1")
    assert kept["name"] == "Keep Person" and kept["email"] == "keep@example.com" and kept["status"] == "active"
    assert kept["points"]["available"] == 130  # 2 x 50 signup + 30: the merged points stay with KEEP
    merged = cli.json("member", "show", "DUP1", "--merged")
    assert merged["id"] == "DUP1" and merged["name"] == "(erased)"
    assert merged["email"] is None and merged["phone"] is None
    cli("member", "show", "other@example.com", expect=1)  # the erased e-mail leads nowhere now


def test_a_merged_members_own_record_is_exported_and_shown(cli: Cli) -> None:
    _enrol_pair(cli)
    assert cli.json("member", "show", "DUP1")["id"] == "KEEP1"  # references follow the merge ...
    assert cli.json("member", "show", "DUP1", "--merged")["id"] == "DUP1"  # ... unless asked not to
    exported = json.loads(cli("member", "export", "DUP1").stdout)["member"]
    assert exported.get("id") == "DUP1" and exported.get("name") == "Other Person"


def test_erased_merged_and_kept_members_leave_no_byte_in_the_file(sqlite_cli: Cli) -> None:
    _enrol_pair(sqlite_cli)
    sqlite_cli("member", "erase", "DUP1", "--yes")
    data = _file_bytes(sqlite_cli.db)
    for gone in (b"Other Person", b"other@example.com", b"+491722222222"):
        assert gone not in data, gone
    assert b"Keep Person" in data
    sqlite_cli("member", "erase", "KEEP1", "--yes")
    data = _file_bytes(sqlite_cli.db)
    for gone in (b"Keep Person", b"keep@example.com", b"+491721111111"):
        assert gone not in data, gone


def test_erasing_the_kept_member_erases_the_records_merged_into_it(cli: Cli) -> None:
    _enrol_pair(cli)
    cli("member", "erase", "KEEP1", "--yes")
    merged = cli.json("member", "show", "DUP1", "--merged")
    assert merged["name"] == "(erased)" and merged["email"] is None


DAY_ONE = "receipt;date;member;amount\n1;01.06.2026 07:00;A;4,00\n"
DAY_TWO = "receipt;date;member;amount\n1;02.06.2026 07:00;B;9,00\n"


def _two_members(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    cli("enroll", "Bert", "--id", "B")


def test_a_receipt_number_used_again_on_another_day_is_rejected_loudly(cli: Cli, tmp_path: Path) -> None:
    _two_members(cli)
    (tmp_path / "d1.csv").write_text(DAY_ONE, encoding="utf-8")
    (tmp_path / "d2.csv").write_text(DAY_TWO, encoding="utf-8")
    cli("import", str(tmp_path / "d1.csv"))
    result = cli("import", str(tmp_path / "d2.csv"), "--rejects", str(tmp_path / "rej.csv"), "--json", expect=1)
    summary = json.loads(result.stdout)
    assert summary["duplicates"] == 0 and summary["rejected"] == 1, summary
    rejects = (tmp_path / "rej.csv").read_text(encoding="utf-8")
    assert "already stored for another day" in rejects and "--receipt-key day" in rejects
    assert "already stored for another day" in result.stderr
    again = json.loads(cli("import", str(tmp_path / "d1.csv"), "--json").stdout)
    assert again["duplicates"] == 1 and again["rejected"] == 0  # the same file again is a true repeat


def test_another_amount_or_member_under_a_stored_number_is_rejected(cli: Cli, tmp_path: Path) -> None:
    _two_members(cli)
    (tmp_path / "d1.csv").write_text(DAY_ONE, encoding="utf-8")
    cli("import", str(tmp_path / "d1.csv"))
    (tmp_path / "amount.csv").write_text(DAY_ONE.replace("4,00", "5,00"), encoding="utf-8")
    assert "another amount" in cli("import", str(tmp_path / "amount.csv"), expect=1).stderr
    (tmp_path / "member.csv").write_text(DAY_ONE.replace(";A;", ";B;"), encoding="utf-8")
    assert "another member (A)" in cli("import", str(tmp_path / "member.csv"), expect=1).stderr


def test_receipts_numbered_per_day_are_told_apart_by_the_receipt_key(cli: Cli, tmp_path: Path) -> None:
    _two_members(cli)
    (tmp_path / "d1.csv").write_text(DAY_ONE, encoding="utf-8")
    (tmp_path / "d2.csv").write_text(DAY_TWO, encoding="utf-8")
    cli("import", str(tmp_path / "d1.csv"), "--receipt-key", "day")
    assert json.loads(cli("import", str(tmp_path / "d2.csv"), "--receipt-key", "day", "--json").stdout)["imported"] == 1
    assert cli.json("member", "show", "B")["points"]["available"] == 59  # 50 signup + 9
    cli("refund", "2026-06-02/1")  # the stored id is the day and the number
    assert cli.json("member", "show", "B")["points"]["available"] == 50
    assert (
        json.loads(cli("import", str(tmp_path / "d2.csv"), "--receipt-key", "day", "--json").stdout)["duplicates"] == 1
    )


def test_receipts_numbered_per_till_and_closing(cli: Cli, tmp_path: Path) -> None:
    _two_members(cli)
    text = (
        "Bon;Datum;Kunde;Betrag;Kasse;Z\n"
        "1;01.06.2026 07:00;A;4,00;1;10\n"
        "1;01.06.2026 07:05;B;9,00;2;10\n"
        "1;02.06.2026 07:00;A;3,00;1;11\n"
    )
    (tmp_path / "z.csv").write_text(text, encoding="utf-8")
    maps = ["--map", "receipt=Bon", "--map", "date=Datum", "--map", "member=Kunde", "--map", "amount=Betrag"]
    keyed = [*maps, "--map", "till=Kasse", "--map", "closing=Z", "--receipt-key", "till+closing"]
    summary = json.loads(cli("import", str(tmp_path / "z.csv"), *keyed, "--json").stdout)
    assert summary["imported"] == 3 and summary["rejected"] == 0, summary
    cli("refund", "2/10/1")
    refused = cli("import", str(tmp_path / "z.csv"), *maps, "--receipt-key", "till", expect=2)
    assert "--map till=COLUMN" in refused.stderr
    assert "--receipt-key" in cli("import", str(tmp_path / "z.csv"), *maps, "--receipt-key", "weekday", expect=2).stderr


@pytest.mark.parametrize("text", ["100000000", "999999999", "9999999999", "99999999999", "-100000000.5"])
def test_every_amount_over_the_limit_is_refused_whatever_its_length(text: str) -> None:
    from loyaltycli.importers.values import ValueProblem, parse_amount

    with pytest.raises(ValueProblem, match="largest amount"):
        parse_amount(text, None)
    with pytest.raises(ValueProblem, match="largest amount"):
        parse_amount(text, None)  # and again, when a cache might know it


def test_a_huge_sales_line_under_negative_excluded_lines_books_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Anna", "--id", "A")
    (tmp_path / "s.csv").write_text(
        "receipt,date,member,amount,category\nR1,2026-06-01,A,99999999999,\nR1,2026-06-01,A,-99999999990,tobacco\n",
        encoding="utf-8",
    )
    result = cli("import", str(tmp_path / "s.csv"), "--json", expect=1)
    assert json.loads(result.stdout)["points"] == 0 and "largest amount" in result.stderr
    assert cli.json("member", "show", "A")["points"]["available"] == 50


def test_a_customer_lists_spend_over_the_limit_is_rejected(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("name,email,spend\nOtto,otto@example.com,100000000\n", encoding="utf-8")
    result = cli("member", "import", str(tmp_path / "c.csv"), "--json", expect=1)
    assert json.loads(result.stdout)["rejected"] == 1 and "largest amount" in result.stderr


def test_three_tills_redeeming_the_last_item_at_once_sell_it_once(
    make_db: Any, program_file: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each till counts the stock, then waits a moment before it writes (as a slow till would): without a
    lock on the stock all three count none redeemed and all three get the last item."""
    import datetime as dt
    import threading
    import time

    from loyaltycli.errors import LoyaltyError
    from loyaltycli.services import redemptions
    from loyaltycli.storage import vouchers
    from loyaltycli.storage.database import open_database
    from loyaltycli.storage.location import resolve

    cli = Cli(make_db("stock"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM + "stock = 1\n", "stock.toml")))
    members = ["a@example.com", "b@example.com", "c@example.com"]
    for member in members:
        cli("enroll", member[0], "--email", member)
        cli("purchase", member, "100.00")
    counted = vouchers.redeemed_count

    def slow_count(tx: Any, reward_id: str) -> int:
        count = counted(tx, reward_id)
        time.sleep(0.4)
        return count

    monkeypatch.setattr(vouchers, "redeemed_count", slow_count)
    now = dt.datetime.fromisoformat(NOW)
    outcomes: list[str] = []

    def till(member: str) -> None:
        db = open_database(resolve(str(cli.db)))
        try:
            redemptions.redeem_reward(db, member, "mug", None, now)
            outcomes.append("ok")
        except LoyaltyError as exc:
            outcomes.append(exc.message)
        finally:
            db.dispose()

    threads = [threading.Thread(target=till, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1, outcomes
    assert sum("out of stock" in outcome for outcome in outcomes) == 2, outcomes
    assert query(str(cli.db), "SELECT count(*) FROM voucher WHERE reward_id = 'mug'") == [(1,)]


MARKUP_NAMES = ["[bold red]Evil[/bold red] Mallory", "Zed [/dim] x", "[link=https://evil.example/]Click me[/link]"]


def _markup_shop(sqlite_cli: Cli, tmp_path: Path) -> None:
    rows = "".join(f'"{name}",m{n}@example.com\n' for n, name in enumerate(MARKUP_NAMES))
    (tmp_path / "c.csv").write_text("name,email\n" + rows, encoding="utf-8")
    sqlite_cli("member", "import", str(tmp_path / "c.csv"))
    import sqlite3

    con = sqlite3.connect(sqlite_cli.db)  # as an older version could have stored it
    con.execute("UPDATE member SET name = ? WHERE email = 'm0@example.com'", ("Eve\x1b[31mRED\x1b[0m\x1b]0;pwned\x07",))
    con.commit()
    con.close()


def test_names_are_shown_as_plain_text_never_as_markup_or_escape_codes(sqlite_cli: Cli, tmp_path: Path) -> None:
    _markup_shop(sqlite_cli, tmp_path)
    for args in (["member", "list"], ["member", "find", "example"], ["member", "show", "m1@example.com"]):
        result = sqlite_cli(*args)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, args
        assert "\x1b]8;" not in result.stdout  # no terminal hyperlink
    listed = sqlite_cli("member", "list").stdout
    assert "Zed [/dim] x" in listed and "[link=https://evil.example/]Click" in listed
    assert "Eve\\x1b[31mRED" in listed  # the control character written out
    assert "Zed [/dim] x" in sqlite_cli("member", "show", "m1@example.com").stdout
    assert "\x1b" not in sqlite_cli("statement", "m0@example.com").stdout


def test_control_characters_are_refused_on_the_way_in(cli: Cli, tmp_path: Path) -> None:
    assert "control character" in cli("enroll", "Eve\x1b[31mRED", expect=2).stderr
    assert "not an e-mail address" in cli("enroll", "Eve", "--email", "e\x1bve@example.com", expect=2).stderr
    cli("enroll", "Anna", "--id", "A")
    assert "control character" in cli("member", "edit", "A", "--name", "A\x1b]0;x\x07", expect=2).stderr
    assert "control character" in cli("adjust", "A", "5", "--reason", "typo\x1b[2J", expect=2).stderr
    (tmp_path / "c.csv").write_text("name,email\nEve\x1b[31mRED,eve@example.com\n", encoding="utf-8")
    result = cli("member", "import", str(tmp_path / "c.csv"), expect=1)
    assert "control character" in result.stderr and "\x1b" not in result.stderr  # the message writes it out


def test_the_counter_lists_markup_names_as_they_are(sqlite_cli: Cli, tmp_path: Path) -> None:
    from tests.test_counter import run_app, settle

    _markup_shop(sqlite_cli, tmp_path)
    seen: list[str] = []

    async def script(app: Any, pilot: Any) -> None:
        from textual.widgets import OptionList

        await pilot.press(*"example")
        await settle(pilot, app)
        matches = app.query_one("#matches", OptionList)
        seen.extend(str(matches.get_option_at_index(i).prompt) for i in range(matches.option_count))
        await pilot.press("down", "down", "enter")
        await settle(pilot, app)

    run_app(sqlite_cli, script)
    assert any("Zed [/dim] x" in text for text in seen), seen


def test_purchase_reports_the_balance_member_show_gives_after_a_refund_debt(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    cli("purchase", "A", "20.00", "--receipt", "D1")
    cli("adjust", "A", "--reason", "x", "-60")
    cli("refund", "D1")  # takes 20: the 10 that are left, and 10 become a debt
    assert cli.json("member", "show", "A")["points"]["available"] == -10
    reported = cli.json("purchase", "A", "30.00")["balance"]
    assert reported == cli.json("member", "show", "A")["points"]["available"] == 20


def test_opening_points_of_an_old_customer_count_from_the_day_of_the_import(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Name;Kunde seit;Punkte\nOtto Alt;15.03.2019;500\n", encoding="utf-8")
    maps = ["--map", "enrolled=Kunde seit", "--map", "points=Punkte"]
    result = cli("member", "import", str(tmp_path / "c.csv"), *maps, "--json")
    assert json.loads(result.stdout)["expired_at_once"] == 0
    shown = cli.json("member", "show", "M000001")
    assert shown["points"]["available"] == 500 and shown["expiring"][0]["date"] == "2028-06-15"  # today + 24 months
    assert "past expiry" not in result.stderr


def test_opening_points_dated_past_their_expiry_are_named_in_the_summary(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("name,points,points_date\nOtto Alt,500,2019-03-15\nEva Neu,20,\n", encoding="utf-8")
    result = cli("member", "import", str(tmp_path / "c.csv"), "--json")
    assert json.loads(result.stdout)["expired_at_once"] == 500
    assert "500 points of the opening balances are past expiry already" in result.stderr
