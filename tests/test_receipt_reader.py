"""The first half of `import` on its own: a sales file read into receipts, with no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from loyaltycli.importers.csvfile import inspect_file
from loyaltycli.importers.formats import column_map
from loyaltycli.importers.receipts import Draft, ReadSettings, ReceiptReader

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = dt.date(2026, 12, 1)


def read(tmp_path: Path, text: str, fmt: str = "generic", size: int = 100, **settings: object) -> list[list[Draft]]:
    path = tmp_path / "sales.csv"
    path.write_text(text, encoding="utf-8")
    sales = inspect_file(str(path), None)
    columns = column_map(fmt, sales.header, {}, str(path))
    reader = ReceiptReader(sales, columns, ReadSettings(BERLIN, TODAY, **settings))  # type: ignore[arg-type]
    return list(reader.batches(size))


def only(batches: list[list[Draft]]) -> list[Draft]:
    return [draft for batch in batches for draft in batch]


def test_adjacent_rows_make_one_receipt_with_its_lines(tmp_path: Path) -> None:
    drafts = only(
        read(
            tmp_path,
            "receipt,date,member,amount,category,sku,quantity\n"
            "R1,2025-03-01T10:15,a@x.de,12.50,coffee,C1,2\n"
            "R1,2025-03-01T10:15,a@x.de,-1.00,,,\n"
            "R2,2025-03-02,,3.00,books,,\n",
        )
    )
    assert [d.receipt_id for d in drafts] == ["R1", "R2"]
    first, second = drafts
    assert first.problem is None and first.kind == "purchase" and first.member_ref == "a@x.de"
    assert [(line.amount, line.category, line.sku, line.quantity) for line in first.lines] == [
        (Decimal("12.50"), "coffee", "C1", Decimal(2)),
        (Decimal("-1.00"), "", None, Decimal(1)),
    ]
    assert first.when == dt.datetime(2025, 3, 1, 10, 15, tzinfo=BERLIN)
    assert [r.number for r in first.records] == [2, 3]
    assert second.when == dt.datetime(2025, 3, 2, 12, 0, tzinfo=BERLIN)  # a bare date is noon
    assert second.member_ref == ""


def test_a_bad_cell_rejects_its_receipt_naming_the_row(tmp_path: Path) -> None:
    drafts = only(
        read(
            tmp_path,
            "receipt,date,amount\nR1,2025-03-01,1.00\nR1,2025-03-01,1e5\nR2,,2.00\nR3,2027-01-01,2.00\n,2025-03-01,1.00\n",
        )
    )
    problems = {d.receipt_id: d.problem for d in drafts}
    assert problems["R1"] is not None and problems["R1"][0] == 3 and "1e5" in problems["R1"][1]
    assert problems["R2"] == (4, "the date is empty")
    assert problems["R3"] is not None and problems["R3"][0] == 5 and "after today" in problems["R3"][1]
    assert problems[""] == (6, "the row has no receipt id")


def test_rows_of_a_receipt_are_grouped_wherever_they_stand_nearby(tmp_path: Path) -> None:
    """Receipt T-1009: coffee in row 2, pretzel in row 4 (issue 27): one receipt with both lines."""
    text = "receipt,date,amount\nR1,2025-03-01,1.00\nR2,2025-03-01,2.00\nR1,2025-03-01,3.00\n"
    drafts = only(read(tmp_path, text))
    assert [(d.receipt_id, [line.amount for line in d.lines]) for d in drafts] == [
        ("R1", [Decimal("1.00"), Decimal("3.00")]),
        ("R2", [Decimal("2.00")]),
    ]
    assert all(d.problem is None for d in drafts)
    # Also across a batch boundary: the batch before is held back until the next one is read.
    batches = list(read(tmp_path, text, size=1))
    assert [[d.receipt_id for d in batch] for batch in batches] == [["R1"], ["R2"]]
    assert [line.amount for line in batches[0][0].lines] == [Decimal("1.00"), Decimal("3.00")]
    # Further away than that, the database recognises the id booked by this run (services/imports.py).
    far = "receipt,date,amount\nR1,2025-03-01,1.00\nR2,2025-03-01,2.00\nR3,2025-03-01,2.00\nR1,2025-03-01,3.00\n"
    assert [[d.receipt_id for d in batch] for batch in read(tmp_path, far, size=1)] == [["R1"], ["R2"], ["R3"], ["R1"]]


def test_refunds_and_sales_do_not_mix(tmp_path: Path) -> None:
    drafts = only(
        read(
            tmp_path,
            "receipt,date,amount,refund_of\nR9,2025-03-01,4.00,R1\nR9,2025-03-01,1.50,R1\nR8,2025-03-01,1,\nR8,2025-03-01,1,R1\n",
        )
    )
    refund, mixed = drafts
    assert refund.kind == "refund" and refund.refund_of == "R1" and refund.refund_amount == Decimal("5.50")
    assert mixed.problem == (4, "a receipt cannot mix sales and refunds")  # its first row


def test_unit_price_times_quantity_and_short_rows(tmp_path: Path) -> None:
    drafts = only(
        read(
            tmp_path,
            "receipt,date,unit_price,quantity,category\nR1,2025-03-01,0.335,3,food\nR1,2025-03-01,2.00\n",
        )
    )
    (draft,) = drafts
    assert draft.problem is None
    assert [line.amount for line in draft.lines] == [Decimal("1.01"), Decimal("2.00")]


def test_decimal_comma_and_day_first_dates(tmp_path: Path) -> None:
    (draft,) = only(
        read(
            tmp_path,
            "receipt;date;amount\nR1;03.04.2025 09:30;1.234,50\n",
            decimal_comma=True,
        )
    )
    assert draft.when == dt.datetime(2025, 4, 3, 9, 30, tzinfo=BERLIN)
    assert draft.lines[0].amount == Decimal("1234.50")


def test_a_preset_skips_and_counts_rows(tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text(
        "Name,Created at,Email,Financial Status,Lineitem quantity,Lineitem price,Cancelled at\n"
        "#1001,2025-03-01 10:00:00 +0100,a@x.de,paid,2,5.00,\n"
        "#1002,2025-03-01 11:00:00 +0100,b@x.de,paid,1,5.00,2025-03-02 10:00:00 +0100\n",
        encoding="utf-8",
    )
    sales = inspect_file(str(path), None)
    reader = ReceiptReader(sales, column_map("shopify", sales.header, {}, str(path)), ReadSettings(BERLIN, TODAY))
    drafts = [d for batch in reader.batches(10) for d in batch]
    assert [d.receipt_id for d in drafts] == ["#1001"]
    assert drafts[0].lines[0].amount == Decimal("10.00")
    assert (reader.counts.rows, reader.counts.skipped) == (2, 1)
