"""A member's phone as people write it is kept beside the number (`member.phone_shown`), so that `member show`
prints `0170 1234567` without loading phonenumbers; every way a phone is written keeps it current."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from loyaltycli import i18n
from loyaltycli.domain.phones import phone_forms
from loyaltycli.storage.database import Database, _engine
from loyaltycli.storage.location import Location
from loyaltycli.storage.migrate import upgrade
from tests.conftest import Cli, query, write


def test_the_forms_of_a_number_and_the_one_shown() -> None:
    assert phone_forms("+491701234567") == "DE|0170 1234567|+49 170 1234567"
    assert phone_forms("+436641234567") == "AT|0664 1234567|+43 664 1234567"
    assert phone_forms("+") is None
    try:
        i18n.set_home_region("DE")
        assert i18n.shown_phone("DE|0170 1234567|+49 170 1234567") == "0170 1234567"
        assert i18n.shown_phone("AT|0664 1234567|+43 664 1234567") == "+43 664 1234567"
        assert i18n.phone("+491701234567") == "0170 1234567"  # lists still format the number itself
    finally:
        i18n.set_home_region(None)
    assert i18n.shown_phone("DE|0170 1234567|+49 170 1234567") == "+49 170 1234567"


def _shown(cli: Cli, member: str) -> str | None:
    rows = query(cli.db, f"SELECT phone_shown FROM member WHERE id = '{member}'")
    return rows[0][0]


def test_enrol_edit_and_erase_keep_the_written_forms(cli: Cli) -> None:
    cli("enroll", "Anna", "--phone", "0170 1234567")
    assert _shown(cli, "M000001") == "DE|0170 1234567|+49 170 1234567"
    assert "0170 1234567" in cli("member", "show", "M000001").stdout
    cli("member", "edit", "M000001", "--phone", "+43 664 1234567")
    assert _shown(cli, "M000001") == "AT|0664 1234567|+43 664 1234567"
    assert "+43 664 1234567" in cli("member", "show", "M000001").stdout
    cli("purchase", "M000001", "10.00")  # a write of the member that leaves the phone alone
    assert _shown(cli, "M000001") == "AT|0664 1234567|+43 664 1234567"
    cli("member", "erase", "M000001", "--yes")
    assert _shown(cli, "M000001") is None


def test_members_enrolled_by_an_import_have_them(cli: Cli, tmp_path: Path) -> None:
    sales = write(tmp_path / "sales.csv", "receipt,date,member,amount\nR1,2026-06-01,0170 7654321,10.00\n")
    cli("import", str(sales), "--enroll-unknown")
    assert query(cli.db, "SELECT phone, phone_shown FROM member") == [
        ("+491707654321", "DE|0170 7654321|+49 170 7654321")
    ]


def test_a_customer_list_import_works_them_out_from_its_one_parse(cli: Cli, tmp_path: Path) -> None:
    customers = write(tmp_path / "customers.csv", "name,phone\nAnna,0170 1234567\nBen,+43 664 1234567\nCarl,\n")
    assert cli.json("member", "import", str(customers))["enrolled"] == 3
    assert query(cli.db, "SELECT name, phone, phone_shown FROM member ORDER BY name") == [
        ("Anna", "+491701234567", "DE|0170 1234567|+49 170 1234567"),
        ("Ben", "+436641234567", "AT|0664 1234567|+43 664 1234567"),
        ("Carl", None, None),
    ]


def test_the_upgrade_works_them_out_for_the_members_there(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch()
    db = Database(Location(str(path)), _engine(Location(str(path))))
    upgrade(db, "0013")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO member (id, name, phone, marketing, status, enrolled_at, enrolled_on, debt) VALUES "
        "('M1', 'Olga', '+491701234567', 0, 'active', '2025-01-01 10:00:00', '2025-01-01', 0), "
        "('M2', 'Karl', NULL, 0, 'active', '2025-01-01 10:00:00', '2025-01-01', 0)"
    )
    con.commit()
    upgrade(db)
    db.dispose()
    assert con.execute("SELECT id, phone_shown FROM member ORDER BY id").fetchall() == [
        ("M1", "DE|0170 1234567|+49 170 1234567"),
        ("M2", None),
    ]
    con.close()


def test_member_show_does_not_load_phonenumbers(sqlite_cli: Cli) -> None:
    sqlite_cli("enroll", "Anna", "--phone", "0170 1234567")
    code = (
        "import sys; from loyaltycli.cli import main; sys.argv = ['loyalty', '--db', sys.argv[1], 'member', 'show', "
        "'M000001']\ntry:\n    main()\nexcept SystemExit:\n    pass\nprint('phonenumbers' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(sqlite_cli.db)], capture_output=True, text=True, check=True)
    assert "0170 1234567" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "False"
