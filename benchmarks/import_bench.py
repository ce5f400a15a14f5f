"""`loyalty import` against the floor no importer can beat (import issue targets).

A generated sales file of LINES lines (default 1,000,000: 300,000 receipts, 100,000 members,
5 categories of which one is excluded, a campaign week, tiers), and in the same run:
  (a) `loyalty import FILE --enroll-unknown` into a fresh database,
  (b) csv.reader + sqlite3 executemany of the same rows into one table (best of 3),
  (c) the same import again (every receipt a duplicate).
For context (not goals), what no importer built on this stack and schema can avoid:
  (d) starting Python with the libraries the product must use (SQLAlchemy, SQLModel, Pydantic, Typer),
  (e) executemany of exactly the rows (a) wrote (members, receipts, lines, ledger entries, lots)
      into a fresh database of the product's schema, same pragmas, one transaction, no rules at all.
Goals: a <= 8x b; c <= 0.5x a; peak memory of (a) under 200 MB, and within 20% of a
file a tenth the size.  Below (a), where its time went (the import reports it with LOYALTY_TIMINGS=1):
start-up, parsing (reading the file into receipts), members (look-ups, enrolment), planning, writing.   Usage: python benchmarks/import_bench.py [LINES]
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _common import fresh_database, report, run_measured, timed

PROGRAM = """\
[program]
name = "Import Benchmark"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"
exclude_categories = ["tobacco"]

[earn.category_rates]
books = 2

[[campaigns]]
id = "spring-week"
starts = 2025-04-07
ends = 2025-04-13
multiplier = 2

[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Silber"
threshold = "1000.00"
multiplier = 1.25
"""
CATEGORIES = ("coffee", "books", "food", "music", "tobacco")


def write_sales(path: Path, lines: int) -> None:
    receipts, members = lines * 3 // 10, lines // 10
    rng = random.Random(1)
    per = [3] * receipts
    for i in rng.sample(range(receipts), lines - 3 * receipts):
        per[i] += 1
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["receipt", "date", "member", "amount", "category", "sku"])
        for r in range(receipts):
            member = f"m{(r if r < members else rng.randrange(members)):06d}@example.com"
            day = (
                f"2025-{1 + r * 12 // receipts:02d}-{1 + r % 28:02d}T{rng.randint(9, 19):02d}:{rng.randint(0, 59):02d}"
            )
            for _ in range(per[r]):
                cents = rng.randint(50, 20000)
                w.writerow(
                    [
                        f"R{r:07d}",
                        day,
                        member,
                        f"{cents // 100}.{cents % 100:02d}",
                        rng.choice(CATEGORIES),
                        f"SKU{rng.randrange(2000):04d}",
                    ]
                )


def floor(path: Path, tmp: Path) -> float:
    best = float("inf")
    for n in range(3):
        db = tmp / f"floor-{n}.db"
        started = time.perf_counter()
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE sales (receipt TEXT, date TEXT, member TEXT, amount TEXT, category TEXT, sku TEXT)")
        with open(path, newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh)
            next(rows)
            con.executemany("INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.commit()
        con.close()
        best = min(best, time.perf_counter() - started)
    return best


STORED_TABLES = ("member", "receipt", "ledger_entry", "point_lot")


def storage_floor(imported: Path, tmp: Path) -> float:
    """(e): only storing what the import stored: its rows, already in memory, into a fresh schema (best of 3)."""
    source = sqlite3.connect(imported)
    data = {table: source.execute(f"SELECT * FROM {table}").fetchall() for table in STORED_TABLES}
    source.close()
    best = float("inf")
    for attempt in range(3):
        target = fresh(tmp, f"storage-floor-{attempt}.db")
        started = time.perf_counter()
        con = sqlite3.connect(target, isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
            con.execute(f"PRAGMA {pragma}")
        con.execute("BEGIN IMMEDIATE")
        for table, rows in data.items():
            if rows:
                marks = ", ".join("?" for _ in rows[0])
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        con.execute("COMMIT")
        con.close()
        best = min(best, time.perf_counter() - started)
    return best


def run_import(path: Path, db: Path) -> tuple[float, float, dict[str, float]]:
    """Wall time, peak memory (MB) and where the time went (LOYALTY_TIMINGS) of one `loyalty import`."""
    seconds, peak, err = run_measured(
        ["--db", str(db), "import", str(path), "--enroll-unknown"], {"LOYALTY_TIMINGS": "1"}
    )
    timings = [line for line in err.splitlines() if line.startswith("parsing=")]
    phases = {k: float(v) for k, v in (item.split("=") for item in timings[-1].split())} if timings else {}
    return seconds, peak, phases


def breakdown(seconds: float, phases: dict[str, float], floor_seconds: float) -> None:
    """Where the import's time went: start-up (everything before and after the run), then each part."""
    print("    where (a)'s time went:")
    parts = {"start-up": seconds - sum(phases.values()), **phases}
    for part, spent in parts.items():
        print(f"      {part:<10} {spent * 1000:8.1f} ms  {spent / floor_seconds:5.2f}x b  {spent / seconds:4.0%}")


def fresh(tmp: Path, name: str) -> Path:
    return Path(fresh_database(tmp, name, PROGRAM))


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        big, small = tmp / "sales.csv", tmp / "small.csv"
        write_sales(big, lines)
        write_sales(small, lines // 10)
        b = floor(big, tmp)
        report(f"(b) sqlite3 executemany of {lines:,} rows", b)
        db = fresh(tmp, "a.db")
        a, peak, phases = run_import(big, db)
        report(f"(a) loyalty import of {lines:,} lines (goal <= 8x b)", a, b, 8)
        breakdown(a, phases, b)
        c, _, _ = run_import(big, db)
        report("(c) the same import again (goal <= 0.5x a)", c, a, 0.5)
        startup = timed([sys.executable, "-c", "import sqlalchemy, sqlmodel, pydantic, typer"], runs=3)
        report("(d) context: start-up of the mandated libraries", startup, b)
        report("(e) context: storing (a)'s rows, no rules", storage_floor(db, tmp), b)
        _, small_peak, _ = run_import(small, fresh(tmp, "small.db"))
        print(
            f"peak memory: {peak:.0f} MB for {lines:,} lines, {small_peak:.0f} MB for {lines // 10:,} "
            f"({peak / small_peak:.2f}x; goals: under 200 MB, within 1.2x)"
        )


if __name__ == "__main__":
    main()
