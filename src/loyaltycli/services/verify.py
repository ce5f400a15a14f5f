"""`verify`: every invariant of SPEC §6 (`storage/invariants.py`), and how many rows were checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loyaltycli.storage.counts import row_counts
from loyaltycli.storage.database import Database
from loyaltycli.storage.invariants import CHECKS


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: dict[str, int]
    problems: list[str]


def verify(db: Database, now: dt.datetime) -> VerifyResult:
    """All checks run, and their problems are reported together (`ok` when there are none)."""
    with db.read() as tx:
        problems: list[str] = []
        for check in CHECKS:
            problems += check(tx)
        counts = row_counts(tx)
    checked = {
        "members": counts["members"],
        "entries": counts["ledger_entries"],
        "lots": counts["lots"],
        "receipts": counts["receipts"],
        "vouchers": counts["vouchers"],
    }
    return VerifyResult(not problems, checked, problems)
