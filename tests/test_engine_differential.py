"""One engine, one answer (issue 28): a random history of purchases, returns, refunds, redemptions (rewards
and points), voucher uses and cancels, awards, adjustments, merges, expiry runs and birthdays, run twice
through the installed commands: once with every purchase its own `purchase` (a batch of one), once with each
run of consecutive purchases imported as one sales file (a batch of many). Both databases must hold the same
ledger, lots, lot uses, debts, stamps, vouchers and receipts (up to keys, codes and creation times), every
command must have answered the same, and `verify` must pass on both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli, query

PROGRAM = """[program]
name = "P"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
pending_days = 3

[expiry]
policy = "fixed"
months = 2

[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Basic"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Gold"
threshold = "100.00"
multiplier = 1.5

[bonuses]
signup = 5
birthday = 25
referral_referrer = 20
referral_referee = 10
referral_min_spend = "10.00"

[redeem]
point_value = "0.01"

[[actions]]
id = "review"
points = 15
limit = "unlimited"

[[rewards]]
id = "coffee"
name = "Coffee"
points = 30
kind = "free_item"
value = "3.00"

[[stamp_cards]]
id = "coffee-card"
categories = ["coffee"]
stamps = 3
reward = "coffee"
"""
MEMBERS = ("M1", "M2", "M3")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

member = st.sampled_from(MEMBERS)
OPERATION = st.one_of(
    st.tuples(st.just("buy"), member, st.integers(1, 90), st.integers(0, 2)),
    st.tuples(st.just("buy"), member, st.integers(1, 30), st.integers(0, 3)),
    st.tuples(st.just("refund"), st.integers(0, 30), st.sampled_from([None, 300, 1000])),
    st.tuples(st.just("return"), member, st.integers(1, 40)),
    st.tuples(st.just("redeem"), member),
    st.tuples(st.just("redeem-points"), member, st.integers(1, 60)),
    st.tuples(st.just("use"), member),
    st.tuples(st.just("cancel"), member),
    st.tuples(st.just("award"), member),
    st.tuples(st.just("adjust"), member, st.integers(-40, 40).filter(bool)),
    st.tuples(st.just("merge"), member, member),
    st.tuples(st.just("days"), st.sampled_from([1, 4, 20, 45, 70])),
    st.tuples(st.just("expire")),
    st.tuples(st.just("birthdays")),
)


class Shop:
    """One database and its clock; `batched` imports runs of purchases instead of booking them one by one."""

    def __init__(self, folder: Path, batched: bool) -> None:
        self.cli = Cli(folder / ("batched.db" if batched else "one-by-one.db"))
        self.batched = batched
        self.pending: list[tuple[str, dt.datetime, str, int, int]] = []
        self.answers: list[tuple[str, int]] = []
        self.receipts: list[str] = []
        self.now = START
        self.files = 0
        self.step = 0  # names the refunds and returns alike in both databases
        self.folder = folder

    def run(self, *args: str) -> int:
        with time_machine.travel(self.now, tick=False):
            code = int(self.cli(*args, expect=None).exit_code)
        self.answers.append((args[0], code))
        return code

    def start(self, program: Path) -> None:
        self.run("init", "--program", str(program))
        for i, member_id in enumerate(MEMBERS):
            referral = ["--referred-by", MEMBERS[i - 1]] if i else []
            self.run("enroll", f"Member {i}", "--id", member_id, "--birthday", f"1990-0{3 + i}-1{i}", *referral)

    def apply(self, operation: tuple[Any, ...]) -> None:
        kind = operation[0]
        self.step += 1
        if kind == "buy":
            self.buy(*operation[1:])
            return
        self.flush()
        self.now += dt.timedelta(minutes=1)
        local = self.now.astimezone(dt.timezone(dt.timedelta(hours=1))).strftime("%Y-%m-%d")
        if kind == "refund" and self.receipts:
            receipt = self.receipts[operation[1] % len(self.receipts)]
            amount = ["--amount", f"{operation[2] / 100:.2f}"] if operation[2] else []
            self.run("refund", receipt, *amount, "--receipt", f"RF{self.step}")
        elif kind == "return":
            self.run("return", operation[1], f"{operation[2]}.00", "--receipt", f"RT{self.step}")
        elif kind == "redeem":
            self.run("redeem", operation[1], "coffee")
        elif kind == "redeem-points":
            self.run("redeem", operation[1], "--points", str(operation[2]))
        elif kind in ("use", "cancel"):
            self.voucher(kind, operation[1])
        elif kind == "award":
            self.run("award", operation[1], "review")
        elif kind == "adjust":
            self.run("adjust", operation[1], str(operation[2]), "--reason", "count")
        elif kind == "merge":
            self.run("member", "merge", operation[1], operation[2], "--yes")
        elif kind == "days":
            self.now += dt.timedelta(days=operation[1])
        elif kind in ("expire", "birthdays"):
            self.run(kind, "--as-of", local)

    def buy(self, member_id: str, euros: int, coffees: int) -> None:
        self.now += dt.timedelta(minutes=1)
        receipt = f"R{len(self.receipts)}"
        self.receipts.append(receipt)
        if self.batched:
            self.pending.append((receipt, self.now, member_id, euros, coffees))
            return
        lines = ["--line", f":food:1:{euros}.00"] + (["--line", f":coffee:{coffees}:2.50"] if coffees else [])
        self.run("purchase", member_id, "-", *lines, "--receipt", receipt, "--date", self.now.isoformat())

    def flush(self) -> None:
        """The purchases since the last other command, as one sales file (what a till exports)."""
        if not self.pending:
            return
        rows = ["receipt,date,member,amount,category,quantity"]
        for receipt, at, member_id, euros, coffees in self.pending:
            when = at.isoformat()
            rows.append(f"{receipt},{when},{member_id},{euros}.00,food,1")
            if coffees:
                rows.append(f"{receipt},{when},{member_id},{coffees * 2.5:.2f},coffee,{coffees}")
        self.files += 1
        sales = self.folder / f"sales-{self.files}.csv"
        sales.write_text("\n".join(rows) + "\n", encoding="utf-8")
        self.pending = []
        self.run("import", str(sales))
        self.answers[-1] = ("import", 0 if self.answers[-1][1] == 0 else self.answers[-1][1])

    def voucher(self, kind: str, member_id: str) -> None:
        """Use or cancel the member's newest valid voucher (a stamp-card voucher cannot be cancelled: refused)."""
        codes = query(
            self.cli.db,
            "SELECT v.code FROM voucher v JOIN member m ON m.pk = v.member_pk "
            f"WHERE m.id = '{member_id}' AND v.status = 'issued' ORDER BY v.pk DESC LIMIT 1",
        )
        if codes:
            self.run("voucher", kind, codes[0][0])

    def tables(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table the engine writes, with keys replaced by what they point to, codes and times left out."""
        db = self.cli.db
        member = "(SELECT id FROM member WHERE pk = {})"
        ref = "CASE WHEN e.kind = 'cancel' THEN 'voucher' ELSE e.ref END"  # a cancel names its voucher's code
        return {
            "entries": sorted(
                query(
                    db,
                    f"SELECT {member.format('e.member_pk')}, e.kind, e.points, e.business_date, {ref}, e.note,"
                    " r.receipt_id FROM ledger_entry e LEFT JOIN receipt r ON r.pk = e.receipt_pk",
                )
            ),
            "lots": sorted(
                query(
                    db,
                    f"SELECT {member.format('member_pk')}, earned, available_on, expires_on, remaining FROM point_lot",
                )
            ),
            "uses": sorted(
                query(
                    db,
                    f"SELECT {member.format('e.member_pk')}, e.kind, e.business_date, l.earned, l.available_on,"
                    " l.expires_on, u.points FROM lot_use u JOIN ledger_entry e ON e.pk = u.entry_pk"
                    " JOIN point_lot l ON l.pk = u.lot_pk",
                )
            ),
            "members": query(
                db,
                f"SELECT id, status, debt, last_purchase_on, {member.format('merged_into_pk')} FROM member ORDER BY id",
            ),
            "stamps": sorted(query(db, f"SELECT {member.format('member_pk')}, card_id, stamps FROM stamp_count")),
            "vouchers": sorted(
                query(
                    db,
                    f"SELECT {member.format('member_pk')}, reward_id, source, status, issued_on, valid_until,"
                    " used_receipt FROM voucher",
                )
            ),
            "receipts": sorted(
                query(
                    db,
                    f"SELECT receipt_id, kind, {member.format('member_pk')}, local_date, total_cents, eligible_cents,"
                    " points, bonus_points, tier, stamps, lines FROM receipt",
                )
            ),
        }


@pytest.mark.slow  # about two seconds per history: two databases, a command per step
# No shrinking: every try replays a history twice, and shrinking one took minutes; the failing history is
# printed whole instead. (Run with max_examples=200 before a change of the engine lands: 2 minutes.)
@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=st.lists(OPERATION, min_size=1, max_size=24))
@example(  # a refund into debt, then two purchases in one batch: the second sees the debt the first paid
    operations=[
        ("buy", "M1", 50, 0),
        ("redeem-points", "M1", 50),
        ("refund", 0, None),
        ("buy", "M1", 30, 0),
        ("buy", "M1", 40, 0),
    ]
)
@example(  # a referral, a full stamp card used, a refund into debt paid by the next purchase, a merge, an expiry
    operations=[
        ("buy", "M2", 60, 2),
        ("buy", "M2", 5, 1),
        ("use", "M2"),
        ("redeem-points", "M2", 40),
        ("refund", 0, None),
        ("buy", "M2", 30, 0),
        ("buy", "M3", 12, 0),
        ("merge", "M1", "M3"),
        ("days", 70),
        ("expire",),
        ("birthdays",),
    ]
)
@example(  # found in CI: M3 merged into M2, then M2 into M1; a sale for M3 goes to M1 either way
    operations=[("merge", "M2", "M3"), ("merge", "M1", "M2"), ("buy", "M3", 8, 1)]
)
def test_purchases_one_by_one_and_imported_in_batches_leave_the_same_books(
    tmp_path_factory: Any, program_file: Callable[..., Path], operations: list[tuple[Any, ...]]
) -> None:
    program = program_file(PROGRAM, "engine.toml")
    shops = {}
    for batched in (False, True):
        shop = Shop(tmp_path_factory.mktemp("engine"), batched)
        shop.start(program)
        for operation in operations:
            shop.apply(operation)
        shop.flush()
        assert shop.run("verify") == 0, f"verify failed ({'batched' if batched else 'one by one'})"
        shops[batched] = shop
    one_by_one, batched = shops[False], shops[True]
    assert [a for a in one_by_one.answers if a[0] != "purchase"] == [a for a in batched.answers if a[0] != "import"]
    assert all(code == 0 for command, code in one_by_one.answers if command == "purchase")
    assert all(code == 0 for command, code in batched.answers if command == "import")
    assert one_by_one.tables() == batched.tables()
