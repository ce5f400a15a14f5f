"""Reports on a large ledger (reports issue targets): at 100,000 members, 300,000 receipts and
1,000,000 ledger entries, `report summary`, `report monthly`, `report suspicious` and each list under 2 s,
and the time growing at most linearly with the ledger (measured at 100,000 and 1,000,000 entries).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import loyalty, report, timed
from bigdb import build

COMMANDS = {
    "report summary": ["report", "summary", "--json"],
    "report monthly": ["report", "monthly", "--json"],
    "report liability": ["report", "liability", "--json"],
    "report tiers": ["report", "tiers", "--json"],
    "report campaigns": ["report", "campaigns", "--json"],
    "report members": ["report", "members", "--json"],
    "report suspicious": ["report", "suspicious", "--json"],  # exits 1 when it lists anything
    "list: expiring within 30 days": ["member", "list", "--expiring", "30", "--csv"],
    "list: lapsed 90 days": ["member", "list", "--lapsed", "90", "--csv"],
    "list: birthdays in March": ["member", "list", "--birthday-month", "3", "--csv"],
    "list: tier Silber, marketing": ["member", "list", "--tier", "Silber", "--marketing", "--csv"],
}


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        small, large = Path(name) / "small.db", Path(name) / "large.db"
        build(small, members=10_000, receipts=30_000, entries=100_000, heavy=500)
        build(large)
        for label, args in COMMANDS.items():
            check = args[1] != "suspicious"
            t_small = timed([*loyalty(), "--db", str(small), *args], runs=3, check=check)
            t_large = timed([*loyalty(), "--db", str(large), *args], runs=3, check=check)
            report(f"{label}, 100k entries", t_small)
            report(f"{label}, 1M entries (goal < 2 s, <= 10x)", t_large, t_small, 10)


if __name__ == "__main__":
    main()
