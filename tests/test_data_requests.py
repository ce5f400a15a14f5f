"""The owner's duties (issue 31 items 5 and 6): an access request answered with one zip, erasure that keeps
the books, and a restriction that keeps the data but stops its use."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import Cli, query


def _anna(cli: Cli) -> None:
    cli("enroll", "Anna Müller", "--email", "anna@example.com", "--phone", "0170 1234567", "--marketing")
    cli("purchase", "anna@example.com", "120.00", "--receipt", "R1")
    cli("redeem", "anna@example.com", "mug")
    cli("consent", "anna@example.com", "--marketing", "no", "--channel", "web")


def test_the_access_bundle_holds_everything_stored_field_by_field(cli: Cli, tmp_path: Path) -> None:
    _anna(cli)
    target = tmp_path / "anna.zip"
    done = cli.json("member", "export", "anna@example.com", "--bundle", str(target))
    assert done["file"] == str(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert names == set(done["files"])
        assert {"README.txt", "member.json", "member.csv", "receipts.csv", "ledger.csv", "lots.csv"} <= names
        assert {"vouchers.csv", "stamp_cards.csv", "consents.csv", "card.png"} <= names
        document = json.loads(archive.read("member.json"))
        readme = archive.read("README.txt").decode()
        png = archive.read("card.png")
        tables = {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in names
            if name.endswith(".csv")
        }
    plain = json.loads(cli("member", "export", "anna@example.com").stdout)
    for key in ("member", "receipts", "ledger", "lots", "vouchers", "consents", "points", "stamps", "tier"):
        assert document[key] == json.loads(json.dumps(plain[key], default=str)), key
    assert document["member"]["name"] == "Anna Müller" and document["member"]["phone"] == "+491701234567"
    assert document["catima"].startswith("https://catima.app/share#")
    assert [(c["marketing"], c["channel"]) for c in document["consents"]] == [(False, "web"), (True, "till")]
    assert tables["member.csv"][0]["email"] == "anna@example.com"
    assert tables["member.csv"][0]["card"] == document["member"]["card"]
    assert [row["channel"] for row in tables["consents.csv"]] == ["web", "till"]
    ledger = query(cli.db, "SELECT kind, points FROM ledger_entry ORDER BY pk")
    assert [(row["kind"], int(row["points"])) for row in tables["ledger.csv"]] == ledger
    assert [row["receipt_id"] for row in tables["receipts.csv"]] == ["R1"]
    assert json.loads(tables["receipts.csv"][0]["lines"])[0]["amount_cents"] == 12000
    assert len(tables["vouchers.csv"]) == 1
    assert "Auskunft über gespeicherte Daten" in readme and "Information about stored data" in readme
    assert png.startswith(b"\x89PNG")


def test_a_bundle_that_cannot_be_written_is_named(cli: Cli, tmp_path: Path) -> None:
    _anna(cli)
    result = cli("member", "export", "anna@example.com", "--bundle", str(tmp_path / "no" / "a.zip"), expect=2)
    assert "--bundle" in result.stderr and "cannot be written" in result.stderr
    assert not list(tmp_path.glob("**/.bundle-*"))


def test_erase_keeps_the_books_and_says_so_and_leaves_no_byte_anywhere(sqlite_cli: Cli, tmp_path: Path) -> None:
    cli = sqlite_cli
    _anna(cli)
    before = query(cli.db, "SELECT receipt_id, total_cents FROM receipt ORDER BY pk")
    said = cli("member", "erase", "anna@example.com", "--yes").stderr
    assert "name, e-mail, phone, birthday, card and block reason are removed" in said
    assert "10 years" in said
    assert query(cli.db, "SELECT receipt_id, total_cents FROM receipt ORDER BY pk") == before  # the books stay
    target = tmp_path / "after.zip"
    cli("member", "export", "M000001", "--bundle", str(target))
    exported = b"".join(zipfile.ZipFile(target).read(n) for n in zipfile.ZipFile(target).namelist())
    stored = b"".join(Path(f"{cli.db}{s}").read_bytes() for s in ("", "-wal") if Path(f"{cli.db}{s}").exists())
    for gone in ("Anna Müller", "anna@example.com", "+491701234567", "0170 1234567"):
        for data in (stored, exported, cli("member", "export", "M000001").stdout.encode()):
            assert gone.encode() not in data, gone


def test_restrict_keeps_the_data_and_stops_its_use(cli: Cli, clock: Any) -> None:
    _anna(cli)
    cli("consent", "anna@example.com", "--marketing", "yes")
    done = cli.json("member", "erase", "anna@example.com", "--restrict")
    assert done == {"member": "M000001", "status": "restricted"}
    shown = cli.json("member", "show", "anna@example.com")
    assert shown["name"] == "Anna Müller" and shown["status"] == "restricted"
    assert "restricted" in cli("purchase", "anna@example.com", "10.00", expect=1).stderr
    assert "restricted" in cli("redeem", "anna@example.com", "mug", expect=1).stderr
    assert cli("member", "list", "--marketing", "--csv").stdout.splitlines()[1:] == []
    assert [r["id"] for r in cli.json("member", "list", "--status", "restricted")] == ["M000001"]
    said = cli("member", "erase", "anna@example.com", "--restrict").stderr
    assert "the data stays stored" in said
    cli("member", "unblock", "anna@example.com")
    assert cli.json("member", "show", "anna@example.com")["status"] == "active"
