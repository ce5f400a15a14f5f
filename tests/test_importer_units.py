"""The importers' pieces with worked examples and no database: files, encodings and delimiters, the presets'
columns and row adapters, `--map`/`--mapping`, `--receipt-key`, customer lists' cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from loyaltycli.errors import BadInputError
from loyaltycli.importers import csvfile, customers, files, formats
from loyaltycli.importers.values import ValueProblem, parse_amount, parse_quantity


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> str:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return str(path)


@pytest.mark.parametrize(
    ("encoding", "newline", "delimiter", "bom"),
    [
        ("utf-8", "\n", ",", False),
        ("utf-8-sig", "\r\n", ";", True),
        ("cp1252", "\r\n", ";", False),
        ("utf-16", "\n", "\t", False),
    ],
)
def test_a_file_is_inspected_for_encoding_delimiter_and_line_ends(
    tmp_path: Path, encoding: str, newline: str, delimiter: str, bom: bool
) -> None:
    text = delimiter.join(["Beleg", "Datum", "Betrag", "Kundin"]) + "\n" + delimiter.join(["1", "x", "2.50", "Jörg"])
    path = write(tmp_path / "sales.csv", text + "\n", encoding, newline)
    found = csvfile.inspect_file(path)
    assert found.delimiter == delimiter and found.header == ["Beleg", "Datum", "Betrag", "Kundin"]
    assert found.line_end == newline and found.bom is bom
    ((number, cells),) = list(csvfile.rows(found))
    assert number == 2 and cells[3] == "Jörg"


def test_an_empty_or_binary_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match=r"empty\.csv: the file is empty"):
        csvfile.inspect_file(write(tmp_path / "empty.csv", "\n\n"))
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(BadInputError, match="photo.csv"):
        csvfile.inspect_file(str(tmp_path / "photo.csv"))


def test_read_text_names_the_file_and_what_is_wrong(tmp_path: Path) -> None:
    assert files.read_text(write(tmp_path / "m.toml", "\ufeffa = 1\n")) == "a = 1\n"
    with pytest.raises(BadInputError, match="no such mapping file"):
        files.read_text(str(tmp_path / "missing.toml"), "mapping file")
    with pytest.raises(BadInputError, match="is a folder"):
        files.read_text(str(tmp_path))
    (tmp_path / "latin.toml").write_bytes("a = 'Müller'".encode("cp1252"))
    with pytest.raises(BadInputError, match=r"not UTF-8 text \(byte 6\)"):
        files.read_text(str(tmp_path / "latin.toml"))


def test_the_rejects_file_is_written_as_the_input_was(tmp_path: Path) -> None:
    source = csvfile.SalesFile(str(tmp_path / "in.csv"), "cp1252", ";", ["Beleg", "Betrag"], "\r\n", False)
    handle, writer = files.open_rejects(str(tmp_path / "rejects.csv"), source)
    writer.writerow(["7", "2,50", "Größe → zu groß"])
    handle.close()
    assert (tmp_path / "rejects.csv").read_bytes() == "Beleg;Betrag;reason\r\n7;2,50;Größe ? zu groß\r\n".encode(
        "cp1252"
    )
    with pytest.raises(BadInputError, match="cannot be written"):
        files.open_rejects(str(tmp_path / "no" / "such" / "folder.csv"), source)


def test_columns_are_found_by_name_in_any_case_and_order() -> None:
    columns = formats.column_map("generic", ["AMOUNT", "member", "Date", "receipt"], {}, "s.csv")
    assert columns.index == {"receipt": 3, "date": 2, "member": 1, "amount": 0}
    row = columns.row(2, ["12.50", "anna@example.com", "2026-06-01", "R1"])
    assert row.fields == {"receipt": "R1", "date": "2026-06-01", "member": "anna@example.com", "amount": "12.50"}
    picker = columns.picker()
    assert picker is not None and picker(["1", "m", "d", "r"]) == ("r", "d", "m", "1")
    assert columns.row(3, ["12.50"]).fields["receipt"] == ""  # a short row is read, and found wanting later


def test_a_missing_required_column_or_unknown_format_is_named() -> None:
    with pytest.raises(BadInputError, match=r"s\.csv: the header row has no column for receipt"):
        formats.column_map("generic", ["date", "amount"], {}, "s.csv")
    with pytest.raises(BadInputError, match="'lightspeed' is not one of generic, shopify, square, sumup"):
        formats.column_map("lightspeed", ["x"], {}, "s.csv")
    with pytest.raises(BadInputError, match="has no column 'Bon'"):
        formats.column_map("generic", ["receipt", "date", "amount"], {"receipt": "Bon"}, "s.csv")


def test_overrides_from_map_and_a_mapping_file(tmp_path: Path) -> None:
    mapping = write(tmp_path / "map.toml", '[columns]\nreceipt = "Bon-Nr"\ndate = "Datum"\n')
    assert formats.parse_overrides(["Amount = Summe"], mapping) == {
        "receipt": "Bon-Nr",
        "date": "Datum",
        "amount": "Summe",
    }
    with pytest.raises(BadInputError, match=r"--map: 'amount' is not FIELD=COLUMN"):
        formats.parse_overrides(["amount"], None)
    with pytest.raises(BadInputError, match=r"--map: 'price' is not a field"):
        formats.parse_overrides(["price=Preis"], None)
    with pytest.raises(BadInputError, match="invalid TOML"):
        formats.parse_overrides([], write(tmp_path / "bad.toml", "receipt = \n"))
    with pytest.raises(BadInputError, match="must name a column as a string"):
        formats.parse_overrides([], write(tmp_path / "num.toml", "receipt = 3\n"))


def test_receipt_keys() -> None:
    assert formats.parse_receipt_key(None) == () and formats.parse_receipt_key("id") == ()
    assert formats.parse_receipt_key("Till + closing") == ("till", "closing")
    with pytest.raises(BadInputError, match="--receipt-key: 'day\\+day'"):
        formats.parse_receipt_key("day+day")
    with pytest.raises(BadInputError, match="--receipt-key: 'shift'"):
        formats.parse_receipt_key("shift")
    columns = formats.column_map("generic", ["receipt", "date", "amount", "till"], {}, "s.csv")
    formats.check_receipt_key(("day", "till"), columns, "s.csv")
    with pytest.raises(BadInputError, match="no closing column"):
        formats.check_receipt_key(("closing",), columns, "s.csv")


SHOPIFY_HEADER = [
    "Name",
    "Email",
    "Created at",
    "Lineitem quantity",
    "Lineitem price",
    "Lineitem sku",
    "Discount Amount",
    "Refunded Amount",
    "Phone",
    "Financial Status",
    "Cancelled at",
]


def test_shopify_rows_times_quantity_discounts_and_refunds() -> None:
    columns = formats.column_map("shopify", SHOPIFY_HEADER, {}, "orders.csv")
    when = "2026-06-01 10:00:00 +0200"
    first = columns.row(2, ["#1001", "anna@example.com", when, "2", "3.50", "TEA", "1.00", "", "", "paid", ""])
    assert first.kind == "line" and first.get("member") == "anna@example.com"
    assert first.get("amount") == "7.00" and first.discount == "1.00"
    refunded = columns.row(3, ["#1002", "", when, "1", "9.00", "", "", "9.00", "+491701234567", "refunded", ""])
    assert refunded.refund_amount == "9.00" and refunded.get("member") == "+491701234567"
    cancelled = columns.row(4, ["#1003", "", when, "1", "9.00", "", "", "", "", "voided", when])
    assert cancelled.kind == "skip" and cancelled.skip_reason == "the order was cancelled"


def test_sumup_skips_shift_changes_and_reads_refunds() -> None:
    header = ["Transaktions-ID", "Datum", "Betrag inkl. MwSt.", "Beschreibung", "Zahlungsart", "Typ"]
    columns = formats.column_map("sumup", header, {"receipt": "Transaktions-ID", "amount": "Betrag inkl. MwSt."}, "s")
    shift = columns.row(2, ["T1", "01.06.2026", "0", "Schichtwechsel", "", "Verkauf"])
    assert shift.kind == "skip" and shift.skip_reason == "a shift change, not a sale"
    refund = columns.row(3, ["T2", "01.06.2026", "-5,00", "Kaffee", "", "Rückerstattung"])
    assert refund.kind == "refund" and refund.get("refund_of") == "T2" and refund.get("receipt") == "T2~refund"


def test_customer_columns_in_german_and_english() -> None:
    header = ["Kunden-Nr.", "Vorname", "Nachname", "E-Mail", "Handy", "Geburtstag", "Newsletter", "Punkte", "PLZ"]
    index = customers.customer_columns("generic", header, {}, "kunden.csv")
    assert index == {
        "first_name": 1,
        "last_name": 2,
        "id": 0,
        "email": 3,
        "phone": 4,
        "birthday": 5,
        "marketing": 6,
        "points": 7,
    }
    assert customers.unread_columns(header, index) == ["PLZ"]
    cells = ["K7", " Jörg ", "Müller", "j@example.com", "0170 1234567", "03.04.1980", "ja", "1.250", "10115"]
    customer = customers.read_customer(2, cells, index, "dmy", None)
    assert (customer.name, customer.member_id, customer.birthday) == ("Jörg Müller", "K7", dt.date(1980, 4, 3))
    assert customer.marketing is True and customer.points == 1250 and customer.spend == Decimal(0)


def test_customer_lists_without_a_name_or_with_an_unknown_preset_are_refused() -> None:
    with pytest.raises(BadInputError, match="no column for the name"):
        customers.customer_columns("generic", ["email"], {}, "k.csv")
    with pytest.raises(BadInputError, match="'square' is not one of generic, shopify"):
        customers.customer_columns("square", ["name"], {}, "k.csv")
    with pytest.raises(BadInputError, match="has no column 'Nom'"):
        customers.customer_columns("generic", ["name"], {"name": "Nom"}, "k.csv")


@pytest.mark.parametrize(
    ("field", "cell", "problem"),
    [
        ("name", "", "the name is empty"),
        ("name", "Bob\x1b[2J", "control character"),
        ("marketing", "vielleicht", "is not yes or no"),
        ("points", "-5", "whole number"),
        ("points", "12.5", "whole number"),
        ("points", "20.000.000", "more than 10,000,000"),
        ("birthday", "32.13.1980", "birthday '32.13.1980' is not a date"),
        ("birthday", "2026-02-30", "is not a date"),
        ("spend", "-3,00", "negative"),
    ],
)
def test_a_customer_cell_that_cannot_be_read_names_its_field(field: str, cell: str, problem: str) -> None:
    index = {"name": 0} if field == "name" else {"name": 0, field: 1}
    cells = [cell] if field == "name" else ["Anna", cell]
    with pytest.raises(ValueProblem, match=problem):
        customers.read_customer(2, cells, index, "dmy", True)


def test_customer_dates_amounts_and_empty_cells() -> None:
    index = {"name": 0, "enrolled": 1, "spend": 2, "points_date": 3, "expires": 4, "referred_by": 5, "marketing": 6}
    found = customers.read_customer(2, ["Anna", "2024-01-31", "1.234,50", "", "31/12/2027", "", ""], index, "dmy", True)
    assert found.enrolled == dt.date(2024, 1, 31) and found.spend == Decimal("1234.50")
    assert found.points_date is None and found.expires == dt.date(2027, 12, 31)
    assert found.referred_by is None and found.marketing is False


@pytest.mark.parametrize(
    ("text", "comma", "amount"),
    [
        ("12.50", None, "12.50"),
        ("12,50", None, "12.50"),
        ("1.234,56", None, "1234.56"),
        ("1,234.56", None, "1234.56"),
        ("€ 3,00", True, "3.00"),
        ("(4.00)", None, "-4.00"),
        ("-0,99 EUR", None, "-0.99"),
    ],
)
def test_amounts_as_people_and_tills_write_them(text: str, comma: bool | None, amount: str) -> None:
    assert parse_amount(text, comma) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3,4,5", "12.345", "100000000.00"])
def test_amounts_that_are_not_or_are_too_large(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_amount(text, False)


def test_quantities() -> None:
    assert parse_quantity("2", None) == Decimal(2)
    assert parse_quantity("0,5", True) == Decimal("0.5")
    assert parse_quantity("", None) == Decimal(1)
    assert parse_quantity("-1", None, signed=True) == Decimal(-1)
    assert parse_quantity("-2", None) == Decimal(2)  # a sale's quantity, written with the till's sign
    for bad in ("0", "many", "1e3", "200000"):
        with pytest.raises(ValueProblem):
            parse_quantity(bad, None)


DSFINVK = Path(__file__).parent / "data" / "dsfinvk"


def test_a_dsfinvk_export_is_joined_item_by_item_with_its_header(tmp_path: Path) -> None:
    from loyaltycli.importers.dsfinvk import JOINED, joined

    with joined(str(DSFINVK)) as path:
        found = csvfile.inspect_file(path)
        table = [cells for _number, cells in csvfile.rows(found)]
    assert found.header == list(JOINED) and found.delimiter == ";" and found.line_end == "\r\n"
    assert len(table) == 9  # one row per item of lines.csv, in its order
    first = dict(zip(JOINED, table[0], strict=True))
    assert (first["BON_ID"], first["MENGE"], first["STK_BR"], first["KUNDE_ID"]) == (
        "1001",
        "2,000",
        "3,20000",
        "M000001",
    )
    assert (first["BON_TYP"], first["BON_ENDE"], first["UMS_BRUTTO"]) == ("Beleg", "2026-06-01T10:00:00", "1.255,40")
    assert not Path(path).exists()  # the temporary table is gone afterwards
    archive = tmp_path / "e.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(DSFINVK / "transactions.csv", "x/TRANSACTIONS.CSV")
        zf.write(DSFINVK / "lines.csv", "x/lines.csv")
    with joined(str(archive)) as path:
        assert len(list(csvfile.rows(csvfile.inspect_file(path)))) == 9


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p / "missing", "no such DSFinV-K export"),
        (lambda p: Path(write(p / "x.txt", "hello")), "a folder or a zip file"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "has no transactions.csv"),
    ],
)
def test_what_is_not_a_dsfinvk_export_is_named(tmp_path: Path, make: Any, says: str) -> None:
    from loyaltycli.importers.dsfinvk import joined

    with pytest.raises(BadInputError, match=says), joined(str(make(tmp_path))):
        pass


def test_the_dsfinvk_preset_reads_sales_voids_tips_and_other_receipts() -> None:
    from loyaltycli.importers.dsfinvk import JOINED

    columns = formats.column_map("dsfinvk", list(JOINED), {}, "export")

    def row(**values: str) -> formats.Row:
        base = dict.fromkeys(JOINED, "") | {"BON_TYP": "Beleg", "GV_TYP": "Umsatz", "MENGE": "1,000"}
        base |= values
        return columns.row(2, [base[c] for c in JOINED])

    sale = row(BON_ID="1", BON_ENDE="2026-06-01T10:00:00", STK_BR="1.249,00000", MENGE="2,000", WARENGR="Geräte")
    assert (sale.kind, sale.get("unit_price"), sale.get("quantity"), sale.get("category")) == (
        "line",
        "1249.00000",
        "2.000",
        "Geräte",
    )
    void = row(BON_ID="1", STK_BR="2,00000", P_STORNO="1")
    assert void.get("quantity") == "-1.000"  # a voided line takes the goods back
    storno = row(BON_ID="2", STK_BR="-3,20000", BON_STORNO="1")
    assert storno.get("quantity") == "1.000" and storno.get("unit_price") == "-3.20000"  # already negative
    assert row(BON_TYP="AVTraining").kind == "skip"
    assert row(GV_TYP="TrinkgeldAN").kind == "skip"
    assert row(GV_TYP="Pfand", STK_BR="0,25").get("category") == "deposit"
    assert row(GV_TYP="MehrzweckgutscheinKauf", STK_BR="20,00").get("category") == "gift-card"
    assert row(BON_START="2026-06-01T09:00:00").get("date") == "2026-06-01T09:00:00"
    assert row(WARENGR_ID="40").get("category") == "40"
    assert row(STK_BR="2.50000", MENGE="5.000").get("unit_price") == "2.50000"  # a decimal point
    with pytest.raises(ValueProblem, match="not in transactions.csv"):
        row(BON_TYP="", BON_ID="9")


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("Cappuccino Kd-Nr. 4711", "4711"),
        ("M000123 Espresso", "M000123"),
        ("Karte 2000000000015", "2000000000015"),
        ("2000000000016 Espresso", ""),
        ("Customer Anna", ""),
    ],
)
def test_a_member_typed_into_a_description(text: str, member: str) -> None:
    assert formats.member_in_text(text) == member


def test_sumup_rows_take_the_member_from_the_description() -> None:
    header = ["Transaktionsnummer", "Datum", "Preis (brutto)", "Beschreibung", "Typ"]
    columns = formats.column_map("sumup", header, {}, "s.csv")
    assert columns.row(2, ["T1", "01.06.2026", "3,80", "Tee Kd-Nr. M000002", "Verkauf"]).get("member") == "M000002"
    assert columns.row(3, ["T2", "01.06.2026", "3,80", "Tee", "Verkauf"]).get("member") == ""


def test_sales_exports_and_customer_lists_match_columns_alike() -> None:
    """One matcher (issue 28): case, spaces and punctuation are ignored for both kinds of file."""
    from loyaltycli.importers.columns import header_key

    assert header_key(" Kunden-Nr. ") == header_key("kundennr") == "kundennr"
    sales = formats.column_map("generic", ["Receipt", "DATE", "Amount ", "Unit-Price", "Member"], {}, "s.csv")
    assert (sales.index["receipt"], sales.index["unit_price"], sales.index["member"]) == (0, 3, 4)
    shopify = formats.column_map("shopify", ["name", "created_at", "lineitem_price", "E-mail"], {}, "o.csv")
    assert (shopify.index["receipt"], shopify.index["date"], shopify.index["member"]) == (0, 1, 3)
    customers_index = customers.customer_columns("generic", ["E_Mail", "Full name"], {}, "k.csv")
    assert customers_index == {"name": 1, "email": 0}
