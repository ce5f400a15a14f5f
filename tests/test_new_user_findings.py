"""What new users found (issue 11): each test reproduces one finding, and its neighbours."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from loyaltycli.cli import global_options_first
from tests.conftest import Cli, fingerprint, query, snapshot, write

ROOT = Path(__file__).resolve().parents[1]
CAFE = ROOT / "programs" / "cafe.toml"


# ------------------------------------------------------------------ 1. dates that cannot be meant


@pytest.mark.parametrize(
    "args",
    [
        ["purchase", "anna@example.com", "10.00", "--date", "2026-06-16"],
        ["purchase", "anna@example.com", "10.00", "--date", "1969-12-31"],
        ["refund", "R1", "--date", "2026-06-16"],
        ["redeem", "anna@example.com", "mug", "--date", "2026-06-16"],
        ["enroll", "Ben", "--date", "2026-07-01"],
        ["expire", "--as-of", "2062-12-01"],
        ["birthdays", "--as-of", "2026-06-16"],
        ["expire", "--as-of", "1969-01-01"],
        ["purchase", "anna@example.com", "10.00", "--date", "9999-12-31T23:59-14:00"],
    ],
    ids=lambda a: " ".join(a[:1] + a[-2:]),
)
def test_a_write_dated_after_today_or_before_1970_is_refused(cli: Cli, args: list[str]) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "100.00", "--receipt", "R1")
    before = snapshot(cli.db)
    result = cli(*args, expect=2)
    assert "--date" in result.stderr or "--as-of" in result.stderr
    assert snapshot(cli.db) == before


def test_a_dry_run_may_look_ahead_and_today_is_allowed(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    assert cli.json("expire", "--as-of", "2062-12-01", "--dry-run")["points"] == 50
    cli("purchase", "anna@example.com", "10.00", "--date", "2026-07-01", "--dry-run")
    cli("purchase", "anna@example.com", "10.00", "--date", "2026-06-15T09:30")  # earlier today (it is 10:00)
    cli("purchase", "anna@example.com", "10.00", "--date", "2026-06-15T23:59", expect=2)  # later today: issue 27
    assert cli.json("expire", "--as-of", "2026-06-15")["points"] == 0


def test_an_import_row_dated_tomorrow_is_rejected(cli: Cli, tmp_path: Path) -> None:
    sales = write(
        tmp_path / "s.csv", "receipt,date,member,amount\nA,2026-06-15,,10.00\nB,2026-06-16,,10.00\nC,1901-01-01,,1\n"
    )
    result = cli("import", str(sales), expect=1)
    assert "row 3 (receipt B)" in result.stderr and "after today" in result.stderr
    assert "row 4 (receipt C)" in result.stderr and "before 1970" in result.stderr


# ------------------------------------------------------------------ 2. stamp cards keep their promise


def test_cafe_buy_nine_coffees_and_the_tenth_is_free(tmp_path: Path, clock: Any) -> None:
    """What the café tells its customers: the ninth paid coffee brings a voucher for the tenth, and the
    free tenth coffee (paid with the voucher, 0.00) gives no stamp."""
    cli = Cli(tmp_path / "cafe.db")
    cli("init", "--program", str(CAFE))
    cli("enroll", "Anna", "--email", "anna@example.com")
    for n in range(1, 9):
        bought = cli.json("purchase", "anna@example.com", "3.20", "--category", "coffee", "--receipt", f"C{n}")
        assert bought["vouchers"] == [], f"coffee {n} already filled the card"
    ninth = cli.json("purchase", "anna@example.com", "3.20", "--category", "coffee", "--receipt", "C9")
    assert len(ninth["vouchers"]) == 1 and ninth["stamps"]["coffee-card"] == 0
    cli("voucher", "use", ninth["vouchers"][0], "--receipt", "C10")
    tenth = cli.json("purchase", "anna@example.com", "0.00", "--category", "coffee", "--receipt", "C10")
    assert tenth["points"] == 0 and tenth["stamps"]["coffee-card"] == 0 and tenth["vouchers"] == []


# ------------------------------------------------------------------ 3. campaign figures net of refunds

CAMPAIGN = """
[[campaigns]]
id = "june"
starts = 2026-06-01
ends = 2026-06-30
multiplier = 2
"""


def test_report_campaigns_is_net_of_refunds(make_db: Any, program_file: Any, clock: Any) -> None:
    from tests.conftest import BASIC_PROGRAM

    cli = Cli(make_db("camp"))
    cli("init", "--program", str(program_file(BASIC_PROGRAM + CAMPAIGN, "c.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "40.00", "--receipt", "A")
    cli("purchase", "anna@example.com", "20.00", "--receipt", "B")
    cli("refund", "A")
    cli("refund", "B", "--amount", "5.00")
    (june,) = [c for c in cli.json("report", "campaigns")["campaigns"] if c["id"] == "june"]
    assert (june["receipts"], june["revenue"], june["extra_points"]) == (1, "15.00", 15)


# ------------------------------------------------------------------ 4. receipts of 0.00


def test_a_receipt_of_zero_is_booked_earns_nothing_and_counts_as_a_visit(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    done = cli.json("purchase", "anna@example.com", "0.00", "--receipt", "FREE")
    assert done["points"] == 0
    assert cli.json("member", "show", "anna@example.com")["last_purchase_on"] is not None
    sales = write(tmp_path / "z.csv", "receipt,date,member,amount\nZ1,2026-06-14,anna@example.com,0.00\n")
    doc = cli.json("import", str(sales))
    assert (doc["imported"], doc["rejected"], doc["points"]) == (1, 0, 0)
    assert cli.json("report", "summary")["members"]["active"] == 1


def test_a_negative_amount_is_refused_with_what_to_write_instead(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    result = cli("purchase", "anna@example.com", "-3", expect=2)
    assert "loyalty refund" in result.stderr and "No such option" not in result.stderr


# ------------------------------------------------------------------ 7. pipes


def _many_members(cli: Cli, tmp_path: Path, count: int = 3000) -> None:
    rows = "".join(f"R{n},2026-06-01,c{n}@example.com,5.00\n" for n in range(count))
    cli("import", str(write(tmp_path / "many.csv", "receipt,date,member,amount\n" + rows)), "--enroll-unknown")


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["member", "list", "--csv"],
        ["member", "list"],
        ["report", "members", "--csv"],
        ["report", "members", "--top", "50"],  # several tables: Rich itself exited 1 on the second (issue 27)
    ],
)
def test_output_into_a_closed_pipe_ends_quietly(sqlite_cli: Cli, tmp_path: Path, args: list[str]) -> None:
    _many_members(sqlite_cli, tmp_path)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "loyaltycli", "--db", str(sqlite_cli.db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    with proc, proc.stderr:
        proc.stdout.readline()
        proc.stdout.close()  # what `| head -1` does
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert err == "" and code == 0, (code, err)


# ------------------------------------------------------------------ 8. amounts and quantities too large


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["purchase", "anna@example.com", "99999999999999999"], "largest amount"),
        (["purchase", "anna@example.com", "100000000.00"], "largest amount"),
        (["purchase", "anna@example.com", "1e5"], "not an amount"),
        (["purchase", "anna@example.com", "-", "--line", "X:coffee:1e12:0.01"], "quantity"),
        (["purchase", "anna@example.com", "-", "--line", "X:coffee:100001:0.01"], "largest quantity"),
        (["purchase", "anna@example.com", "-", "--line", "X:coffee:100000:1000.00"], "largest amount"),
        (["refund", "R1", "--amount", "92233720368547758.08"], "largest amount"),
        (["adjust", "anna@example.com", "--reason", "x", "99999999999999999999"], "POINTS"),
    ],
)
def test_amounts_beyond_the_limits_are_bad_input(cli: Cli, args: list[str], word: str) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "10.00", "--receipt", "R1")
    result = cli(*args, expect=2)
    assert word in result.stderr


def test_the_largest_amount_is_accepted(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    assert cli.json("purchase", "anna@example.com", "99999999.99")["points"] == 99999999
    assert cli.json("member", "show", "anna@example.com")["points"]["available"] == 99999999 + 50


# ------------------------------------------------------------------ 9. phone numbers


@pytest.mark.parametrize("phone", ["12", "112", "0170 12"])
def test_an_invalid_phone_number_is_bad_input(cli: Cli, phone: str) -> None:
    result = cli("enroll", "X", "--phone", phone, expect=2)
    assert "not a valid phone number" in result.stderr


# ------------------------------------------------------------------ 12, 13. negative numbers, --db after the command


def test_adjust_reads_a_negative_number_as_a_number(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    assert cli.json("adjust", "anna@example.com", "--reason", "typo", "-20")["balance"] == 30
    assert cli.json("adjust", "anna@example.com", "-2", "--reason", "typo")["balance"] == 28
    result = cli("adjust", "anna@example.com", "--reason", "typo", "--pionts", expect=2)
    assert "No such option" in result.stderr  # a misspelt option is still an error


def test_global_options_may_follow_the_sub_command() -> None:
    assert global_options_first(["member", "list", "--db", "x.db"]) == ["--db", "x.db", "member", "list"]
    assert global_options_first(["statement", "M1", "--db=x.db", "--debug"]) == [
        "--db=x.db",
        "--debug",
        "statement",
        "M1",
    ]
    assert global_options_first(["adjust", "M1", "--", "--db"]) == ["adjust", "M1", "--", "--db"]


@pytest.mark.slow
def test_db_after_the_sub_command_works_from_the_installed_command(sqlite_cli: Cli) -> None:
    sqlite_cli("enroll", "Anna", "--email", "anna@example.com")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "loyaltycli",
            "member",
            "show",
            "anna@example.com",
            "--db",
            str(sqlite_cli.db),
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "Anna"


# ------------------------------------------------------------------ 14, 15. read-only databases, other schemes


def test_a_read_only_database_can_be_read_and_refuses_writes(sqlite_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_cli("enroll", "Anna", "--email", "anna@example.com")
    sqlite_cli("db", "backup", str(Path(sqlite_cli.db).with_name("copy.db")))
    before = fingerprint(Path(sqlite_cli.db))
    import loyaltycli.storage.database as database

    monkeypatch.setattr(database.os, "access", lambda path, mode: False)  # as on a read-only file system
    assert sqlite_cli.json("member", "show", "anna@example.com")["name"] == "Anna"
    sqlite_cli("report", "summary")
    result = sqlite_cli("purchase", "anna@example.com", "5.00", expect=1)
    assert "read-only" in result.stderr
    assert fingerprint(Path(sqlite_cli.db)) == before


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://x@y/z", ["mysql://", "not supported", "postgresql://"]),
        ("postgresql+psycopg2://u:S3cret@host/db", ["postgresql+psycopg2://", "not supported"]),
        ("postgresql://u@127.0.0.1:notaport/x", ["not a valid PostgreSQL URL"]),
    ],
)
def test_an_unsupported_database_url_is_bad_usage(tmp_path: Path, url: str, words: list[str]) -> None:
    result = Cli(url)("info", expect=2)
    for word in words:
        assert word in result.stderr
    assert "S3cret" not in result.stderr


def test_a_sqlite_url_names_a_file(sqlite_cli: Cli) -> None:
    assert Cli(f"sqlite:///{sqlite_cli.db}")("info").exit_code == 0


# ------------------------------------------------------------------ 17. voucher times are local


def test_voucher_use_just_after_midnight_is_reported_on_the_local_day(cli: Cli, clock: Any) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "100.00")
    code = cli.json("redeem", "anna@example.com", "mug")["voucher"]
    clock.move_to("2026-06-16T00:05:30+02:00")
    cli("voucher", "use", code)
    assert cli.json("voucher", "show", code)["used_at"] == "2026-06-16 00:05"
    result = cli("voucher", "use", code, expect=1)
    assert "already used on 2026-06-16 00:05" in result.stderr


# ------------------------------------------------------------------ 19. lists for mailing leave out the gone


def test_mailing_lists_leave_out_erased_members(cli: Cli, clock: Any) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com", "--marketing", "--birthday", "1990-06-01")
    cli("enroll", "Gone", "--email", "gone@example.com", "--marketing", "--birthday", "1990-06-02")
    cli("member", "erase", "gone@example.com", "--yes")
    clock.move_to("2026-09-15T10:00:00+02:00")
    for filters in (["--lapsed", "30"], ["--birthday-month", "6"], ["--expiring", "3650"]):
        assert [m["name"] for m in cli.json("member", "list", *filters)] == ["Anna"], filters
    assert len(cli.json("member", "list")) == 2  # the plain list still shows everyone
    assert [m["name"] for m in cli.json("member", "list", "--status", "erased")] == ["(erased)"]


# ------------------------------------------------------------------ 20. a repeated receipt prints the original


def test_a_repeated_purchase_prints_the_original_result(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    first = cli.json(
        "purchase", "anna@example.com", "-", "--line", "A:books:2:4.99", "--line", ":x:1:3.00", "--receipt", "P1"
    )
    again = cli.json(
        "purchase", "anna@example.com", "-", "--line", "A:books:2:4.99", "--line", ":x:1:3.00", "--receipt", "P1"
    )
    assert again.pop("repeated") is True and first.pop("repeated") is False
    assert again == first


# ------------------------------------------------------------------ 21. one e-mail validation


def test_import_enrols_only_real_email_addresses(cli: Cli, tmp_path: Path) -> None:
    sales = write(
        tmp_path / "e.csv", "receipt,date,member,amount\nA,2026-06-14,Bob@Shop,10.00\nB,2026-06-14,bob@shop.de,5\n"
    )
    result = cli("import", str(sales), "--enroll-unknown", expect=1)
    assert "row 2 (receipt A)" in result.stderr and "not an e-mail address" in result.stderr
    assert cli("enroll", "Bob", "--email", "bob@shop", expect=2).exit_code == 2
    assert [row[0] for row in query(cli.db, "SELECT email FROM member")] == ["bob@shop.de"]


# ------------------------------------------------------------------ 6. db copy is all or nothing


@pytest.mark.slow
def test_a_killed_db_copy_leaves_no_target_and_the_same_command_completes_it(
    sqlite_cli: Cli, make_db: Any, tmp_path: Path
) -> None:
    import signal
    import time

    _many_members(sqlite_cli, tmp_path, 4000)
    target = make_db("copy") if "postgres" in str(make_db("probe")) else str(tmp_path / "copy.db")
    command = [sys.executable, "-m", "loyaltycli", "--db", str(sqlite_cli.db), "db", "copy", "--to", target]
    for delay in (0.3, 0.8, 1.3, 1.8):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if target.startswith("postgres"):
            tables = query(
                target, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
            )[0][0]
            complete = tables > 0
        else:
            complete = os.path.exists(target)
        if complete:  # the kill came after the commit (or the rename): then the copy must be whole
            break
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0 or "already exists" in done.stderr or "not empty" in done.stderr, done.stderr
    assert Cli(target)("verify").exit_code == 0
    assert Cli(target).json("report", "summary")["members"] == sqlite_cli.json("report", "summary")["members"]


def test_a_range_that_ends_before_it_starts_is_bad_input(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    for command in (
        ["statement", "anna@example.com"],
        ["report"],
        ["report", "summary"],
        ["report", "monthly"],
        ["report", "campaigns"],
        ["report", "members"],
    ):
        result = cli(*command, "--from", "2026-12-31", "--to", "2026-01-01", expect=2)
        assert "--to 2026-01-01 is before --from 2026-12-31" in result.stderr, command


# ------------------------------------------------------------------ 16. Excel's "Unicode text"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_export_is_read(cli: Cli, tmp_path: Path, encoding: str) -> None:
    import codecs

    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    text = "receipt\tdate\tmember\tamount\nU1\t2026-06-14\t\t12,50\nU2\t2026-06-14\t\t3,00\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + text.encode(encoding))
    doc = cli.json("import", str(path))
    assert (doc["imported"], doc["rejected"]) == (2, 0)
    assert cli.json("report", "summary")["sales"]["anonymous"] == "15.50"


# ------------------------------------------------------------------ 11. Ctrl-C and SIGTERM during an import


@pytest.mark.slow
@pytest.mark.parametrize(("signal_name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupted_import_says_what_it_kept_and_how_to_finish(
    sqlite_cli: Cli, tmp_path: Path, signal_name: str, code: int
) -> None:
    import signal
    import time

    rows = "".join(f"R{n},2026-06-01,c{n % 5000}@example.com,5.00\n" for n in range(80_000))
    sales = write(tmp_path / "big.csv", "receipt,date,member,amount\n" + rows)
    command = [sys.executable, "-m", "loyaltycli", "--db", str(sqlite_cli.db), "import", str(sales), "--enroll-unknown"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and query(sqlite_cli.db, "SELECT count(*) FROM receipt")[0][0] == 0:
        time.sleep(0.05)  # wait for the first committed batch
    proc.send_signal(getattr(signal, signal_name))
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the import finished before the signal arrived")
    assert proc.returncode == code, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Interrupted: "), err
    kept = query(sqlite_cli.db, "SELECT count(*) FROM receipt")[0][0]
    assert f"{kept} receipts" in lines[0] and "run the same command again" in lines[0]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert query(sqlite_cli.db, "SELECT count(*) FROM receipt")[0][0] == 80_000


# ------------------------------------------------------------------ redeem --key: a till's retry


def test_redeem_with_a_key_twice_spends_once_and_prints_the_original(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "200.00")
    first = cli.json("redeem", "anna@example.com", "mug", "--key", "till1-42")
    again = cli.json("redeem", "anna@example.com", "mug", "--key", "till1-42")
    assert again.pop("repeated") is True and first.pop("repeated") is False
    assert again == first and first["balance"] == 250 - 80
    assert cli.json("member", "show", "anna@example.com")["points"]["available"] == 170
    result = cli("redeem", "anna@example.com", "mug", "--key", "till1-42", "--date", "2026-06-15", expect=0)
    assert "already made" in result.stderr
    cli("enroll", "Ben", "--email", "ben@example.com")
    other = cli("redeem", "ben@example.com", "mug", "--key", "till1-42", expect=1)
    assert "--key till1-42 was already used" in other.stderr


def test_an_import_rejects_a_phone_number_that_is_not_valid(cli: Cli, tmp_path: Path) -> None:
    sales = write(
        tmp_path / "p.csv", "receipt,date,member,amount\nA,2026-06-14,+49 151 2345678,10.00\nB,2026-06-14,C0FFEE,5\n"
    )
    result = cli("import", str(sales), "--enroll-unknown", expect=1)
    assert "row 2 (receipt A)" in result.stderr and "not a valid phone number" in result.stderr
    assert [row[0] for row in query(cli.db, "SELECT id FROM member ORDER BY pk")] == ["C0FFEE"]


def test_an_unreadable_date_on_a_later_row_rejects_the_receipt(cli: Cli, tmp_path: Path) -> None:
    sales = write(
        tmp_path / "d.csv",
        "receipt,date,member,amount\nA,2026-06-14,,10.00\nA,2026-13-45,,2.00\nB,2026-06-14,,3.00\nB,2026-06-14,,1.00\n",
    )
    result = cli("import", str(sales), expect=1)
    assert "row 3 (receipt A)" in result.stderr and "2026-13-45" in result.stderr
    assert cli.json("report", "summary")["sales"]["anonymous"] == "4.00"


# ------------------------------------------------------------------ issue 12: the reliability and security probe


def test_a_refund_row_keeps_the_member_known_for_the_rest_of_the_batch(cli: Cli, tmp_path: Path) -> None:
    sales = write(
        tmp_path / "r.csv",
        "receipt,date,member,amount,refund_of\nA,2026-06-01,x@example.com,10.00,\n"
        "B,2026-06-02,x@example.com,-1.00,A\nC,2026-06-03,x@example.com,5.00,\n",
    )
    doc = cli.json("import", str(sales), "--enroll-unknown")
    assert (doc["imported"], doc["refunds"], doc["rejected"], doc["enrolled"]) == (2, 1, 0, 1)


@pytest.mark.parametrize(
    ("addition", "field"),
    [
        ("[earn]\npoints_per_unit = 1e20\n", "points_per_unit"),
        ("[earn]\npoints_per_unit = 1001\n", "points_per_unit"),
        ("[redeem]\nvoucher_days = 3000000\n", "voucher_days"),
        ("[bonuses]\nsignup = 9223372036854775808\n", "signup"),
        ("[bonuses]\nbirthday = 1000001\n", "birthday"),
        ("[earn]\npending_days = 3661\n", "pending_days"),
        ('[[campaigns]]\nid = "x"\nstarts = 2026-01-01\nends = 2026-02-01\nmultiplier = 101\n', "multiplier"),
        ('[expiry]\npolicy = "fixed"\nmonths = 1201\n', "months"),
        ('[earn]\nmin_spend = "100000000.00"\n', "min_spend"),
    ],
)
def test_programme_numbers_beyond_the_limits_are_refused(program_file: Any, addition: str, field: str) -> None:
    text = '[program]\nname = "X"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n' + addition
    result = Cli("unused.db")("program", "check", str(program_file(text, "limits.toml")), "--json", expect=2)
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and any(field in e for e in doc["errors"]), doc


def test_programme_numbers_at_the_limits_are_accepted(program_file: Any) -> None:
    text = (
        '[program]\nname = "X"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'
        "[earn]\npoints_per_unit = 1000\npending_days = 3660\n[bonuses]\nsignup = 1000000\n"
        "[redeem]\nvoucher_days = 3660\n"
    )
    Cli("unused.db")("program", "check", str(program_file(text, "edge.toml")))


def test_program_check_json_on_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[program]\nname = "Caf\xe9"\n'.encode("latin-1"))
    result = Cli("unused.db")("program", "check", str(path), "--json", expect=2)
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and "UTF-8" in doc["errors"][0]


def test_member_find_takes_percent_and_underscore_as_plain_characters(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("enroll", "Ben_100%", "--email", "ben@example.com")
    assert [m["name"] for m in cli.json("member", "find", "%")] == ["Ben_100%"]
    assert [m["name"] for m in cli.json("member", "find", "_")] == ["Ben_100%"]
    assert cli.json("member", "find", "a%a") == []


def test_html_files_are_readable_by_their_owner_only(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli("enroll", "Anna", "--email", "anna@example.com")
    for args, name in ((["report", "--html"], "r.html"), (["statement", "anna@example.com", "--html"], "s.html")):
        path = tmp_path / name
        path.write_text("old")
        path.chmod(0o644)
        sqlite_cli(*args, str(path))
        assert path.stat().st_mode & 0o777 == 0o600, name


def test_notes_may_not_repeat_the_person(cli: Cli) -> None:
    cli("enroll", "Anna Muster", "--email", "anna@example.com", "--phone", "0170 1234567")
    for note in (
        "Anna called about her card",
        "double scan for MUSTER",
        "wrote from anna@example.com",
        "tel 0170-1234567",
    ):
        result = cli("adjust", "anna@example.com", "5", "--reason", note, expect=2)
        assert "repeats the member's name" in result.stderr
    cli("adjust", "anna@example.com", "5", "--reason", "double-scanned receipt")


def test_erasure_leaves_no_copy_in_the_write_ahead_log(sqlite_cli: Cli) -> None:
    import sqlite3

    sqlite_cli("enroll", "Zacharias Quellenbrunn", "--email", "zq@example.com", "--phone", "0170 7654321")
    reader = sqlite3.connect(sqlite_cli.db)  # another connection holds the database open
    try:
        reader.execute("SELECT count(*) FROM member").fetchall()
        sqlite_cli("member", "erase", "zq@example.com", "--yes")
        for suffix in ("", "-wal"):
            path = Path(f"{sqlite_cli.db}{suffix}")
            if path.exists():
                data = path.read_bytes()
                assert b"Quellenbrunn" not in data and b"zq@example.com" not in data, suffix
    finally:
        reader.close()


def test_verify_finds_a_voucher_whose_use_and_status_disagree(sqlite_cli: Cli) -> None:
    import sqlite3

    sqlite_cli("enroll", "Anna", "--email", "anna@example.com")
    sqlite_cli("purchase", "anna@example.com", "100.00")
    code = sqlite_cli.json("redeem", "anna@example.com", "mug")["voucher"]
    sqlite_cli("voucher", "use", code)
    con = sqlite3.connect(sqlite_cli.db)
    con.execute("UPDATE voucher SET status = 'issued', used_at = NULL")  # as if a second till could use it again
    con.commit()
    con.close()
    doc = sqlite_cli.json("verify", expect=1)
    assert any(f"voucher {code}: used 1 times" in p for p in doc["problems"]), doc


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://shop:S3cret@db.local/loyalty", "S3cret"),
        ("postgresql+psycopg://shop:S3cret@db.local:5432/loyalty", "S3cret"),
        ("postgresql://shop@db.local/loyalty?password=S3cret", "S3cret"),
        ("postgresql://shop@db.local/loyalty?sslmode=require&password=S3cret&x=1", "S3cret"),
        ("postgresql+psycopg2://u:S3cret@host/db", "S3cret"),
        ("host=db.local user=shop password=S3cret dbname=loyalty", "S3cret"),
        ("postgresql://shop:p%40ss@db.local/loyalty", "p%40ss"),
    ],
)
def test_passwords_are_masked_in_every_url_form(url: str, secret: str) -> None:
    from loyaltycli.storage.location import mask_password

    masked = mask_password(f"error: could not use {url}: failed")
    assert secret not in masked and "***" in masked


def test_an_import_failing_half_way_says_what_it_committed(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from loyaltycli.services import imports

    rows = "".join(f"R{n},2026-06-01,,5.00\n" for n in range(7000))
    sales = write(tmp_path / "s.csv", "receipt,date,member,amount\n" + rows)
    book = imports.Importer._book
    calls = []

    def failing(self: Any, tx: Any, batch: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        book(self, tx, batch)

    monkeypatch.setattr(imports.Importer, "_book", failing)
    result = sqlite_cli("import", str(sales), "--json", expect=1)
    assert "5000 receipts" in result.stderr and "run the same command again" in result.stderr
    assert "nothing" not in result.stderr
    doc = json.loads(result.stdout)
    assert doc["committed_receipts"] == 5000 and "disk is full" in doc["error"]
    monkeypatch.setattr(imports.Importer, "_book", book)
    again = sqlite_cli.json("import", str(sales))
    assert (again["duplicates"], again["imported"]) == (5000, 2000)


def test_a_row_that_cannot_be_read_as_csv_is_rejected_and_the_rest_imported(cli: Cli, tmp_path: Path) -> None:
    big = "x" * 200_000
    sales = write(
        tmp_path / "b.csv",
        f'receipt,date,member,amount\nA,2026-06-01,,1.00\nB,2026-06-01,"{big}",1.00\nC,2026-06-01,,2.00\n',
    )
    rejects = tmp_path / "rejects.csv"
    result = cli("import", str(sales), "--rejects", str(rejects), expect=1)
    assert "row 3" in result.stderr and "cannot be read as CSV" in result.stderr
    assert cli.json("report", "summary")["sales"]["anonymous"] == "3.00"
    assert "cannot be read as CSV" in rejects.read_text()


BAD_AMOUNTS = ["1e5", "0x1F", "5 5", "=1+2", "１２", "100000000.00", "92233720368547758.08", "12.345", "--5"]


@pytest.mark.parametrize("bad", BAD_AMOUNTS)
def test_every_amount_input_refuses_what_is_no_plain_amount(cli: Cli, tmp_path: Path, bad: str) -> None:
    """The same refusal through every way an amount comes in: the AMOUNT argument, refund --amount,
    the unit price of --line, and the amount column of an import."""
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "10.00", "--receipt", "R1")
    before = snapshot(cli.db)
    cli("purchase", "anna@example.com", bad, expect=2)
    cli("refund", "R1", "--amount", bad, expect=2)
    cli("purchase", "anna@example.com", "-", "--line", f"X:coffee:1:{bad}", expect=2)
    assert snapshot(cli.db) == before
    sales = write(tmp_path / "bad.csv", f'receipt,date,member,amount\nB1,2026-06-14,,"{bad}"\n')
    result = cli("import", str(sales), expect=1)
    assert "row 2 (receipt B1)" in result.stderr


@pytest.mark.parametrize(("amount", "code"), [("99999999.99", 0), ("100000000.00", 2), ("0.01", 0), ("0.00", 0)])
def test_amount_limits_just_inside_and_outside(cli: Cli, amount: str, code: int) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", amount, expect=code)


@pytest.mark.parametrize(("quantity", "code"), [("100000", 0), ("100001", 2), ("100000.5", 2), ("1e3", 2), ("0", 2)])
def test_quantity_limits_just_inside_and_outside(cli: Cli, quantity: str, code: int) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "-", "--line", f"X:coffee:{quantity}:0.01", expect=code)


# ------------------------------------------------------------------ issue 15, first steps: saying what happened


def test_points_in_a_breakdown_are_never_written_with_an_exponent(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    doc = cli.json("purchase", "anna@example.com", "80.00")
    assert doc["breakdown"][0]["points"] == "80" and doc["breakdown"][0]["rate"] == "1"
    assert "E+" not in json.dumps(doc)


def test_usable_from_is_said_only_when_points_are_pending(cli: Cli) -> None:
    cli("enroll", "Anna", "--email", "anna@example.com")
    assert "Usable from" not in cli("purchase", "anna@example.com", "10.00").stderr


def test_an_empty_result_is_a_sentence(cli: Cli) -> None:
    assert "No member matches 'xyz'." in cli("member", "find", "xyz").stderr
    assert "No members yet." in cli("member", "list").stderr
    assert "No member matches these filters." in cli("member", "list", "--marketing").stderr
    assert cli("member", "find", "xyz", "--csv").stdout.startswith("id,name")  # machines still get their header


def test_lists_and_statements_fit_80_columns_without_breaking_values(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from loyaltycli.cli import output

    for n in range(3):
        cli(
            "enroll",
            f"Alexandra Katharina Musterfrau-{n}",
            "--email",
            f"alexandra.musterfrau{n}@example-mail.com",
            "--phone",
            f"0170 765432{n}",
        )
    cli("purchase", "alexandra.musterfrau0@example-mail.com", "12.50", "--receipt", "POS-2026-000123")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(output, "_CONSOLE", None)
    for args, values in (
        (["member", "list"], ["alexandra.musterfrau1@example-mail.com", "M000002"]),
        (["member", "find", "muster"], ["alexandra.musterfrau2@example-mail.com"]),
        (["statement", "M000001"], ["2026-06-15", "POS-2026-000123"]),
    ):
        shown = cli(*args).stdout
        assert all(len(line) <= 80 for line in shown.splitlines()), shown
        for value in values:
            assert value in shown, (args, value, shown)
    monkeypatch.setattr(output, "_CONSOLE", None)


def test_info_says_whether_the_rules_run_compiled(cli: Cli) -> None:
    """`loyalty info` tells a shop whether the mypyc-compiled rules are installed (README, Compiled modules)."""
    import loyaltycli.domain.points as points

    facts = cli.json("info")
    assert facts["compiled"] is (not points.__file__.endswith(".py"))
    assert isinstance(facts["compiled"], bool)
