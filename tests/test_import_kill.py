"""`kill -9` at any moment, then the same command again, gives exactly the database a clean import gives."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, query

PROGRAM = """\
[program]
name = "Kill Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"
exclude_categories = ["tobacco"]

[bonuses]
signup = 5

[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Silber"
threshold = "300.00"
multiplier = 1.5
"""


def sales_file(path: Path, receipts: int, members: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["receipt", "date", "member", "amount", "category"])
        for r in range(receipts):
            day = f"2025-{1 + r * 12 // receipts:02d}-{1 + r % 28:02d}T{9 + r % 10:02d}:00"
            member = f"m{rng.randrange(members):04d}@example.com"
            for _ in range(rng.randint(1, 4)):
                cents = rng.randint(50, 9000)
                writer.writerow(
                    [
                        f"K{r:05d}",
                        day,
                        member,
                        f"{cents // 100}.{cents % 100:02d}",
                        rng.choice(["food", "books", "tobacco"]),
                    ]
                )


def state(db: str) -> list[tuple[Any, ...]]:
    return query(
        db,
        "SELECT m.email, m.debt, COALESCE(SUM(e.points), 0), COUNT(e.pk) FROM member m "
        "LEFT JOIN ledger_entry e ON e.member_pk = m.pk GROUP BY m.pk, m.email, m.debt ORDER BY m.email",
    ) + query(db, "SELECT receipt_id, points, tier FROM receipt ORDER BY receipt_id")


@pytest.mark.slow
def test_killed_imports_resume_to_the_same_database(tmp_path: Path, make_db: Any, program_file: Any) -> None:
    sales = tmp_path / "sales.csv"
    sales_file(sales, receipts=12_000, members=600, seed=7)
    program = str(program_file(PROGRAM, "kill.toml"))
    clean, killed = make_db("clean"), make_db("killed")
    for db in (clean, killed):
        Cli(db)("init", "--program", program)
    env = dict(os.environ, NO_COLOR="1")
    command = [sys.executable, "-m", "loyaltycli", "--db"]
    started = time.monotonic()
    subprocess.run(
        [*command, str(clean), "import", str(sales), "--enroll-unknown"], check=True, env=env, capture_output=True
    )
    full = time.monotonic() - started
    rng = random.Random(2024)
    hits = 0
    for _ in range(20):
        proc = subprocess.Popen(
            [*command, str(killed), "import", str(sales), "--enroll-unknown"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=rng.uniform(0.3, 0.6 * full))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            hits += 1
    subprocess.run(
        [*command, str(killed), "import", str(sales), "--enroll-unknown"], check=True, env=env, capture_output=True
    )
    assert hits >= 3
    assert state(killed) == state(clean)
    for db in (clean, killed):
        assert Cli(db).json("verify")["ok"]
