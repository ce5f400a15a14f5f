"""The README's examples run as written, on the database it says they run on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section_block(heading: str) -> str:
    """The first ```sh block under a `## heading`."""
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, f"no sh block under {heading}"
    return match.group(1)


@pytest.mark.slow
def test_the_counter_examples_run_on_the_quick_start_database(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LOYALTY_DB": str(tmp_path / "quick.db"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
    }
    quick = (
        "loyalty init --program programs/cafe.toml && loyalty import programs/sales/cafe-october.csv --enroll-unknown"
    )
    assert quick in README.replace("pip install . && ", "")
    subprocess.run(["bash", "-e", "-c", quick], cwd=ROOT, env=env, check=True, capture_output=True)
    script = tmp_path / "counter.sh"
    script.write_text(section_block("At the counter"), encoding="utf-8")
    done = subprocess.run(["bash", "-e", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "All invariants hold" in done.stderr


@pytest.mark.slow
def test_the_report_examples_run_on_the_quick_start_database(tmp_path: Path) -> None:
    env = {**os.environ, "LOYALTY_DB": str(tmp_path / "quick.db"), "NO_COLOR": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    quick = (
        "loyalty init --program programs/cafe.toml && loyalty import programs/sales/cafe-october.csv --enroll-unknown"
    )
    subprocess.run(["bash", "-e", "-c", quick], cwd=ROOT, env=env, check=True, capture_output=True)
    lines = [line.split("#")[0].strip() for line in section_block("Reports").splitlines()]
    for line in filter(None, lines):
        done = subprocess.run(["bash", "-e", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{line}: {done.stderr}"


def test_the_reference_names_every_command_and_option() -> None:
    import typer.main

    from loyaltycli.cli import app

    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    missing = []

    def visit(command: object, path: str) -> None:
        if path and f"`{path}" not in reference:
            missing.append(path)
        for param in getattr(command, "params", []):
            for option in getattr(param, "opts", []):
                if option.startswith("-") and f"`{option}" not in reference and option not in reference:
                    missing.append(f"{path} {option}")
        for name, sub in getattr(command, "commands", {}).items():
            visit(sub, f"{path} {name}".strip())

    visit(typer.main.get_command(app), "")
    assert missing == []
