"""Hypothesis state machine: random sequences of commands keep every invariant of SPEC §6.

The services are called directly (no CLI) with an explicit clock that moves
forward by random steps, so expiry, pending points and birthdays all happen.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from loyaltycli.domain.program import parse_program
from loyaltycli.errors import LoyaltyError
from loyaltycli.services import jobs, members, purchases, redemptions, refunds, returns, verify
from loyaltycli.services.programs import apply_program, init_database
from loyaltycli.storage.database import open_database
from loyaltycli.storage.location import Location

PROGRAM = """\
[program]
name = "Property Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = {rate}
rounding = "floor"
pending_days = 3
exclude_categories = ["tobacco"]

[expiry]
policy = "fixed"
months = 2

[bonuses]
signup = 10
birthday = 15
referral_referrer = 20
referral_referee = 5

[redeem]
min_balance = 0
point_value = "0.01"
voucher_days = 30

[[rewards]]
id = "small"
points = 25
kind = "free_item"
value = "2.00"
"""

START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.now = START
        self.members: list[str] = []
        self.receipts: list[str] = []
        self.vouchers: list[tuple[str, str]] = []  # (member, code)
        self.counter = 0

    @initialize()
    def create(self) -> None:
        path = Path(self.tmp.name) / "program.toml"
        path.write_text(PROGRAM.format(rate=1))
        location = Location(str(Path(self.tmp.name) / "p.db"))
        init_database(location, str(path), False, self.now)
        self.db = open_database(location)

    def teardown(self) -> None:
        self.db.dispose()
        self.tmp.cleanup()

    def attempt(self, action):  # type: ignore[no-untyped-def]
        try:
            return action()
        except LoyaltyError:
            return None

    @rule(days=st.integers(min_value=0, max_value=40))
    def time_passes(self, days: int) -> None:
        self.now += dt.timedelta(days=days, hours=1)

    @rule(
        birthday=st.one_of(st.none(), st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2005, 12, 31))),
        referred=st.booleans(),
    )
    def enroll(self, birthday: dt.date | None, referred: bool) -> None:
        referrer = self.members[0] if referred and self.members else None
        view = members.enroll(
            self.db, members.EnrollRequest(f"M{len(self.members)}", birthday=birthday, referred_by=referrer), self.now
        )
        self.members.append(view.id)

    @precondition(lambda self: self.members)
    @rule(index=st.integers(min_value=0), cents=st.integers(min_value=1, max_value=20000), tobacco=st.booleans())
    def purchase(self, index: int, cents: int, tobacco: bool) -> None:
        member = self.members[index % len(self.members)]
        self.counter += 1
        receipt = f"R{self.counter}"
        lines = purchases.one_line(Decimal(cents) / 100, "tobacco" if tobacco else "food", None)
        result = self.attempt(
            lambda: purchases.purchase(self.db, purchases.PurchaseRequest(member, lines, receipt_id=receipt), self.now)
        )
        if result is not None:
            self.receipts.append(receipt)

    @precondition(lambda self: self.receipts)
    @rule(index=st.integers(min_value=0), cents=st.one_of(st.none(), st.integers(min_value=1, max_value=20000)))
    def refund(self, index: int, cents: int | None) -> None:
        receipt = self.receipts[index % len(self.receipts)]
        amount = Decimal(cents) / 100 if cents is not None else None
        self.attempt(lambda: refunds.refund(self.db, refunds.RefundRequest(receipt, amount), self.now))

    @precondition(lambda self: self.members)
    @rule(index=st.integers(min_value=0), cents=st.integers(min_value=1, max_value=20000))
    def goods_returned(self, index: int, cents: int) -> None:
        member = self.members[index % len(self.members)]
        before = members.show_member(self.db, member, self.now).balances
        request = returns.ReturnRequest(member, purchases.one_line(Decimal(cents) / 100, "food", None))
        result = returns.record_return(self.db, request, self.now)
        after = members.show_member(self.db, member, self.now).balances
        assert after.available + after.pending == before.available + before.pending - result.points_reversed

    @precondition(lambda self: self.members)
    @rule(index=st.integers(min_value=0), points=st.one_of(st.none(), st.integers(min_value=1, max_value=200)))
    def redeem(self, index: int, points: int | None) -> None:
        member = self.members[index % len(self.members)]
        before = members.show_member(self.db, member, self.now).balances.available
        if points is None:
            result = self.attempt(lambda: redemptions.redeem_reward(self.db, member, "small", None, self.now))
            spent = 25
        else:
            result = self.attempt(lambda: redemptions.redeem_points(self.db, member, points, None, self.now))
            spent = points
        after = members.show_member(self.db, member, self.now).balances.available
        if result is None:
            assert after == before and (before < spent or before < 0)
        else:
            assert after == before - spent >= 0
            if result.voucher:
                self.vouchers.append((member, result.voucher))

    @precondition(lambda self: self.vouchers)
    @rule(index=st.integers(min_value=0))
    def cancel_voucher(self, index: int) -> None:
        member, code = self.vouchers[index % len(self.vouchers)]
        before = members.show_member(self.db, member, self.now).balances.available
        result = self.attempt(lambda: redemptions.cancel_voucher(self.db, code, self.now))
        after = members.show_member(self.db, member, self.now).balances.available
        if result is None:
            assert after == before
            return
        assert 0 <= result.points <= 25 and after == before + result.points
        assert self.attempt(lambda: redemptions.cancel_voucher(self.db, code, self.now)) is None  # only once

    @precondition(lambda self: self.members)
    @rule(index=st.integers(min_value=0), points=st.integers(min_value=-100, max_value=100).filter(bool))
    def adjust(self, index: int, points: int) -> None:
        member = self.members[index % len(self.members)]
        before = members.show_member(self.db, member, self.now).balances.available
        result = self.attempt(lambda: redemptions.adjust(self.db, member, points, "property test", self.now))
        if points < 0 and before + points < 0:
            assert result is None

    @rule()
    def expire(self) -> None:
        first = jobs.expire(self.db, None, False, self.now)
        again = jobs.expire(self.db, None, False, self.now)
        assert again.points == 0 and again.members == 0
        assert first.points >= 0

    @rule()
    def birthdays(self) -> None:
        jobs.birthdays(self.db, None, False, self.now)
        assert jobs.birthdays(self.db, None, False, self.now).points == 0

    @rule(rate=st.sampled_from([1, 2, 3]))
    def programme_change(self, rate: int) -> None:
        path = Path(self.tmp.name) / f"v{rate}.toml"
        path.write_text(PROGRAM.format(rate=rate))
        parse_program(path.read_text(), str(path))
        apply_program(self.db, str(path), None, self.now)

    @invariant()
    def ledger_is_consistent(self) -> None:
        if not hasattr(self, "db"):
            return
        result = verify.verify(self.db, self.now)
        assert result.ok, result.problems

    @invariant()
    def nobody_below_zero_except_through_refunds(self) -> None:
        if not hasattr(self, "db"):
            return
        for member in self.members:
            view = members.show_member(self.db, member, self.now)
            b = view.balances
            exported = members.export_member(self.db, member, self.now)
            # SPEC §6.1, computed independently: the balance the lots give is the sum of the ledger's entries.
            assert b.available + b.pending + b.past_expiry == sum(e["points"] for e in exported.ledger)
            if b.available < 0:
                assert any(e["kind"] == "refund" for e in exported.ledger)


LedgerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLedgerProperties = pytest.mark.slow(LedgerMachine.TestCase)  # 25 random histories: about ten seconds
