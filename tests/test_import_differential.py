"""Differential property test (issue 13): random sequences of purchases, returns, refunds, redemptions and expiry
runs, under a programme that changes on a day in the middle, give the same ledger, lots, receipts and balances
whether the receipts are booked one command at a time or through `import` in small batches (which keeps members'
state from batch to batch); redemptions and expiry runs are commands either way, between the imports."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyaltycli.domain.receipts import Line
from loyaltycli.errors import LoyaltyError
from loyaltycli.services import imports, jobs, members, purchases, redemptions, refunds, returns
from loyaltycli.services.programs import apply_program, init_database
from loyaltycli.storage.database import Database, open_database
from loyaltycli.storage.location import Location
from tests.conftest import query

PROGRAM = """\
[program]
name = "Differential Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = {rate}
rounding = "floor"
pending_days = 2
exclude_categories = ["tobacco"]

[earn.category_rates]
books = 2

[expiry]
policy = "fixed"
months = 6

[bonuses]
signup = 0

[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Silber"
threshold = "150.00"
multiplier = 1.5

[[stamp_cards]]
id = "coffee-card"
categories = ["coffee"]
stamps = 4
reward = "coffee"

[redeem]
point_value = "0.01"

[[rewards]]
id = "coffee"
points = 1000
kind = "free_item"
value = "3.00"
"""

MEMBERS = ("anna@example.com", "ben@example.com", "cleo@example.com")
START = dt.date(2026, 1, 5)
NOW = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
CHANGE = dt.date(2026, 3, 1)  # version 2 (rate 2) takes effect

line = st.tuples(
    st.sampled_from(["food", "books", "coffee", "tobacco", ""]),
    st.integers(min_value=1, max_value=9000),  # cents
    st.integers(min_value=1, max_value=3),  # quantity
)
event = st.one_of(
    st.tuples(st.just("purchase"), st.sampled_from(MEMBERS), st.lists(line, min_size=1, max_size=3)),
    st.tuples(st.just("return"), st.sampled_from(MEMBERS), st.lists(line, min_size=1, max_size=2)),
    st.tuples(st.just("refund"), st.integers(min_value=0, max_value=50), st.sampled_from([None, 25, 50, 100])),
    st.tuples(st.just("redeem"), st.sampled_from(MEMBERS), st.integers(min_value=1, max_value=300)),
    st.tuples(st.just("expire")),
)


_TEMPLATE: list[Path] = []


def shop(folder: Path, name: str) -> Database:
    """A copy of one database made once per run (the programme in two versions, three members)."""
    if not _TEMPLATE:
        home = Path(tempfile.mkdtemp())
        build(home, "template.db").dispose()
        _TEMPLATE.append(home / "template.db")
    shutil.copy(_TEMPLATE[0], folder / name)
    return open_database(Location(str(folder / name), False))


def build(folder: Path, name: str) -> Database:
    location = Location(str(folder / name), False)
    program_file = folder / "program.toml"
    program_file.write_text(PROGRAM.format(rate=1), encoding="utf-8")
    init_database(location, str(program_file), False, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    db = open_database(location)
    changed = folder / "program-v2.toml"
    changed.write_text(PROGRAM.format(rate=2), encoding="utf-8")
    apply_program(db, str(changed), CHANGE, dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    for n, email in enumerate(MEMBERS):
        request = members.EnrollRequest(name=f"Member {n}", email=email, date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        members.enroll(db, request, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return db


def schedule(events: list[Any], gaps: list[int]) -> list[dict[str, Any]]:
    """The events as receipts with ids and increasing instants; a refund names an earlier purchase."""
    receipts: list[dict[str, Any]] = []
    refunded: dict[str, Decimal] = {}
    when = dt.datetime.combine(START, dt.time(9, 0), tzinfo=dt.UTC)
    for n, (item, gap) in enumerate(zip(events, gaps, strict=True)):
        when += dt.timedelta(hours=gap)
        receipt_id = f"R{n:03d}"
        if item[0] == "refund":
            bought = [r for r in receipts if r["kind"] == "purchase"]
            if not bought:
                continue
            original = bought[item[1] % len(bought)]
            total = Decimal(sum(cents * qty for _c, cents, qty in original["lines"])) / 100
            left = total - refunded.get(original["id"], Decimal(0))
            # None: "the rest", as `refund RECEIPT` without --amount; the import's row names that amount
            share = left if item[2] in (None, 100) else (total * item[2] // 100 / 100).quantize(Decimal("0.01"))
            if share <= 0 or share > left:
                continue
            refunded[original["id"]] = refunded.get(original["id"], Decimal(0)) + share
            amount = None if item[2] in (None, 100) else share
            receipts.append(
                {
                    "kind": "refund",
                    "id": receipt_id,
                    "when": when,
                    "of": original["id"],
                    "amount": amount,
                    "rows": share,
                }
            )
            continue
        if item[0] == "redeem":
            receipts.append({"kind": "redeem", "id": receipt_id, "when": when, "member": item[1], "points": item[2]})
            continue
        if item[0] == "expire":
            receipts.append({"kind": "expire", "id": receipt_id, "when": when})
            continue
        kind, member, lines = item
        receipts.append({"kind": kind, "id": receipt_id, "when": when, "member": member, "lines": lines})
    return receipts


def goods(lines: list[tuple[str, int, int]]) -> tuple[Line, ...]:
    return tuple(Line(Decimal(cents * qty) / 100, category, None, Decimal(qty)) for category, cents, qty in lines)


COMMANDS = ("redeem", "expire")  # run as commands on both sides, between the imports


def command(db: Database, r: dict[str, Any]) -> None:
    try:
        if r["kind"] == "redeem":
            redemptions.redeem_points(db, r["member"], r["points"], r["when"], NOW)
        else:
            jobs.expire(db, r["when"].date(), False, NOW)
    except LoyaltyError:
        pass  # too few points: refused the same way on both sides


def one_at_a_time(db: Database, receipts: list[dict[str, Any]]) -> None:
    for r in receipts:
        if r["kind"] in COMMANDS:
            command(db, r)
            continue
        try:
            if r["kind"] == "purchase":
                request = purchases.PurchaseRequest(r["member"], goods(r["lines"]), r["when"], r["id"])
                purchases.purchase(db, request, NOW)
            elif r["kind"] == "return":
                returns.record_return(
                    db, returns.ReturnRequest(r["member"], goods(r["lines"]), r["when"], r["id"]), NOW
                )
            else:
                refunds.refund(db, refunds.RefundRequest(r["of"], r["amount"], r["id"], r["when"]), NOW)
        except LoyaltyError:
            pass  # refused one at a time: the import rejects the same receipt


def through_import(db: Database, receipts: list[dict[str, Any]], folder: Path) -> None:
    """The receipts between two commands go into one file, imported in batches of three."""
    segment: list[dict[str, Any]] = []
    for r in receipts:
        if r["kind"] in COMMANDS:
            import_file(db, segment, folder)
            command(db, r)
            segment = []
        else:
            segment.append(r)
    import_file(db, segment, folder)


def import_file(db: Database, receipts: list[dict[str, Any]], folder: Path) -> None:
    if not receipts:
        return
    path = folder / "sales.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["receipt", "date", "member", "amount", "category", "quantity", "refund_of"])
        for r in receipts:
            stamp = r["when"].isoformat(timespec="minutes")
            if r["kind"] == "refund":
                out.writerow([r["id"], stamp, "", f"{r['rows']:.2f}", "", "1", r["of"]])
                continue
            sign = -1 if r["kind"] == "return" else 1
            for category, cents, qty in r["lines"]:
                amount = Decimal(sign * cents * qty) / 100
                out.writerow([r["id"], stamp, r["member"], f"{amount:.2f}", category, str(qty), ""])
    original = imports.BATCH_RECEIPTS
    imports.BATCH_RECEIPTS = 3
    try:
        imports.import_sales(db, imports.ImportOptions(str(path)), NOW)
    except LoyaltyError:
        pass
    finally:
        imports.BATCH_RECEIPTS = original


def snapshot(path: Path) -> list[Any]:
    return [
        query(
            path,
            "SELECT m.id, e.kind, e.points, e.business_date, e.ref FROM ledger_entry e "
            "JOIN member m ON m.pk = e.member_pk ORDER BY m.id, e.business_date, e.kind, e.points",
        ),
        query(
            path,
            "SELECT m.id, l.earned, l.remaining, l.available_on, l.expires_on FROM point_lot l "
            "JOIN member m ON m.pk = l.member_pk ORDER BY m.id, l.available_on, l.earned, l.remaining",
        ),
        query(
            path,
            "SELECT r.receipt_id, r.kind, r.total_cents, r.eligible_cents, r.points, r.tier, r.stamps "
            "FROM receipt r ORDER BY r.receipt_id",
        ),
        query(path, "SELECT m.id, m.debt, m.last_purchase_on FROM member m ORDER BY m.id"),
        query(
            path,
            "SELECT m.id, s.card_id, s.stamps FROM stamp_count s JOIN member m ON m.pk = s.member_pk "
            "WHERE s.stamps > 0 ORDER BY m.id",
        ),
        query(
            path, "SELECT m.id, v.reward_id, v.status FROM voucher v JOIN member m ON m.pk = v.member_pk ORDER BY m.id"
        ),
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(event, min_size=1, max_size=14).flatmap(
        lambda events: st.tuples(
            st.just(events), st.lists(st.integers(0, 400), min_size=len(events), max_size=len(events))
        )
    )
)
def test_one_command_at_a_time_and_import_in_batches_book_the_same(case: tuple[list[Any], list[int]]) -> None:
    events, gaps = case
    receipts = schedule(events, gaps)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        single, batched = shop(folder, "single.db"), shop(folder, "batched.db")
        try:
            one_at_a_time(single, receipts)
            through_import(batched, receipts, folder)
        finally:
            single.dispose()
            batched.dispose()
        assert snapshot(folder / "single.db") == snapshot(folder / "batched.db")
