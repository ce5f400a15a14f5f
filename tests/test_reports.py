"""Reports (SPEC §5) on a small dataset whose figures are computed by hand, HTML output, safe CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

PROGRAM = """\
[program]
name = "Report Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"

[[campaigns]]
id = "spring"
name = "Spring double"
starts = 2026-04-01
ends = 2026-04-30
multiplier = 2

[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Gold"
threshold = "200.00"
multiplier = 1

[expiry]
policy = "fixed"
months = 12
at_period_end = "month"

[redeem]
min_balance = 0
point_value = "0.05"

[[rewards]]
id = "mug"
points = 100
kind = "free_item"
value = "8.00"
"""


@pytest.fixture
def shop(make_db: Any, tmp_path: Path, program_file: Any, clock: Any) -> Cli:
    """Hand-computed: Anna 150 (Mar) + 2 x 60 (Apr, campaign) = 270 issued to her; Ben 40 (Mar);
    anonymous 30 (Apr); Anna redeems 100 (the mug)."""
    cli = Cli(make_db("r"))
    cli("init", "--program", str(program_file(PROGRAM, "r.toml")))
    cli(
        "enroll",
        "Anna",
        "--email",
        "anna@example.com",
        "--date",
        "2026-03-01",
        "--marketing",
        "--birthday",
        "1990-06-20",
    )
    cli(
        "enroll",
        "=cmd|' /C calc'!A0",
        "--email",
        "ben@example.com",
        "--date",
        "2026-03-01",
        "--referred-by",
        "anna@example.com",
    )
    cli("purchase", "anna@example.com", "150.00", "--date", "2026-03-10")
    cli("purchase", "ben@example.com", "40.00", "--date", "2026-03-11")
    cli("purchase", "anna@example.com", "60.00", "--date", "2026-04-05")
    via_import = tmp_path / "anon.csv"
    via_import.write_text("receipt,date,member,amount\nX1,2026-04-06,,30.00\n")
    cli("import", str(via_import))
    cli("redeem", "anna@example.com", "mug", "--date", "2026-04-07")
    return cli


def test_summary_figures(shop: Cli) -> None:
    doc = shop.json("report", "summary")
    assert doc["points"]["issued"] == 150 + 40 + 120
    assert doc["points"]["redeemed"] == 100 and doc["points"]["outstanding"] == 210
    assert doc["liability"] == "10.50"
    assert doc["sales"] == {"members": "250.00", "anonymous": "30.00"}
    assert doc["average_receipt"] == {"members": "83.33", "anonymous": "30.00"}
    assert doc["repeat_rate"] == "0.5000" and doc["redemption_rate"] == "0.3226"


def test_liability_by_month_due(shop: Cli) -> None:
    doc = shop.json("report", "liability")
    # March lots: expire 2027-03-10/11 -> pushed to 2027-04-01; April lots -> 2027-05-01
    assert doc["outstanding"] == 210 and doc["value"] == "10.50"
    assert [(d["month"], d["points"], d["value"]) for d in doc["due"]] == [
        ("2027-04", 90, "4.50"),
        ("2027-05", 120, "6.00"),
    ]


def test_tiers_campaigns_monthly_members(shop: Cli) -> None:
    tiers = {t["name"]: t["members"] for t in shop.json("report", "tiers")["tiers"]}
    assert tiers == {"Bronze": 1, "Gold": 1}
    campaigns = shop.json("report", "campaigns")["campaigns"]
    assert campaigns == [
        {
            "id": "spring",
            "name": "Spring double",
            "starts": "2026-04-01",
            "ends": "2026-04-30",
            "when": "2026-04-01 to 2026-04-30",
            "receipts": 2,
            "revenue": "90.00",
            "extra_points": 60,
        }
    ]  # anonymous sales earn no points
    months = shop.json("report", "monthly")["months"]
    assert [(m["month"], m["issued"], m["redeemed"], m["revenue"]) for m in months] == [
        ("2026-03", 190, 0, "190.00"),
        ("2026-04", 120, 100, "90.00"),
    ]
    members = shop.json("report", "members", "--top", "1")
    assert members["spenders"] == [{"id": "M000001", "name": "Anna", "revenue": "210.00", "receipts": 2}]
    assert members["senders"] == [{"id": "M000001", "name": "Anna", "referrals": 1}]
    assert shop.json("report", "monthly", "--from", "2026-04-01")["months"][0]["month"] == "2026-04"


def test_monthly_bar_chart_in_the_terminal(shop: Cli) -> None:
    out = shop("report", "monthly").stdout
    assert "2026-03" in out and "█" in out


class Checker(HTMLParser):
    """Well-formedness: every opened element is closed in order (void elements aside)."""

    VOID = {"meta", "br", "img", "hr", "input", "link", "rect", "line"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_valid_self_contained_and_has_the_figures(shop: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    shop("report", "--html", str(path))
    html = path.read_text(encoding="utf-8")
    checker = Checker()
    checker.feed(html)
    assert checker.errors == [] and checker.stack == []
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    text = " ".join(checker.text)
    for figure in ("310", "210", "€10.50", "2026-03", "Spring double", "Gold"):
        assert figure in text


def test_statement_html_shows_expiry_and_next_reward(shop: Cli, tmp_path: Path) -> None:
    path = tmp_path / "statement.html"
    shop("statement", "anna@example.com", "--html", str(path))
    html = path.read_text(encoding="utf-8")
    checker = Checker()
    checker.feed(html)
    assert checker.errors == []
    assert "Your next rewards" in html and "Mug" in html or "mug" in html
    assert "welcome bonus" not in html and "purchase" in html


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
def test_html_report_renders_in_chromium(shop: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    shot = tmp_path / "shot.png"
    shop("report", "--html", str(path))
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1000,1400",
            path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.exists()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert not_blank(data)


def not_blank(png: bytes) -> bool:
    """A PNG of one flat colour compresses to almost nothing; a rendered page does not."""
    import zlib

    chunks, pos = [], 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks.append(png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    return len(set(raw[i] for i in range(0, len(raw), 97))) > 4


def test_lists_for_mailing_honour_consent(shop: Cli, clock: Any) -> None:
    rows = list(
        csv.DictReader(io.StringIO(shop("member", "list", "--birthday-month", "6", "--marketing", "--csv").stdout))
    )
    assert [r["email"] for r in rows] == ["anna@example.com"]
    assert shop.json("member", "list", "--marketing", "--tier", "Gold")[0]["email"] == "anna@example.com"
    assert shop.json("member", "list", "--tier", "Bronze", "--marketing") == []
    clock.move_to("2027-03-20T10:00:00+01:00")
    expiring = shop.json("member", "list", "--expiring", "30")
    assert {(m["email"], m["expiring_points"], m["expiring_on"]) for m in expiring} == {
        ("anna@example.com", 50, "2027-04-01"),
        ("ben@example.com", 40, "2027-04-01"),
    }
    lapsed = shop.json("member", "list", "--lapsed", "360")
    assert [m["email"] for m in lapsed] == ["ben@example.com"]


def test_csv_exports_never_start_a_formula(shop: Cli) -> None:
    out = shop("member", "list", "--csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    names = [r[1] for r in rows[1:]]
    assert names == ["Anna", "'=cmd|' /C calc'!A0"]
    statement = list(csv.reader(io.StringIO(shop("statement", "anna@example.com", "--csv").stdout)))
    assert statement[3][2] == "-100"  # numbers stay numbers
    members = shop("report", "members", "--csv").stdout
    assert "'=cmd" in members and "\n=cmd" not in members and ",=cmd" not in members
    doc = json.loads(shop("member", "list", "--json").stdout)
    assert doc[1]["name"].startswith("=")  # JSON is data, not a spreadsheet: unchanged


def test_reports_are_typed_values_whose_json_keeps_the_spec_names() -> None:
    """Every report is a frozen dataclass; `as_json()` is what --json prints, a period as {"from", "to"}."""
    import dataclasses
    import datetime as dt

    from loyaltycli.services.reports import Month, MonthlyReport, Period, TierReport

    report = MonthlyReport(Period(dt.date(2026, 1, 1), None), "EUR", [Month("2026-01", 5, 1, 0, "12.50")])
    assert dataclasses.is_dataclass(report)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.currency = "USD"  # type: ignore[misc]
    assert report.as_json() == {
        "period": {"from": dt.date(2026, 1, 1), "to": None},
        "currency": "EUR",
        "months": [{"month": "2026-01", "issued": 5, "redeemed": 1, "expired": 0, "revenue": "12.50"}],
    }
    assert list(TierReport(None, "EUR", None, [], 3).as_json()) == [
        "basis",
        "currency",
        "window_months",
        "tiers",
        "no_tier",
    ]
