"""Data that was lost or falsified: erasure after a merge, reused receipt numbers, amount limits, reward stock,
names shown as markup, balances after a refund debt, opening balances past expiry (issue 26)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASIC_PROGRAM, NOW, Cli, query


def _enrol_pair(cli: Cli) -> None:
    cli("enroll", "Keep Person", "--id", "KEEP1", "--email", "keep@example.com", "--phone", "0172 1111111")
    cli("enroll", "Other Person", "--id", "DUP1", "--email", "other@example.com", "--phone", "0172 2222222")
    cli("purchase", "DUP1", "30.00")
    cli("member", "merge", "KEEP1", "DUP1", "--yes")


def _file_bytes(db: Path | str) -> bytes:
    data = b""
    for suffix in ("", "-wal"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            data += path.read_bytes()
    return data


def test_erasing_a_merged_member_erases_that_record_and_not_the_kept_one(cli: Cli) -> None:
    _enrol_pair(cli)
    assert cli.json("member", "erase", "DUP1", "--yes")["id"] == "DUP1"
    kept = cli.json("member", "show", "KEEP1")
    assert kept["name"] == "Keep Person" and kept["email"] == "keep@example.com" and kept["status"] == "active"
    assert kept["points"]["available"] == 130  # 2 x 50 signup + 30: the merged points stay with KEEP
    merged = cli.json("member", "show", "DUP1", "--merged")
    assert merged["id"] == "DUP1" and merged["name"] == "(erased)"
    assert merged["email"] is None and merged["phone"] is None
    cli("member", "show", "other@example.com", expect=1)  # the erased e-mail leads nowhere now


def test_a_merged_members_own_record_is_exported_and_shown(cli: Cli) -> None:
    _enrol_pair(cli)
    assert cli.json("member", "show", "DUP1")["id"] == "KEEP1"  # references follow the merge ...
    assert cli.json("member", "show", "DUP1", "--merged")["id"] == "DUP1"  # ... unless asked not to
    exported = json.loads(cli("member", "export", "DUP1").stdout)["member"]
    assert exported.get("id") == "DUP1" and exported.get("name") == "Other Person"


def test_erased_merged_and_kept_members_leave_no_byte_in_the_file(sqlite_cli: Cli) -> None:
    _enrol_pair(sqlite_cli)
    sqlite_cli("member", "erase", "DUP1", "--yes")
    data = _file_bytes(sqlite_cli.db)
    for gone in (b"Other Person", b"other@example.com", b"+491722222222"):
        assert gone not in data, gone
    assert b"Keep Person" in data
    sqlite_cli("member", "erase", "KEEP1", "--yes")
    data = _file_bytes(sqlite_cli.db)
    for gone in (b"Keep Person", b"keep@example.com", b"+491721111111"):
        assert gone not in data, gone


def test_erasing_the_kept_member_erases_the_records_merged_into_it(cli: Cli) -> None:
    _enrol_pair(cli)
    cli("member", "erase", "KEEP1", "--yes")
    merged = cli.json("member", "show", "DUP1", "--merged")
    assert merged["name"] == "(erased)" and merged["email"] is None

