"""PostgreSQL against SQLite (PostgreSQL issue targets), in one run:
  import of a 200,000-line sales file: at most 1.5x the SQLite import;
  `purchase` latency: at most 1.5x SQLite's;
  throughput of 4 concurrent tills (purchases per second, all together): at least 2x one till's.
Needs a server: LOYALTY_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from _common import env, loyalty, report, timed
from import_bench import PROGRAM, write_sales

SERVER = os.environ.get("LOYALTY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
TILL = """
import datetime as dt, sys, time
from decimal import Decimal
from loyaltycli.services import purchases
from loyaltycli.storage.database import open_database
from loyaltycli.storage.location import Location
db = open_database(Location(sys.argv[1]))
member, seconds, n = sys.argv[2], float(sys.argv[3]), 0
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    n += 1
    lines = purchases.one_line(Decimal("9.99"), "food", None)
    purchases.purchase(db, purchases.PurchaseRequest(member, lines, receipt_id=f"{member}-{n}"),
                       dt.datetime.now(dt.UTC))
print(n)
"""


def schema(name: str) -> str:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    return f"{SERVER}{'&' if '?' in SERVER else '?'}options=-csearch_path%3D{name}"


def drop(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def run(target: str, *args: str) -> None:
    subprocess.run([*loyalty(), "--db", target, *args], check=True, capture_output=True, env=env())


def throughput(target: str, tills: int, seconds: float = 10) -> float:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TILL, target, f"m{n}@example.com", str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
            env=env(),
        )
        for n in range(tills)
    ]
    return sum(int(p.communicate()[0]) for p in procs) / seconds


def main() -> None:
    names = [f"bench_{uuid.uuid4().hex[:8]}" for _ in range(3)]
    try:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            program = tmp / "program.toml"
            program.write_text(PROGRAM)
            sales = tmp / "sales.csv"
            write_sales(sales, 200_000)
            lite, pg = str(tmp / "lite.db"), schema(names[0])
            for target in (lite, pg):
                run(target, "init", "--program", str(program))
            import time

            times = {}
            for label, target in (("SQLite", lite), ("PostgreSQL", pg)):
                started = time.perf_counter()
                run(target, "import", str(sales), "--enroll-unknown")
                times[label] = time.perf_counter() - started
            report("import 200,000 lines, SQLite", times["SQLite"])
            report("import 200,000 lines, PostgreSQL (goal <= 1.5x)", times["PostgreSQL"], times["SQLite"], 1.5)
            base = timed([*loyalty(), "--db", lite, "purchase", "m000001@example.com", "12.50"], runs=7)
            pg_time = timed([*loyalty(), "--db", pg, "purchase", "m000001@example.com", "12.50"], runs=7)
            report("purchase, SQLite", base)
            report("purchase, PostgreSQL (goal <= 1.5x)", pg_time, base, 1.5)
            tills = schema(names[1])
            run(tills, "init", "--program", str(program))
            for n in range(4):
                run(tills, "enroll", f"Till customer {n}", "--email", f"m{n}@example.com")
            one = throughput(tills, 1)
            four = throughput(tills, 4)
            print(f"{'1 till, purchases per second':<48} {one:8.1f}")
            print(f"{'4 tills, purchases per second (goal >= 2x)':<48} {four:8.1f}   {four / one:5.2f}x")
    finally:
        for name in names:
            drop(name)


if __name__ == "__main__":
    main()
