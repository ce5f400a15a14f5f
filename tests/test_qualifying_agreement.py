"""The qualifying total of the tier window is computed three ways: in Python over the history the planner
keeps (`MemberState.qualifying`, what `purchase` and `import` decide a tier by), in SQL for one member
(`member show`), and in SQL for every member at once (`member list`, `report tiers`). On random histories of
purchases, partial and full refunds and returns, across the window's edge, all three agree (issue 28)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyaltycli.domain.program import parse_program
from loyaltycli.domain.tiers import window_start
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import open_database
from loyaltycli.storage.listing import qualifying_totals
from loyaltycli.storage.location import Location
from loyaltycli.storage.state import load_state
from tests.conftest import Cli

PROGRAM = """\
[program]
name = "Tiers"
currency = "EUR"
timezone = "Europe/Berlin"

[tiers]
basis = "{basis}"
window_months = 3
levels = [ {{ name = "Base", threshold = "0" }}, {{ name = "Gold", threshold = "200" }} ]
"""
TODAY = dt.date(2026, 6, 15)
EVENT = st.tuples(
    st.sampled_from(["purchase", "refund", "full refund", "return"]),
    st.sampled_from(["M1", "M2"]),
    st.integers(1, 120),  # days before today
    st.integers(100, 9000),  # cents
)


@pytest.mark.slow  # 15 random histories on a database each: about ten seconds
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(EVENT, min_size=1, max_size=14), basis=st.sampled_from(["spend", "points"]))
def test_python_and_both_sqls_give_the_same_qualifying_total(
    tmp_path_factory: Any, program_file: Callable[..., Path], events: list[Any], basis: str
) -> None:
    folder = tmp_path_factory.mktemp("qualifying")
    cli = Cli(folder / "q.db")
    text = PROGRAM.format(basis=basis)
    with time_machine.travel(dt.datetime(2025, 12, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        cli("init", "--program", str(program_file(text, "tiers.toml")))
        for member in ("M1", "M2"):
            cli("enroll", member, "--id", member)
    purchases: list[str] = []
    for n, (kind, member, days_before, cents) in enumerate(sorted(events, key=lambda e: -e[2])):
        day = TODAY - dt.timedelta(days=days_before)
        at = dt.datetime.combine(day, dt.time(10, n % 60), tzinfo=dt.UTC)
        amount = f"{cents // 100}.{cents % 100:02d}"
        with time_machine.travel(at, tick=False):
            if kind == "purchase" or not purchases and kind != "return":
                cli("purchase", member, amount, "--receipt", f"P{n}")
                purchases.append(f"P{n}")
            elif kind == "return":
                cli("return", member, amount)
            else:
                args = ["refund", purchases[n % len(purchases)]]
                cli(*args, *([] if kind == "full refund" else ["--amount", "1.00"]), expect=None)
    tiers = parse_program(text, "tiers.toml").tiers
    assert tiers is not None
    since = window_start(tiers, TODAY)
    db = open_database(Location(str(cli.db)))
    try:
        with db.read() as tx:
            everyone = qualifying_totals(tx, tiers, TODAY)
            for member_id in ("M1", "M2"):
                member = lookup.resolve(tx, member_id, None)
                one = lookup.qualifying_total(tx, member.pk or 0, tiers.basis, since)
                state = load_state(tx, member, since)
                cents = state.qualifying(tiers.basis, since, dt.datetime(2100, 1, 1))
                planned = Decimal(cents) / 100 if tiers.basis == "spend" else Decimal(cents)
                assert one == planned == everyone.get(member.pk or 0, Decimal(0)), member_id
    finally:
        db.dispose()
