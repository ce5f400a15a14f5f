"""Sales CSV import (SPEC §4): presets, real-world files, rejects, idempotency, same rules as purchase."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, query, snapshot

DATA = Path(__file__).parent / "data"
PROGRAM = """\
[program]
name = "Import Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"
exclude_categories = ["tobacco"]

[earn.category_rates]
books = 2
"""


@pytest.fixture
def shop(make_db: Any, program_file: Any, clock: Any) -> Cli:
    cli = Cli(make_db("import"))
    cli("init", "--program", str(program_file(PROGRAM, "import.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("enroll", "Ben", "--email", "ben@example.com")
    return cli


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def points(cli: Cli, who: str) -> int:
    """Available plus pending: some fixtures are dated after the tests' pinned clock."""
    shown = cli.json("member", "show", who)["points"]
    return int(shown["available"]) + int(shown["pending"])


def test_generic_rows_group_into_receipts_with_discounts_and_refunds(shop: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sales.csv",
        (
            "Receipt,Date,Member,Amount,Category,SKU,Quantity,Channel,Store,Refund_Of\n"
            "R1,2026-05-01T10:00,anna@example.com,20.00,books,B1,1,store,Mitte,\n"
            "R1,2026-05-01T10:00,anna@example.com,10.00,food,F1,2,store,Mitte,\n"
            "R1,2026-05-01T10:00,anna@example.com,-5.00,food,,,store,Mitte,\n"
            "R1,2026-05-01T10:00,anna@example.com,8.00,tobacco,T1,1,store,Mitte,\n"
            "R2,2026-05-02,,15.00,food,,,,,\n"
            "R3,2026-05-03,ben@example.com,30.00,food,,,,,\n"
            "RF3,2026-05-04,ben@example.com,-10.00,,,,,,R3\n"
        ),
    )
    doc = shop.json("import", path)
    assert (doc["rows"], doc["receipts"], doc["imported"], doc["refunds"], doc["rejected"]) == (7, 4, 3, 1, 0)
    assert doc["anonymous"] == 1
    assert points(shop, "anna@example.com") == 40 + 10 - 5  # books x2, food, discount; tobacco excluded
    assert points(shop, "ben@example.com") == 30 - 10
    summary = shop.json("report", "summary")
    assert summary["sales"]["anonymous"] == "15.00" and summary["sales"]["members"] == "53.00"
    assert shop.json("verify")["ok"]


def test_import_earns_exactly_what_purchase_gives(tmp_path: Path, make_db: Any, program_file: Any, clock: Any) -> None:
    rows = [
        ("A", "2026-04-01T09:00", "anna@example.com", "12.35", "books"),
        ("A", "2026-04-01T09:00", "anna@example.com", "3.99", "food"),
        ("B", "2026-04-02T12:00", "ben@example.com", "99.99", "food"),
        ("C", "2026-04-03T12:00", "anna@example.com", "7.50", "tobacco"),
        ("C", "2026-04-03T12:00", "anna@example.com", "7.50", "food"),
    ]
    via_import = Cli(make_db("a"))
    via_purchase = Cli(make_db("b"))
    for cli in (via_import, via_purchase):
        cli("init", "--program", str(program_file(PROGRAM, "p.toml")))
        cli("enroll", "Anna", "--email", "anna@example.com")
        cli("enroll", "Ben", "--email", "ben@example.com")
    path = write(tmp_path, "s.csv", "receipt,date,member,amount,category\n" + "".join(",".join(r) + "\n" for r in rows))
    via_import("import", path)
    for receipt in ("A", "B", "C"):
        lines = [r for r in rows if r[0] == receipt]
        args = [arg for r in lines for arg in ("--line", f":{r[4]}:1:{r[3]}")]
        via_purchase("purchase", lines[0][2], "-", *args, "--receipt", receipt, "--date", lines[0][1])
    assert ledger(via_import) == ledger(via_purchase)


def ledger(cli: Cli) -> list[tuple[Any, ...]]:
    return query(
        cli.db,
        "SELECT m.id, e.kind, e.points, e.business_date, r.receipt_id, l.available_on, l.expires_on "
        "FROM ledger_entry e JOIN member m ON m.pk = e.member_pk LEFT JOIN receipt r ON r.pk = e.receipt_pk "
        "LEFT JOIN point_lot l ON l.entry_pk = e.pk ORDER BY e.pk",
    )


def test_reimporting_the_same_file_changes_nothing(shop: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.csv",
        "receipt,date,member,amount\nR1,2026-05-01,anna@example.com,10.00\nR2,2026-05-01,ben@example.com,20.00\n",
    )
    shop("import", path)
    before = ledger(shop)
    doc = shop.json("import", path)
    assert (doc["imported"], doc["duplicates"]) == (0, 2)
    assert ledger(shop) == before


def test_rejected_rows_go_to_the_rejects_file_and_the_rest_is_imported(shop: Cli, tmp_path: Path) -> None:
    shop("member", "block", "ben@example.com", "--reason", "test")
    path = write(
        tmp_path,
        "s.csv",
        (
            "receipt,date,member,amount,category\n"
            "R1,2026-05-01,anna@example.com,10.00,food\n"
            "R2,2026-02-30,anna@example.com,10.00,food\n"
            "R3,2026-05-01,anna@example.com,abc,food\n"
            "R4,2026-05-01,nobody@example.com,10.00,food\n"
            "R5,2026-05-01,ben@example.com,10.00,food\n"
            "R6,2026-05-01,anna@example.com,6.00,food\n"
            "R6,2026-05-01,anna@example.com,1.2.3,food\n"
            "Total,,,1234.56,\n"
        ),
    )
    rejects = tmp_path / "rejects.csv"
    result = shop("import", path, "--rejects", str(rejects), "--json", expect=1)
    doc = json.loads(result.stdout)
    assert doc["imported"] == 1 and doc["rejected"] == 7
    for row in (3, 4, 5, 6, 7, 8, 9):
        assert f"row {row} " in result.stderr
    with open(rejects, encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [r["receipt"] for r in got] == ["R2", "R3", "R4", "R5", "R6", "R6", "Total"]
    assert all(r["reason"] for r in got)
    assert "blocked" in got[3]["reason"] and "unknown member" in got[2]["reason"]
    assert points(shop, "anna@example.com") == 10


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.csv", None, ["missing.csv", "no such file"]),
        ("empty.csv", "", ["empty.csv", "empty"]),
        ("noheader.csv", "R1,2026-05-01,anna@example.com,10.00\n", ["noheader.csv", "header"]),
        ("nodate.csv", "receipt,member,amount\nR1,anna@example.com,10.00\n", ["nodate.csv", "date"]),
        ("binary.csv", "\x00\x01\x02garbage", ["binary.csv", "not a text"]),
    ],
)
def test_unreadable_files_exit_2_and_write_nothing(
    shop: Cli, tmp_path: Path, name: str, content: str | None, words: list[str]
) -> None:
    path = str(tmp_path / name) if content is None else write(tmp_path, name, content)
    before = snapshot(shop.db)
    result = shop("import", path, expect=2)
    assert snapshot(shop.db) == before
    for word in words:
        assert word in result.stderr


def test_real_world_files(shop: Cli, tmp_path: Path) -> None:
    german = write(
        tmp_path,
        "de.csv",
        (
            "\ufeffReceipt;Date;Member;Amount;Category\r\n"
            "D1;01.05.2026 10:30;anna@example.com;1.234,56;food\r\n"
            "\r\n"
            "D2;02.05.2026;anna@example.com;10,50;Bücher\r\n"
        ),
        encoding="cp1252".replace("cp1252", "utf-8"),
    )
    doc = shop.json("import", german)
    assert doc["imported"] == 2 and doc["rejected"] == 0
    assert points(shop, "anna@example.com") == 1234 + 10
    windows = write(
        tmp_path,
        "win.csv",
        "receipt\tdate\tmember\tamount\tcategory\r\nW1\t2026-05-03T12:00+02:00\tanna@example.com\t5.00\tGemüse\r\n",
        encoding="cp1252",
    )
    assert shop.json("import", windows)["imported"] == 1
    quoted = write(
        tmp_path,
        "q.csv",
        'receipt,date,member,amount,category\n"Q1","2026-05-04","anna@example.com","2.00","food, fresh\nand local"\n',
    )
    assert shop.json("import", quoted)["imported"] == 1
    assert points(shop, "anna@example.com") == 1234 + 10 + 5 + 2


def test_enroll_unknown_gives_the_signup_bonus(tmp_path: Path, make_db: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(make_db("e"))
    cli("init", "--program", str(program_file(PROGRAM + "\n[bonuses]\nsignup = 25\n", "e.toml")))
    path = write(
        tmp_path,
        "s.csv",
        "receipt,date,member,amount\nR1,2026-05-01,new@example.com,10.00\n"
        "R2,2026-05-02,new@example.com,10.00\nR3,2026-05-02,+49 170 5555555,1.00\n",
    )
    doc = cli.json("import", path, "--enroll-unknown")
    assert doc["enrolled"] == 2 and doc["imported"] == 3
    assert points(cli, "new@example.com") == 45
    assert cli.json("member", "show", "0170 5555555")["points"]["available"] == 26
    assert cli.json("verify")["ok"]


def test_dry_run_writes_nothing(shop: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "receipt,date,member,amount\nR1,2026-05-01,new@example.com,10.00\n")
    before = snapshot(shop.db)
    doc = shop.json("import", path, "--dry-run", "--enroll-unknown")
    assert doc["imported"] == 1 and doc["enrolled"] == 1 and doc["dry_run"]
    assert snapshot(shop.db) == before


def test_shopify_orders_export(shop: Cli) -> None:
    doc = shop.json("import", str(DATA / "shopify_orders_export.csv"), "--format", "shopify")
    assert (doc["imported"], doc["refunds"], doc["skipped"], doc["rejected"]) == (2, 1, 1, 0)
    assert points(shop, "anna@example.com") == 76  # 2 x 36.98 + 12.00 - 9.56 = 76.40
    assert points(shop, "ben@example.com") == 30  # 50, then 20.00 of 50.00 refunded
    statement = shop.json("statement", "ben@example.com")["entries"]
    assert [(e["kind"], e["points"]) for e in statement] == [("earn", 50), ("refund", -20)]
    again = shop.json("import", str(DATA / "shopify_orders_export.csv"), "--format", "shopify")
    assert again["imported"] == 0 and again["duplicates"] == 2


def test_square_item_sales(shop: Cli, clock: Any) -> None:
    clock.move_to("2026-08-01T10:00:00+02:00")  # the export's sales are of July
    doc = shop.json("import", str(DATA / "square_items.csv"), "--format", "square")
    assert (doc["imported"], doc["refunds"], doc["rejected"]) == (2, 1, 0)
    assert points(shop, "anna@example.com") == 11 - 4  # 8.72 + 2.73 = 11.45; refund 4.36 of it
    assert points(shop, "ben@example.com") == 1049  # "$1,149.00" less $100.00


def test_sumup_sales_report_in_german(shop: Cli) -> None:
    doc = shop.json("import", str(DATA / "sumup_verkaufsbericht.csv"), "--format", "sumup")
    assert (doc["imported"], doc["anonymous"], doc["skipped"], doc["refunds"]) == (2, 2, 1, 1)
    summary = shop.json("report", "summary")
    assert summary["sales"]["anonymous"] == "1242.16"  # 7.60 + 2.50 + 1234.56 - 2.50


def test_sumup_with_a_mapped_member_column(shop: Cli, tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.toml", '[columns]\nmember = "Konto"\n')
    shop("enroll", "Café", "--email", "cafe@example.com")
    doc = shop.json("import", str(DATA / "sumup_verkaufsbericht.csv"), "--format", "sumup", "--mapping", mapping)
    assert doc["anonymous"] == 0
    assert points(shop, "cafe@example.com") == 10 + 1234 - 2


def test_map_option_names_columns(shop: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "Bon,Zeit,Kunde,Betrag\nB1,2026-05-01,anna@example.com,9.99\n")
    shop("import", path, expect=2)
    doc = shop.json(
        "import", path, "--map", "receipt=Bon", "--map", "date=Zeit", "--map", "member=Kunde", "--map", "amount=Betrag"
    )
    assert doc["imported"] == 1
    shop("import", path, "--map", "receipt=Nope", expect=2)


def test_a_receipt_named_again_further_down_is_grouped_or_refused(shop: Cli, tmp_path: Path) -> None:
    from loyaltycli.services import imports

    original = imports.BATCH_RECEIPTS
    for size, (a, b) in ((1, ("A", "B")), (1000, ("C", "D"))):  # across a batch boundary and within a batch
        rows = [
            "receipt,date,member,amount",
            f"{a},2026-05-01,anna@example.com,10.00",
            f"{b},2026-05-01,anna@example.com,1.00",
            f"{a},2026-05-01,anna@example.com,5.00",
        ]
        path = write(tmp_path, f"s{size}.csv", "\n".join(rows) + "\n")
        imports.BATCH_RECEIPTS = size
        try:
            result = shop("import", path, "--json")
        finally:
            imports.BATCH_RECEIPTS = original
        assert json.loads(result.stdout)["imported"] == 2  # A with both its lines, and B
    assert points(shop, "anna@example.com") == 32
    rows = ["receipt,date,member,amount", "E,2026-05-01,anna@example.com,10.00"]
    rows += [f"F{n},2026-05-01,anna@example.com,1.00" for n in range(3)] + ["E,2026-05-01,anna@example.com,5.00"]
    imports.BATCH_RECEIPTS = 1
    try:
        result = shop("import", write(tmp_path, "far.csv", "\n".join(rows) + "\n"), "--json", expect=1)
    finally:
        imports.BATCH_RECEIPTS = original
    assert "rows more than 1 receipts apart" in result.stderr  # further apart than two batches: said, not booked


def test_a_write_between_two_batches_is_seen_by_the_next_batch(shop: Cli, tmp_path: Path, monkeypatch: Any) -> None:
    """Members' state is kept from batch to batch only while nobody else writes: a till that blocks Ben or
    books Anna's purchase between two batches changes what the next batch books."""
    import datetime as dt
    from decimal import Decimal

    from loyaltycli.domain.receipts import Line
    from loyaltycli.services import imports
    from loyaltycli.services.members import set_blocked
    from loyaltycli.services.purchases import PurchaseRequest, purchase
    from loyaltycli.storage.database import open_database
    from loyaltycli.storage.location import resolve

    rows = ["receipt,date,member,amount"] + [
        f"R{n}{who[0]},2026-05-01,{who},10.00" for n in range(3) for who in ("anna@example.com", "ben@example.com")
    ]
    path = write(tmp_path, "sales.csv", "\n".join(rows) + "\n")
    forget, batches = imports.Importer._forget_batch, []

    def between(importer: Any) -> None:
        forget(importer)
        batches.append(1)
        if len(batches) == 2:  # after R0a, R0b: a till writes
            db = open_database(resolve(str(shop.db)))
            try:
                now = dt.datetime.now(dt.UTC)
                set_blocked(db, "ben@example.com", True, "till", now)
                purchase(db, PurchaseRequest("anna@example.com", (Line(Decimal("5.00")),), receipt_id="TILL"), now)
            finally:
                db.dispose()

    monkeypatch.setattr(imports, "BATCH_RECEIPTS", 1)
    monkeypatch.setattr(imports.Importer, "_forget_batch", between)
    result = shop("import", path, "--json", expect=1)
    summary = json.loads(result.stdout)
    assert summary["imported"] == 4 and summary["rejected"] == 2, summary  # Ben's R1b and R2b: blocked
    assert "blocked" in result.stderr
    assert points(shop, "anna@example.com") == 35


def test_the_cycles_a_batch_leaves_are_collected_not_kept_for_the_run() -> None:
    """The import freezes what survives a garbage collection; a batch's cyclic garbage (a session and its
    statements) must be collected first, or it stays for the whole run (memory grew with every batch)."""
    import gc
    import weakref

    from loyaltycli.services.batch_import import COLLECT_EVERY, _collect_between_batches

    class Node:
        other: Any = None

    with _collect_between_batches() as collect:
        node = Node()
        node.other = node  # a cycle: only the cyclic collector can free it
        gone = weakref.ref(node)
        del node
        for _batch in range(COLLECT_EVERY):
            collect()
        assert gone() is None
    assert gc.get_freeze_count() == 0


def test_a_return_in_a_file_imported_again_is_a_duplicate_not_another_amount(shop: Cli, tmp_path: Path) -> None:
    """A return is stored with the goods' amount; the file writes it negative: the same receipt, not a clash."""
    shop("import", write(tmp_path, "in.csv", "receipt,date,member,amount\nS1,2026-06-01,anna@example.com,20.00\n"))
    sales = write(tmp_path, "sales.csv", "receipt,date,member,amount\nR1,2026-06-02,anna@example.com,-5.00\n")
    first = shop.json("import", sales)
    again = shop.json("import", sales)
    assert (first["returns"], again["returns"], again["duplicates"], again["rejected"]) == (1, 0, 1, 0)
    assert points(shop, "anna@example.com") == 15


def test_a_card_number_in_the_member_column_names_its_member(shop: Cli, tmp_path: Path) -> None:
    card = shop.json("member", "show", "ben@example.com")["card"]
    doc = shop.json("import", write(tmp_path, "s.csv", f"receipt,date,member,amount\nC1,2026-06-01,{card},12.00\n"))
    assert doc["imported"] == 1 and points(shop, "ben@example.com") == 12
