"""The `loyalty` executable keeps the garbage collector out of start-up and shut-down, not out of the work."""

from __future__ import annotations

import atexit
import gc
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import loyaltycli.cli
from loyaltycli import start


def test_the_command_runs_with_the_collector_on_and_what_loaded_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    at_exit: list[Callable[[], None]] = []
    monkeypatch.setattr(loyaltycli.cli, "main", lambda: seen.update(on=gc.isenabled(), frozen=gc.get_freeze_count()))
    monkeypatch.setattr(atexit, "register", at_exit.append)
    try:
        start.main()
    finally:
        gc.unfreeze()
    assert seen["on"] is True  # a long import collects its cycles as it goes
    assert seen["frozen"] > 0
    assert at_exit == [gc.freeze]


def test_the_collector_is_back_on_when_the_cli_fails_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "loyaltycli.cli", None)  # `from loyaltycli.cli import main` raises
    try:
        with pytest.raises(ImportError):
            start.main()
        assert gc.isenabled()
    finally:
        gc.unfreeze()


@pytest.mark.slow
def test_exit_codes_and_output_come_through(tmp_path: Path) -> None:
    """Run as `python -m loyaltycli` (the same `start.main` as the installed `loyalty`)."""
    db = str(tmp_path / "none" / "shop.db")
    missing = subprocess.run([sys.executable, "-m", "loyaltycli", "--db", db, "member", "list"], capture_output=True)
    assert missing.returncode == 1 and b"error" in missing.stderr
    helped = subprocess.run([sys.executable, "-m", "loyaltycli", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "Usage" in helped.stdout
