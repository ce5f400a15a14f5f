"""Shared fixtures: a CliRunner, a fresh database per test, a pinned clock."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner

from loyaltycli.cli import app

BASIC_PROGRAM = """\
[program]
name = "Test Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"

[bonuses]
signup = 50

[expiry]
policy = "fixed"
months = 24

[redeem]
min_balance = 50
voucher_days = 90

[[rewards]]
id = "mug"
name = "Mug"
points = 80
kind = "free_item"
value = "8.00"
"""

NOW = "2026-06-15T10:00:00+02:00"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOYALTY_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Cli:
    """Runs `loyalty --db DB ...` in-process and keeps the last result."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int | None = 0) -> Any:
        result = self.runner.invoke(app, ["--db", str(self.db), *args], catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, (
                f"loyalty {' '.join(args)}: exit {result.exit_code}, expected {expect}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def json(self, *args: str, expect: int = 0) -> Any:
        import json

        result = self(*args, "--json", expect=expect)
        return json.loads(result.stdout)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def program_file(tmp_path: Path) -> Callable[..., Path]:
    def make(text: str = BASIC_PROGRAM, name: str = "program.toml") -> Path:
        return write(tmp_path / name, text)

    return make


@pytest.fixture
def cli(tmp_path: Path, program_file: Callable[..., Path], clock: Any) -> Cli:
    """A database initialised with BASIC_PROGRAM, clock pinned to NOW."""
    runner = Cli(tmp_path / "shop.db")
    runner("init", "--program", str(program_file()))
    return runner


def fingerprint(path: Path) -> dict[str, Any] | None:
    """Per-table row count and digest of a SQLite file (to prove a command changed nothing)."""
    if not os.path.exists(path):
        return None
    con = sqlite3.connect(path)
    try:
        result: dict[str, Any] = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            result[name] = (len(rows), hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest())
        return result
    finally:
        con.close()
