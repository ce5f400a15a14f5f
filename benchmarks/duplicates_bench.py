"""`loyalty member duplicates` on 100,000 members (goal: under 10 s), next to `member list --csv` on the
same database as a baseline (reading every member once)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import loyalty, report, timed
from bigdb import build


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        db = Path(name) / "members.db"
        build(db, members=100_000, receipts=100_000, entries=200_000, heavy=100)
        base = timed([*loyalty(), "--db", str(db), "member", "list", "--csv"], runs=3)
        report("member list --csv, 100,000 members (baseline)", base)
        took = timed([*loyalty(), "--db", str(db), "member", "duplicates", "--json"], runs=3)
        report("member duplicates, 100,000 members (goal < 10 s)", took, base)


if __name__ == "__main__":
    main()
