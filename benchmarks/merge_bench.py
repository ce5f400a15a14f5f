"""`loyalty member merge` of two members with 5,000 lots each (goal: under 1 s), next to `member show` of
one of them on the same database as a baseline (start-up and reading the member)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import env, loyalty, report, timed
from bigdb import build

LOTS = 5_000


def give_lots(db: Path, member_pk: int) -> None:
    """LOTS more action lots for one member, as bigdb writes them."""
    con = sqlite3.connect(db)
    top = con.execute("SELECT max(pk) FROM ledger_entry").fetchone()[0]
    now = "2026-01-01 10:00:00.000000"
    rows = []
    for n in range(1, LOTS + 1):
        day = (dt.date(2025, 1, 1) + dt.timedelta(days=n % 600)).isoformat()
        rows.append((top + n, member_pk, day))
    con.executemany(
        "INSERT INTO ledger_entry (pk, member_pk, kind, points, business_date, created_at, program_version, command) "
        f"VALUES (?, ?, 'action', 10, ?, '{now}', 1, 'bench')",
        rows,
    )
    con.executemany(
        "INSERT INTO point_lot (pk, member_pk, entry_pk, earned, available_on, expires_on, remaining) "
        "VALUES (?, ?, ?, 10, ?, '2027-12-31', 10)",
        ((pk, m, pk, day) for pk, m, day in rows),
    )
    con.commit()
    con.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        db = Path(name) / "merge.db"
        build(db, members=10_000, receipts=20_000, entries=40_000, heavy=LOTS)  # M000001 has 5,000 lots
        give_lots(db, 2)
        base = timed([*loyalty(), "--db", str(db), "member", "show", "M000002", "--json"], runs=3)
        report("member show M000002 (5,000 lots; baseline)", base)
        times = []
        for attempt in range(3):  # each run merges a fresh copy (a merge happens once)
            copy = Path(name) / f"copy-{attempt}.db"
            shutil.copy(db, copy)
            command = [*loyalty(), "--db", str(copy), "member", "merge", "M000001", "M000002", "--yes"]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env())
            times.append(time.perf_counter() - started)
        report("member merge M000001 M000002 (5,000 lots each; goal < 1 s)", statistics.median(times), base)


if __name__ == "__main__":
    main()
