"""Returns without a receipt (SPEC §2) and real exports as they are (SPEC §4): unit prices, date orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from loyaltycli.domain.points import return_points
from loyaltycli.domain.program import parse_program
from loyaltycli.domain.receipts import Line
from loyaltycli.importers.values import ValueProblem, line_amount, parse_unit_price, parse_when
from tests.conftest import BASIC_PROGRAM, Cli, write

PROGRAM = (
    '[program]\nname = "T"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'
    '[earn]\npoints_per_unit = 1\nrounding = "{rounding}"\nmin_spend = "50.00"\nexclude_categories = ["tobacco"]\n'
    "[earn.category_rates]\nbooks = 2\n"
    '[[campaigns]]\nid = "always"\nstarts = 2020-01-01\nmultiplier = 3\nbonus_points = 100\n'
    '[tiers]\nbasis = "spend"\nwindow_months = 12\n'
    '[[tiers.levels]]\nname = "Base"\nthreshold = "0"\nmultiplier = 1\n'
    '[[tiers.levels]]\nname = "Gold"\nthreshold = "100.00"\nmultiplier = 1.5\n'
)


@pytest.mark.parametrize(
    ("rounding", "tier", "lines", "points"),
    [
        ("floor", None, [("10.50", "")], 10),  # no minimum spend, no campaign, no bonus
        ("floor", None, [("10.50", "books")], 21),  # category rate
        ("floor", None, [("10.00", "tobacco"), ("5.00", "")], 5),  # exclusions
        ("floor", "Gold", [("10.50", "")], 15),  # 15.75 with the tier multiplier, floored
        ("ceil", "Gold", [("10.50", "")], 16),  # rounding applies to the positive value
        ("round", None, [("10.50", "")], 11),
    ],
)
def test_worked_examples_of_what_a_return_takes_back(
    rounding: str, tier: str | None, lines: list[tuple[str, str]], points: int
) -> None:
    program = parse_program(PROGRAM.format(rounding=rounding), "p.toml")
    level = next((t for t in program.tiers.levels if t.name == tier), None) if program.tiers and tier else None
    goods = tuple(Line(Decimal(amount), category) for amount, category in lines)
    assert return_points(program, goods, level)[0] == points


def test_a_return_takes_pending_points_first_then_makes_a_debt(make_db: Any, program_file: Any, clock: Any) -> None:
    text = BASIC_PROGRAM.replace("[bonuses]\nsignup = 50", "[earn]\npending_days = 14\n\n[bonuses]\nsignup = 0")
    cli = Cli(make_db("returns"))
    cli(
        "init",
        "--program",
        str(program_file(text.replace('[earn]\npoints_per_unit = 1\nrounding = "floor"\n', ""), "r.toml")),
    )
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "30.00", "--date", "2026-05-01")  # available
    cli("purchase", "anna@example.com", "20.00")  # pending until 2026-06-29
    done = cli.json("return", "anna@example.com", "25.00", "--receipt", "RET-1")
    assert (done["points_reversed"], done["balance"]) == (25, 25)  # 20 pending, then 5 of the available
    shown = cli.json("member", "show", "anna@example.com")["points"]
    assert (shown["available"], shown["pending"]) == (25, 0)
    assert cli.json("return", "anna@example.com", "25.00", "--receipt", "RET-1")["repeated"] is True
    assert "other data" in cli("return", "anna@example.com", "26.00", "--receipt", "RET-1", expect=1).stderr
    debt = cli.json("return", "anna@example.com", "-40.00")  # a till writes it negative
    assert (debt["points_reversed"], debt["balance"]) == (40, -15)
    assert cli.json("verify")["ok"] is True
    summary = cli.json("report", "summary")
    assert summary["sales"]["members"] == "-15.00"  # 50.00 bought, 65.00 brought back


def test_a_till_cancellation_in_an_export_is_a_return(cli: Cli, tmp_path: Path) -> None:
    sales = write(
        tmp_path / "till.csv",
        "receipt,date,member,amount,category\n"
        "A1,2026-06-01,anna@example.com,30.00,\nA1,2026-06-01,anna@example.com,10.00,books\n"
        "C536379,2026-06-02,anna@example.com,-10.00,books\nZ1,2026-06-03,,-5.00,\n",
    )
    doc = cli.json("import", str(sales), "--enroll-unknown")
    assert (doc["imported"], doc["returns"], doc["rejected"], doc["points_reversed"]) == (1, 2, 0, 10)
    assert cli.json("member", "show", "anna@example.com")["points"]["available"] == 50 + 40 - 10


ONLINE_RETAIL = """InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/10 8:26,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/10 8:26,3.39,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,12/1/10 8:28,1.85,17850.0,United Kingdom
C536379,D,Discount,-1,12/1/10 9:41,27.5,17850.0,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/10 8:34,1.69,,United Kingdom
536368,22960,JAM MAKING SET WITH JARS,6,12/1/10 8:34,4.25,13047.0,United Kingdom
"""


def test_an_online_retail_export_as_it_is(cli: Cli, tmp_path: Path) -> None:
    """The UCI Online Retail layout: quantity x unit price, US dates with two-digit years, C-prefixed
    cancellations that name no original invoice, customer numbers as ids, anonymous rows."""
    sales = write(tmp_path / "online_retail.csv", ONLINE_RETAIL)
    maps = ["receipt=InvoiceNo", "date=InvoiceDate", "member=CustomerID", "unit_price=UnitPrice", "sku=StockCode"]
    args = [arg for m in maps for arg in ("--map", m)]
    doc = cli.json("import", str(sales), *args, "--map", "quantity=Quantity", "--date-order", "mdy", "--enroll-unknown")
    assert (doc["imported"], doc["returns"], doc["anonymous"], doc["enrolled"], doc["rejected"]) == (4, 1, 1, 2, 0)
    statement = cli.json("statement", "17850.0")
    assert [e["date"] for e in statement["entries"]] == ["2010-12-01"] * 4
    assert [e["points"] for e in statement["entries"]] == [50, 35, 11, -27]  # 15.30 + 20.34, 11.10, -27.50
    assert cli.json("report", "summary")["sales"]["anonymous"] == "54.08"  # 32 x 1.69


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("12/1/10 8:26", "mdy", dt.datetime(2010, 12, 1, 8, 26)),
        ("12/1/10 8:26", "dmy", dt.datetime(2010, 1, 12, 8, 26)),
        ("10/12/01", "ymd", dt.datetime(2010, 12, 1, 12, 0)),
        ("01.12.69", "dmy", dt.datetime(2069, 12, 1, 12, 0)),
        ("01.12.70", "dmy", dt.datetime(1970, 12, 1, 12, 0)),
        ("2010/12/01 20:26", "mdy", dt.datetime(2010, 12, 1, 20, 26)),  # a four-digit year first: always y-m-d
        ("12/1/2010 8:26 PM", "mdy", dt.datetime(2010, 12, 1, 20, 26)),
        ("12/1/2010 12:05 AM", "mdy", dt.datetime(2010, 12, 1, 0, 5)),
        ("17.04.2026, 12:32", "dmy", dt.datetime(2026, 4, 17, 12, 32)),
    ],
)
def test_dates_in_the_order_of_the_export(text: str, order: str, expected: dt.datetime) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Berlin")
    assert parse_when(text, zone, None, order) == expected.replace(tzinfo=zone)


@pytest.mark.parametrize("text", ["31/12/10", "13/13/10", "12/1/10 13:00 PM", "1/2/345"])
def test_dates_that_cannot_be_read_in_that_order(text: str) -> None:
    from zoneinfo import ZoneInfo

    with pytest.raises(ValueProblem):
        parse_when(text, ZoneInfo("Europe/Berlin"), None, "mdy")


def test_unit_prices_and_line_amounts() -> None:
    assert parse_unit_price("0.0425", None) == Decimal("0.0425")
    assert line_amount(Decimal("0.0425"), Decimal(6)) == Decimal("0.26")  # 0.255 rounds half up
    assert line_amount(Decimal("27.5"), Decimal(-1)) == Decimal("-27.50")
    with pytest.raises(ValueProblem):
        parse_unit_price("0.00001", None)
    with pytest.raises(ValueProblem):
        line_amount(Decimal("99999999.99"), Decimal(2))


def test_a_bad_date_order_is_bad_usage(cli: Cli, tmp_path: Path) -> None:
    sales = write(tmp_path / "s.csv", "receipt,date,amount\nA,2026-06-01,1.00\n")
    assert "--date-order" in cli("import", str(sales), "--date-order", "dym", expect=2).stderr
