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


@pytest.mark.slow
def test_the_new_commands_from_the_installed_command(tmp_path: Path) -> None:
    """member import, member duplicates, member merge, return, voucher list/cancel and report suspicious,
    run as a shell script would run them."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "LOYALTY_DB": str(tmp_path / "e2e.db"), "NO_COLOR": "1"}

    def run(*args: str, code: int = 0) -> str:
        done = subprocess.run([sys.executable, "-m", "loyaltycli", *args], capture_output=True, text=True, env=env)
        assert done.returncode == code, (args, done.stderr)
        return done.stdout

    run("init", "--program", str(root / "programs" / "cafe.toml"))
    customers = tmp_path / "kunden.csv"
    customers.write_bytes(
        "Name;E-Mail;Telefon;Punkte\nAnna Müller;anna@example.com;0170 1234567;200\nAnna Mueller;anna+2@example.com;;40\n".encode(
            "cp1252"
        )
    )
    assert json.loads(run("member", "import", str(customers), "--json"))["enrolled"] == 2
    assert len(json.loads(run("member", "duplicates", "--json"))) == 1
    merged = json.loads(run("member", "merge", "anna@example.com", "anna+2@example.com", "--yes", "--json"))
    assert merged["points"] == 40
    assert json.loads(run("return", "anna@example.com", "10.00", "--json"))["points_reversed"] == 10
    code = json.loads(run("redeem", "anna@example.com", "free-coffee", "--json"))["voucher"]
    assert [v["code"] for v in json.loads(run("voucher", "list", "--json"))] == [code]
    assert json.loads(run("voucher", "cancel", code, "--json"))["points"] == 150
    assert json.loads(run("report", "suspicious", "--json")) == []
    assert json.loads(run("verify", "--json"))["ok"] is True
