"""Real processes writing at once, on each backend: no "database is locked", no lost entry,
no balance below zero, no double spend.

SQLite serialises writers with BEGIN IMMEDIATE and a busy timeout; PostgreSQL tills lock
the member's row (SELECT ... FOR UPDATE) and expiry locks the members it empties.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASIC_PROGRAM, Cli, query

ROOT = Path(__file__).parent.parent
PROGRAM = BASIC_PROGRAM.replace("months = 24", "months = 1")
TILLS = 4


def _env() -> dict[str, str]:
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT))
    env.pop("LOYALTY_DB", None)
    return env


@pytest.fixture
def db(make_db: Any, program_file: Any) -> str:
    cli = Cli(make_db("busy"))
    cli("init", "--program", str(program_file(PROGRAM, "busy.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com", "--date", "2020-01-01")
    cli("enroll", "Ben", "--email", "ben@example.com", "--date", "2020-01-01")
    return str(cli.db)


@pytest.mark.slow
def test_four_tills_and_an_expiry_run_at_once_for_12_seconds(db: str) -> None:
    seconds = "12"  # long enough for hundreds of contended writes; the suite stays under five minutes
    worker = [sys.executable, "-m", "tests.concurrency_worker"]
    procs = [
        subprocess.Popen([*worker, "till", db, seconds, f"T{n}"], stdout=subprocess.PIPE, text=True, env=_env())
        for n in range(TILLS)
    ]
    procs.append(subprocess.Popen([*worker, "expire", db, seconds], stdout=subprocess.PIPE, text=True, env=_env()))
    results = []
    for proc in procs:
        done, refused, error = (proc.communicate(timeout=180)[0].strip() + "  ").split(" ", 2)
        assert error.strip() == "", error
        results.append((int(done), int(refused)))
    assert all(done > 5 for done, _ in results), results
    receipts = query(db, "SELECT count(*) FROM receipt")[0][0]
    redeemed = query(db, "SELECT count(*) FROM ledger_entry WHERE kind = 'redeem'")[0][0]
    tills = results[:TILLS]
    # no lost entry: every purchase and redemption a till saw succeed is in the ledger
    assert receipts + redeemed == sum(done for done, _ in tills)
    cli = Cli(db)
    for member in ("anna@example.com", "ben@example.com"):
        assert cli.json("member", "show", member)["points"]["available"] >= 0
    assert cli.json("verify")["ok"] is True


def _at_once(db: str, *args: str, copies: int = 2) -> list[tuple[int, str, str]]:
    """The same `loyalty` command started by `copies` processes at the same instant: (exit, stdout, stderr)."""
    exe = [sys.executable, "-m", "loyaltycli", "--db", db]
    start = time.time() + 1.5
    script = f"import time; time.sleep(max(0, {start} - time.time()))"
    procs = [
        subprocess.Popen(
            ["bash", "-c", f"{sys.executable} -c '{script}' && exec \"$@\"", "_", *exe, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for _ in range(copies)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]


@pytest.mark.slow
def test_two_redemptions_at_once_that_exceed_the_balance(db: str) -> None:
    cli = Cli(db)
    cli("purchase", "anna@example.com", "100.00")  # the signup bonus of 2020 has expired; the mug costs 80
    results = _at_once(db, "redeem", "anna@example.com", "mug", "--json")
    assert sorted(code for code, _, _ in results) == [0, 1], results
    assert cli.json("member", "show", "anna@example.com")["points"]["available"] == 20
    winner = next(json.loads(out) for code, out, _ in results if code == 0)
    assert winner["balance"] == 20
    assert cli.json("verify")["ok"] is True


@pytest.mark.slow
def test_two_tills_using_one_voucher_at_once_exactly_one_succeeds(db: str) -> None:
    cli = Cli(db)
    cli("purchase", "anna@example.com", "100.00")
    code = cli.json("redeem", "anna@example.com", "mug")["voucher"]
    results = _at_once(db, "voucher", "use", code, copies=4)
    assert sorted(rc for rc, _, _ in results) == [0, 1, 1, 1], results
    assert cli.json("voucher", "show", code)["status"] == "used"
    assert query(db, "SELECT count(*) FROM voucher_use") == [(1,)]
    assert cli.json("verify")["ok"] is True


@pytest.mark.slow
def test_a_till_retrying_redeem_with_its_key_at_once_spends_once(db: str) -> None:
    cli = Cli(db)
    cli("purchase", "anna@example.com", "200.00")
    results = _at_once(db, "redeem", "anna@example.com", "mug", "--key", "till-7", "--json", copies=3)
    assert [rc for rc, _, _ in results] == [0, 0, 0], results
    vouchers = {json.loads(out)["voucher"] for _, out, _ in results}
    assert len(vouchers) == 1
    assert cli.json("member", "show", "anna@example.com")["points"]["available"] == 200 - 80
    assert cli.json("verify")["ok"] is True
