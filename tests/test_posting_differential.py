"""One `post()` for one plan or thousands (issue 28): random histories of credits and debits, planned by the
domain (`allocate`, `debt_payoff`) against an in-memory picture of the lots, posted one plan per
transaction, all in one call, and in random chunks, give identical ledgers, lots, lot uses and debts, which
are also what the picture says, and pass `verify`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loyaltycli.domain.allocation import Lot, ShortOfPoints, allocate, debt_payoff, pending_on, spendable_on
from loyaltycli.storage.database import open_database
from loyaltycli.storage.invariants import check_balances, check_lots
from loyaltycli.storage.location import Location
from loyaltycli.storage.posting import Booking, Credit, Debit, post
from tests.conftest import Cli, query

PROGRAM = '[program]\nname = "P"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'
TODAY = dt.date(2026, 6, 15)
MEMBERS = (1, 2, 3)

OPERATION = st.one_of(
    st.tuples(
        st.just("credit"),
        st.sampled_from(MEMBERS),
        st.integers(1, 80),
        st.sampled_from([-30, 0, 1]) | st.integers(-200, 20),  # available from today + this many days
        st.none() | st.sampled_from([-1, 0, 1]) | st.integers(-30, 400),  # expires today + this many days
    ),
    st.tuples(st.just("spend"), st.sampled_from(MEMBERS), st.integers(1, 120), st.just(0), st.none()),
    st.tuples(st.just("refund"), st.sampled_from(MEMBERS), st.integers(1, 150), st.just(0), st.none()),
    st.tuples(st.just("expire"), st.sampled_from(MEMBERS), st.just(0), st.just(0), st.none()),
)


class Picture:
    """The lots and debts as the plans leave them: what post() must write."""

    def __init__(self) -> None:
        self.lots: dict[int, list[Lot]] = {m: [] for m in MEMBERS}
        self.debt = dict.fromkeys(MEMBERS, 0)
        self.next_lot = 1

    def plan(self, operation: tuple[Any, ...], booking: Booking) -> Credit | Debit | None:
        kind, member, points, available, expires = operation
        if kind == "credit":
            payoff = debt_payoff(self.debt[member], points)
            self.debt[member] -= payoff
            until = None if expires is None else TODAY + dt.timedelta(days=max(expires, min(available + 1, 0)))
            lot = Lot(self.next_lot, points - payoff, TODAY + dt.timedelta(days=available), until)
            self.next_lot += 1
            self.lots[member].append(lot)
            return Credit(member, "adjust", points, booking, lot.available_on, lot.expires_on, payoff)
        if kind == "expire":
            due = [lot for lot in self.lots[member] if lot.remaining and lot.expires_on and lot.expires_on <= TODAY]
            if not due:
                return None
            self._take(member, tuple((lot.pk, lot.remaining) for lot in due))
            return Debit(member, "expire", sum(lot.remaining for lot in due), booking, self._last_uses)
        try:
            policy, into_debt = ("fifo", False) if kind == "spend" else ("pending_first", True)
            taken = allocate(self.lots[member], points, TODAY, policy, into_debt=into_debt)
        except ShortOfPoints:
            return None
        self._take(member, taken.uses)
        self.debt[member] += taken.debt
        return Debit(member, "redeem" if kind == "spend" else "refund", points, booking, taken.uses, taken.debt)

    def _take(self, member: int, uses: tuple[tuple[int, int], ...]) -> None:
        took = dict(uses)
        self.lots[member] = [lot._replace(remaining=lot.remaining - took.get(lot.pk, 0)) for lot in self.lots[member]]
        self._last_uses = uses


def _database(folder: Path, name: str, program_file: Callable[..., Path]) -> Any:
    cli = Cli(folder / f"{name}.db")
    cli("init", "--program", str(program_file(PROGRAM, "p.toml")))
    for member in MEMBERS:
        cli("enroll", f"Member {member}", "--id", f"M{member}")
    return cli


def _post_in(cli: Cli, chunks: list[list[Credit | Debit]]) -> None:
    db = open_database(Location(str(cli.db)))
    try:
        for chunk in chunks:
            with db.write() as tx:
                post(tx.conn, chunk)
    finally:
        db.dispose()


def _tables(cli: Cli) -> tuple[Any, ...]:
    return (
        query(cli.db, "SELECT pk, member_pk, kind, points, ref FROM ledger_entry ORDER BY pk"),
        query(cli.db, "SELECT pk, member_pk, entry_pk, earned, available_on, expires_on, remaining FROM point_lot"),
        query(cli.db, "SELECT lot_pk, entry_pk, points FROM lot_use ORDER BY lot_pk, entry_pk, points"),
        query(cli.db, "SELECT pk, debt FROM member ORDER BY pk"),
    )


@pytest.mark.slow  # 25 random histories, three databases each: about fifteen seconds
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(OPERATION, min_size=1, max_size=40), cuts=st.lists(st.integers(1, 40), max_size=6))
@example(  # a lot expiring today (not spendable: expiry is exclusive), one usable from today, a refund into debt
    operations=[("credit", 1, 10, -30, 0), ("credit", 1, 5, 0, None), ("refund", 2, 7, 0, None)], cuts=[1]
)
def test_one_plan_at_a_time_all_at_once_and_in_chunks_write_the_same(
    tmp_path_factory: Any, program_file: Callable[..., Path], operations: list[Any], cuts: list[int]
) -> None:
    folder = tmp_path_factory.mktemp("posting")
    booking = Booking(1, "test", TODAY, dt.datetime(2026, 6, 15, 8, 0), ref="differential")
    picture = Picture()
    plans = [p for p in (picture.plan(op, booking) for op in operations) if p is not None]
    if not plans:
        return
    edges = sorted({0, len(plans), *(c for c in cuts if c < len(plans))})
    ways = {
        "one by one": [[plan] for plan in plans],
        "all at once": [plans],
        "in chunks": [plans[a:b] for a, b in zip(edges, edges[1:], strict=False)],
    }
    written = {}
    for name, chunks in ways.items():
        cli = _database(folder, name.replace(" ", "-"), program_file)
        _post_in(cli, chunks)
        written[name] = _tables(cli)
        db = open_database(Location(str(cli.db)))
        with db.read() as tx:
            assert check_balances(tx) == [] and check_lots(tx) == [], name
        db.dispose()
    assert written["one by one"] == written["all at once"] == written["in chunks"]
    entries, lots, _uses, debts = written["all at once"]
    assert sorted((lot[0], lot[6]) for lot in lots) == sorted(
        (lot.pk, lot.remaining) for m in MEMBERS for lot in picture.lots[m]
    )
    assert dict(debts) == picture.debt
    _sql_agrees_with_the_domain(folder / "all-at-once.db", picture)


def _sql_agrees_with_the_domain(path: Path, picture: Picture) -> None:
    """ "Spendable on day D", the balance and the outstanding points are rules of the domain
    (`spendable_on`, `pending_on`, less the debt); the SQL of `member show`, `member list` and `report
    liability` computes them for many members at once: on any history both give the same figures."""
    cli = Cli(path)
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC), tick=False):
        listed = {row["id"]: row["points"] for row in cli.json("member", "list")}
        outstanding = cli.json("report", "liability")["outstanding"]
        shown = {f"M{m}": cli.json("member", "show", f"M{m}")["points"] for m in MEMBERS}
    total = 0
    for member in MEMBERS:
        lots = picture.lots[member]
        available = sum(lot.remaining for lot in lots if spendable_on(lot, TODAY)) - picture.debt[member]
        pending = sum(lot.remaining for lot in lots if pending_on(lot, TODAY))
        past = sum(lot.remaining for lot in lots) - available - picture.debt[member] - pending
        assert listed[f"M{member}"] == available
        assert (shown[f"M{member}"]["available"], shown[f"M{member}"]["pending"]) == (available, pending)
        assert shown[f"M{member}"]["past_expiry"] == past
        total += available + pending
    assert outstanding == total
