"""`member show` by id, e-mail and phone: 100,000 members against 10, in one run.

Goal (foundation issue): at most 1.2x the time on the small database (indexed look-ups).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from _common import env, loyalty, report, timed

ROOT = Path(__file__).resolve().parent.parent


def make_db(path: Path, members: int) -> None:
    subprocess.run(
        [*loyalty(), "--db", str(path), "init", "--program", str(ROOT / "programs" / "beauty.toml")],
        check=True,
        capture_output=True,
        env=env(),
    )
    con = sqlite3.connect(path)
    now = dt.datetime(2026, 1, 1, 10, 0).isoformat(" ")
    rows = (
        (
            f"M{i:06d}",
            f"Member {i}",
            f"m{i}@example.com",
            f"m{i}@example.com",
            f"+4917{i:08d}",
            0,
            "active",
            now,
            "2026-01-01",
            0,
        )
        for i in range(1, members + 1)
    )
    con.executemany(
        "INSERT INTO member (id, name, email, email_key, phone, marketing, status, enrolled_at, enrolled_on, debt)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    con.commit()
    con.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.db", Path(tmp) / "large.db"
        make_db(small, 10)
        make_db(large, 100_000)
        refs = {"id": "M000007", "e-mail": "M7@EXAMPLE.COM", "phone": "+49 170 0000007"}
        for label, ref in refs.items():
            base = timed([*loyalty(), "--db", str(small), "member", "show", ref, "--json"])
            big = timed([*loyalty(), "--db", str(large), "member", "show", ref, "--json"])
            report(f"member show by {label}, 10 members", base)
            report(f"member show by {label}, 100,000 members", big, base, 1.2)


if __name__ == "__main__":
    main()
