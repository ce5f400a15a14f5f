"""`import --format dsfinvk` (SPEC §4): any German till's DSFinV-K export, as a folder or a zip; and
SumUp's description as the customer."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

EXPORT = Path(__file__).parent / "data" / "dsfinvk"  # written from pretix's python-dsfinvk layout: SOURCE.md
PROGRAM = """\
[program]
name = "Laden"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"
exclude_categories = ["deposit"]
"""


@pytest.fixture
def shop(make_db: Any, program_file: Any, clock: Any) -> Cli:
    cli = Cli(make_db("dsfinvk"))
    cli("init", "--program", str(program_file(PROGRAM, "laden.toml")))
    cli("enroll", "Anna Müller", "--email", "anna@example.com")  # M000001
    cli("enroll", "Bob Stein", "--email", "bob@example.com")  # M000002
    return cli


def balance(cli: Cli, member: str) -> int:
    return int(cli.json("member", "show", member)["points"]["available"])


def test_a_dsfinvk_folder_books_sales_returns_and_anonymous_revenue(shop: Cli) -> None:
    doc = shop.json("import", str(EXPORT), "--format", "dsfinvk")
    # 1001, 1004 and 1005 are sales; 1003 (BON_STORNO) is a return; training 1002, aborted 1006 and the tip
    # line of 1005 are skipped rows.
    assert (doc["rows"], doc["imported"], doc["returns"], doc["skipped"], doc["rejected"]) == (9, 3, 1, 3, 0)
    assert doc["anonymous"] == 1
    assert balance(shop, "M000001") == 1255 - 3  # 2 x 3,20 + 1.249,00 = 1.255,40; a cappuccino back: 3,20
    assert balance(shop, "M000002") == 4  # 3 teas at 2,00, one voided (P_STORNO): 4,00; the tip earns nothing
    sales = shop.json("report", "summary")["sales"]
    assert (sales["members"], sales["anonymous"]) == ("1256.20", "5.00")
    statement = shop.json("member", "show", "M000001")
    assert statement["points"]["lifetime_earned"] == 1255


def test_the_same_export_as_a_zip_a_second_time_changes_nothing(shop: Cli, tmp_path: Path) -> None:
    shop("import", str(EXPORT), "--format", "dsfinvk")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("transactions.csv", "lines.csv"):
            zf.write(EXPORT / name, f"dsfinvk-2026-06-01/{name}")  # tills put the tables in a folder of the zip
    again = shop.json("import", str(archive), "--format", "dsfinvk")
    assert (again["imported"], again["returns"], again["duplicates"], again["rejected"]) == (0, 0, 4, 0)
    assert balance(shop, "M000001") == 1252


def test_a_zip_of_the_export_alone(shop: Cli, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("transactions.csv", "lines.csv"):
            zf.write(EXPORT / name, name)
    doc = shop.json("import", str(archive), "--format", "dsfinvk")
    assert (doc["imported"], doc["returns"]) == (3, 1)


def test_an_item_without_its_receipt_header_is_rejected_by_name(shop: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    lines = (folder / "lines.csv").read_text(encoding="utf-8")
    (folder / "lines.csv").write_text(
        lines + "1;2026-06-01T20:05:00;17;1099;1;;Tee;T1;Umsatz;;1;0;;TEE;;10;Kaffee;1,000;1,000;Stück;2,00000\r\n",
        encoding="utf-8",
    )
    result = shop("import", str(folder), "--format", "dsfinvk", "--json", expect=1)
    assert "receipt 1099 is not in transactions.csv" in result.stderr
    assert '"imported": 3' in result.stdout


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p / "missing", "no such DSFinV-K export"),
        (lambda p: (p / "notes.txt").write_text("hello") and p / "notes.txt", "a folder or a zip file"),
        (lambda p: shutil.copytree(EXPORT, p / "x", ignore=shutil.ignore_patterns("lines.csv")), "has no lines.csv"),
    ],
)
def test_an_export_that_is_not_one_is_named(shop: Cli, tmp_path: Path, make: Any, says: str) -> None:
    target = make(tmp_path)
    result = shop("import", str(target), "--format", "dsfinvk", expect=2)
    assert says in result.stderr and str(target) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_header_table_without_customer_columns_is_not_dsfinvk(shop: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    (folder / "transactions.csv").write_text("BON_ID;UMS_BRUTTO\r\n1001;1,00\r\n", encoding="utf-8")
    result = shop("import", str(folder), "--format", "dsfinvk", expect=2)
    assert "transactions.csv has no column Z_KASSE_ID, Z_NR, BON_TYP, BON_ENDE, KUNDE_ID" in result.stderr


SUMUP = """\
Datum;Typ;Transaktionsnummer;Zahlungsmethode;Menge;Beschreibung;Währung;Preis (brutto)
17.04.2026, 12:32;Verkauf;TX1;Karte;1;Cappuccino Kd-Nr. M000002;EUR;3,80
17.04.2026, 12:40;Verkauf;TX2;Karte;1;Kuchen Karte {card};EUR;12,50
17.04.2026, 12:50;Verkauf;TX3;Bar;1;Tee;EUR;2,90
"""


def test_sumup_finds_the_member_in_the_description(shop: Cli, tmp_path: Path) -> None:
    card = shop.json("member", "show", "M000001")["card"]
    path = tmp_path / "sumup.csv"
    path.write_text(SUMUP.format(card=card), encoding="utf-8")
    doc = shop.json("import", str(path), "--format", "sumup")
    assert (doc["imported"], doc["anonymous"]) == (3, 1)
    assert balance(shop, "M000002") == 3
    assert balance(shop, "M000001") == 12


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("Cappuccino Kd-Nr. 4711", "4711"),
        ("Kunde: K-17 Torte", "K-17"),
        ("M000123 Espresso", "M000123"),
        ("Karte 2000000000015", "2000000000015"),
        ("2000000000016 Espresso", ""),  # 13 digits with a wrong check digit: not a card
        ("Cappuccino groß", ""),
        ("Customer Anna", ""),  # a word without a digit is no number
    ],
)
def test_member_in_description(text: str, member: str) -> None:
    from loyaltycli.importers.formats import member_in_text

    assert member_in_text(text) == member


def test_an_older_tills_windows_1252_export_with_decimal_points(shop: Cli, tmp_path: Path) -> None:
    """DSFinV-K asks for UTF-8 and a decimal comma (index.xml says so); some tills write Windows-1252 and a
    decimal point: both are read (a number with a comma is German, one without has its decimals after '.')."""
    folder = tmp_path / "export"
    folder.mkdir()
    header = (EXPORT / "transactions.csv").read_text(encoding="utf-8").splitlines()[0]
    lines_header = (EXPORT / "lines.csv").read_text(encoding="utf-8").splitlines()[0]
    head = "1;2026-06-01T20:05:00;17;2001;1;Beleg;;T1;0;2026-06-01T09:00:00;2026-06-01T09:01:00;7;K;12.50;Jörg Groß;M000002"
    (folder / "transactions.csv").write_bytes((header + "\r\n" + head + ";Kunde;;;;;;\r\n").encode("cp1252"))
    item = "1;2026-06-01T20:05:00;17;2001;1;;Käsekuchen;T1;Umsatz;;1;0;;KK;;20;Backwaren;5.000;1.000;Stück;2.50000"
    (folder / "lines.csv").write_bytes((lines_header + "\r\n" + item + "\r\n").encode("cp1252"))
    doc = shop.json("import", str(folder), "--format", "dsfinvk")
    assert (doc["imported"], doc["rejected"]) == (1, 0)
    assert balance(shop, "M000002") == 12  # 5 x 2.50
