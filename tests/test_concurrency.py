"""Real processes writing at once: no "database is locked", no lost entry, no double spend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASIC_PROGRAM, Cli

ROOT = Path(__file__).parent.parent
PROGRAM = BASIC_PROGRAM.replace("months = 24", "months = 1")


def _env() -> dict[str, str]:
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT))
    env.pop("LOYALTY_DB", None)
    return env


@pytest.fixture
def db(tmp_path: Path, program_file: Any) -> Path:
    cli = Cli(tmp_path / "busy.db")
    cli("init", "--program", str(program_file(PROGRAM, "busy.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com", "--date", "2020-01-01")
    cli("enroll", "Ben", "--email", "ben@example.com", "--date", "2020-01-01")
    return cli.db


@pytest.mark.slow
def test_two_tills_and_an_expiry_run_for_20_seconds(db: Path) -> None:
    seconds = "20"
    worker = [sys.executable, "-m", "tests.concurrency_worker"]
    procs = [
        subprocess.Popen([*worker, "purchases", str(db), seconds, "A"], stdout=subprocess.PIPE, text=True, env=_env()),
        subprocess.Popen([*worker, "purchases", str(db), seconds, "B"], stdout=subprocess.PIPE, text=True, env=_env()),
        subprocess.Popen([*worker, "expire", str(db), seconds], stdout=subprocess.PIPE, text=True, env=_env()),
    ]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    counts = []
    for out in outputs:
        done, _, first_error = out.partition(" ")
        assert first_error == "", out
        counts.append(int(done))
    assert counts[0] > 10 and counts[1] > 10 and counts[2] > 5
    cli = Cli(db)
    receipts = cli.json("report", "summary")["receipts"]["members"]
    assert receipts == counts[0] + counts[1]  # no lost entry
    assert cli.json("verify")["ok"] is True


@pytest.mark.slow
def test_two_redemptions_at_once_that_exceed_the_balance(db: Path) -> None:
    cli = Cli(db)
    cli("purchase", "anna@example.com", "100.00")  # the signup bonus of 2020 has expired; the mug costs 80
    exe = [sys.executable, "-m", "loyaltycli", "--db", str(db)]
    start = time.time() + 1.5
    script = f"import time; time.sleep(max(0, {start} - time.time()))"
    procs = [
        subprocess.Popen(
            [
                "bash",
                "-c",
                f"{sys.executable} -c '{script}' && exec \"$@\"",
                "_",
                *exe,
                "redeem",
                "anna@example.com",
                "mug",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    results = [(p.returncode, out) for p, out in zip(procs, outputs, strict=True)]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    assert cli.json("member", "show", "anna@example.com")["points"]["available"] == 20
    winner = next(json.loads(out) for code, out in results if code == 0)
    assert winner["balance"] == 20
    assert cli.json("verify")["ok"] is True
