"""The points engine on a large ledger (engine issue targets).

On 100,000 members and 1,000,000 ledger entries, in one run:
  purchase and redeem: at most 1.2x their time on an empty database;
  expire for a day on which 10% of all lots expire: under 10 s;
  verify: under 15 s; report summary: under 2 s; statement of a member with 5,000 entries: under 1 s.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from _common import env, loyalty, report, timed
from bigdb import EXPIRY_DAY, build, init


def once(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env())
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        empty, big = Path(tmp) / "empty.db", Path(tmp) / "big.db"
        init(empty)
        subprocess.run(
            [*loyalty(), "--db", str(empty), "enroll", "Anna", "--id", "M000002"],
            check=True,
            capture_output=True,
            env=env(),
        )
        started = time.perf_counter()
        build(big)
        print(f"(built 100,000 members / 1,000,000 entries in {time.perf_counter() - started:.1f} s)")
        for label, args in (("purchase", ["purchase", "M000002", "12.50"]), ("redeem", ["redeem", "M000002", "mug"])):
            base = timed([*loyalty(), "--db", str(empty), *args], runs=5)
            large = timed([*loyalty(), "--db", str(big), *args], runs=5)
            report(f"{label}, empty database", base)
            report(f"{label}, 1M entries", large, base, 1.2)
        cmd = [*loyalty(), "--db", str(big)]
        report("report summary, 1M entries (goal < 2 s)", timed([*cmd, "report", "summary", "--json"], runs=3))
        report(
            "statement, member with 5,000 entries (goal < 1 s)", timed([*cmd, "statement", "M000001", "--json"], runs=3)
        )
        report("verify, 1M entries (goal < 15 s)", once([*cmd, "verify"]))
        report("expire, 10% of lots due (goal < 10 s)", once([*cmd, "expire", "--as-of", EXPIRY_DAY.isoformat()]))
        report("verify after expire", once([*cmd, "verify"]))


if __name__ == "__main__":
    main()
