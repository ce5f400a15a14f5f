"""`loyalty member import` of a customer list with opening balances (customer-list issue targets).

A generated list of CUSTOMERS rows (default 100,000: name, e-mail, phone, birthday, marketing,
enrolled, points, points_date), and in the same run:
  (a) `loyalty member import FILE` into a fresh database,
  (b) csv.reader + sqlite3 executemany of the same rows into one table (best of 3),
  (b') the floor SPEC's rows need (issue 29 item 3): (b) plus phonenumbers.parse and is_valid_number of
      every phone, which every importer of a customer list must do,
  (c) the same import again (every row already a member).
Goals: a <= 3x b'; peak memory of (a) within 1.2x of a list a tenth the size.
Usage: python benchmarks/member_import_bench.py [CUSTOMERS]
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import fresh_database, report, run_measured

PROGRAM = (
    '[program]\nname = "Bench"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n[expiry]\npolicy = "fixed"\nmonths = 24\n'
)
COLUMNS = ["name", "email", "phone", "birthday", "marketing", "enrolled", "points", "points_date"]


def write_list(path: Path, customers: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for n in range(customers):
            out.writerow(
                [
                    f"Customer {n}",
                    f"c{n}@example.com",
                    f"+49 170 {1000000 + n:07d}",
                    f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2005)}",
                    rng.choice(["ja", "nein", ""]),
                    f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.randint(0, 900),
                    "2025-06-01",
                ]
            )


def floor(path: Path, tmp: Path, phones: bool = False) -> float:
    """(b), or with `phones` (b'): every phone parsed and checked as it is stored."""
    import phonenumbers

    def checked(rows: Any) -> Any:
        for row in rows:
            number = phonenumbers.parse(row[2], "DE")
            if phonenumbers.is_valid_number(number):
                row[2] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            yield row

    best = float("inf")
    for attempt in range(3):
        db = tmp / f"floor-{attempt}{'-phones' if phones else ''}.db"
        started = time.perf_counter()
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(f"CREATE TABLE customers ({', '.join(c + ' TEXT' for c in COLUMNS)})")
        with path.open(newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh)
            next(rows)
            source = checked(rows) if phones else rows
            con.executemany(f"INSERT INTO customers VALUES ({', '.join('?' for _ in COLUMNS)})", source)
        con.commit()
        con.close()
        best = min(best, time.perf_counter() - started)
    return best


def run_import(path: Path, db: Path) -> tuple[float, float]:
    """Wall time and peak memory (MB) of the import in a child process."""
    seconds, peak, _err = run_measured(["--db", str(db), "member", "import", str(path)])
    return seconds, peak


def fresh(tmp: Path, name: str) -> Path:
    return Path(fresh_database(tmp, name, PROGRAM))


def main() -> None:
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        big, small = tmp / "big.csv", tmp / "small.csv"
        write_list(big, customers)
        write_list(small, customers // 10)
        b = floor(big, tmp)
        report(f"(b) floor: csv.reader + executemany, {customers:,} rows", b)
        b_phones = floor(big, tmp, phones=True)
        report("(b') floor with every phone parsed and checked", b_phones, b)
        db = fresh(tmp, "a.db")
        a, peak = run_import(big, db)
        report("(a) loyalty member import (goal <= 3x b')", a, b_phones, 3)
        c, _ = run_import(big, db)
        report("(c) the same list again (all existing)", c, a)
        _, peak_small = run_import(small, fresh(tmp, "small.db"))
        print(f"peak memory: {peak:.0f} MB vs {peak_small:.0f} MB for a tenth ({peak / peak_small:.2f}x, goal <= 1.2x)")


if __name__ == "__main__":
    main()
