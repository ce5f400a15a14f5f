"""Builds a large database for the benchmarks with plain sqlite3 (fast, and independent of the code
under test): 100,000 members, 300,000 receipts, 1,000,000 ledger entries with their lots.

10% of the lots expire on EXPIRY_DAY; member M000001 has 5,000 entries.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import subprocess
from pathlib import Path

from _common import env, loyalty

from loyaltycli.domain.cards import card_number
from loyaltycli.domain.phones import phone_forms  # what the product keeps beside a phone (member.phone_shown)

ROOT = Path(__file__).resolve().parent.parent
EXPIRY_DAY = dt.date(2026, 12, 1)
PROGRAM = """\
[program]
name = "Benchmark Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1

[expiry]
policy = "fixed"
months = 24

[bonuses]
signup = 50

[redeem]
min_balance = 0
point_value = "0.01"

[[rewards]]
id = "mug"
points = 10
kind = "free_item"
value = "8.00"

[abuse]
max_receipts_per_day = 3
max_refunds_per_30_days = 2

[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Silber"
threshold = "500.00"
multiplier = 1.25
"""


def init(path: Path) -> None:
    program = path.with_suffix(".toml")
    program.write_text(PROGRAM)
    subprocess.run(
        [*loyalty(), "--db", str(path), "init", "--program", str(program)], check=True, capture_output=True, env=env()
    )


def build(
    path: Path, members: int = 100_000, receipts: int = 300_000, entries: int = 1_000_000, heavy: int = 5_000
) -> None:
    init(path)
    rng = random.Random(1)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    now = "2026-01-01 10:00:00.000000"
    con.executemany(
        "INSERT INTO member (pk, id, name, name_key, email, email_key, phone, phone_shown, birthday, marketing, "
        "status, enrolled_at, enrolled_on, debt, card) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'active', ?, '2025-01-01', 0, ?)",
        (
            (
                i,
                f"M{i:06d}",
                f"Member {i}",
                f"member {i}",
                f"m{i}@example.com",
                f"m{i}@example.com",
                f"+4917{i:08d}",
                phone_forms(f"+4917{i:08d}"),
                dt.date(1950 + i % 55, 1 + i % 12, 1 + i % 28).isoformat(),
                now,
                card_number(f"{i:011d}"),  # unique and valid; the product draws them at random
            )
            for i in range(1, members + 1)
        ),
    )
    entry_rows, lot_rows, receipt_rows = [], [], []
    pk = 0

    def credit(member: int, kind: str, points: int, day: dt.date, receipt: int | None) -> None:
        nonlocal pk
        pk += 1
        expires = EXPIRY_DAY if rng.random() < 0.10 else day + dt.timedelta(days=730)
        entry_rows.append((pk, member, kind, points, day.isoformat(), now, receipt, "bench"))
        lot_rows.append((pk, member, pk, points, day.isoformat(), expires.isoformat(), points))

    start = dt.date(2025, 1, 1)
    for r in range(1, receipts + 1):
        member = 1 + (r - 1) % members
        day = start + dt.timedelta(days=r % 600)
        cents = rng.randint(100, 20000)
        receipt_rows.append(
            (
                r,
                f"B{r:07d}",
                member,
                f"{day.isoformat()} 12:00:00.000000",
                day.isoformat(),
                cents,
                cents,
                cents // 100,
                now,
            )
        )
        credit(member, "earn", cents // 100 or 1, day, r)
    for member in range(1, members + 1):
        credit(member, "signup", 50, start, None)
    while pk < entries - heavy:
        credit(
            rng.randint(2, members), "action", rng.randint(5, 50), start + dt.timedelta(days=rng.randrange(600)), None
        )
    for n in range(heavy):
        credit(1, "action", 10, start + dt.timedelta(days=n % 600), None)
    con.executemany(
        "INSERT INTO receipt (pk, receipt_id, kind, member_pk, occurred_at, local_date, program_version, "
        "total_cents, eligible_cents, points, bonus_points, campaign_points, stamps, source, created_at)"
        " VALUES (?, ?, 'purchase', ?, ?, ?, 1, ?, ?, ?, 0, 0, 0, 'bench', ?)",
        receipt_rows,
    )
    con.executemany(
        "INSERT INTO ledger_entry (pk, member_pk, kind, points, business_date, created_at, program_version, "
        "command, receipt_pk) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
        ((e[0], e[1], e[2], e[3], e[4], e[5], e[7], e[6]) for e in entry_rows),
    )
    con.executemany(
        "INSERT INTO point_lot (pk, member_pk, entry_pk, earned, available_on, expires_on, remaining)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        lot_rows,
    )
    # Every 30th receipt refunded in full, and every fifth member referred by the one before.
    con.executemany(
        "INSERT INTO receipt (pk, receipt_id, kind, member_pk, refund_of_pk, occurred_at, local_date, "
        "program_version, total_cents, eligible_cents, points, bonus_points, campaign_points, stamps, source, "
        "created_at) VALUES (?, ?, 'refund', ?, ?, ?, ?, 1, ?, ?, ?, 0, 0, 0, 'bench', ?)",
        (
            (receipts + n + 1, f"RF{r[0]:07d}", r[2], r[0], r[3], r[4], r[5], r[6], r[7], now)
            for n, r in enumerate(receipt_rows[::30])
        ),
    )
    con.execute("UPDATE member SET referred_by_pk = pk - 1 WHERE pk % 5 = 0")
    con.commit()
    con.execute("ANALYZE")
    con.close()
