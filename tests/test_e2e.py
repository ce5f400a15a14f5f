"""End-to-end: the real `loyalty` command in a subprocess, as a script would run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def loyalty_command() -> list[str]:
    exe = shutil.which("loyalty", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "loyaltycli"]


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("LOYALTY_DB", None)
    return subprocess.run([*loyalty_command(), "--db", str(db), *args], capture_output=True, text=True, env=env)


@pytest.mark.slow
def test_a_shop_owner_session(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    assert run("init", "--program", str(ROOT / "programs" / "cafe.toml"), db=db).returncode == 0
    enrolled = run("enroll", "Anna Muster", "--phone", "0170 1234567", "--json", db=db)
    assert enrolled.returncode == 0, enrolled.stderr
    assert json.loads(enrolled.stdout)["points"] == 20
    shown = run("member", "show", "+49 170 1234567", "--json", db=db)
    assert json.loads(shown.stdout)["stamps"] == {"coffee-card": 0}
    missing = run("member", "show", "nobody", db=db)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr and missing.stdout == ""


@pytest.mark.slow
def test_python_dash_m_works(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "loyaltycli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "loyaltycli" in result.stdout
