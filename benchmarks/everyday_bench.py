"""`member show` and `purchase` on a large database against the libraries they cannot do without (engine issue 13).

On 100,000 members and 1,000,000 ledger entries (bigdb), the two commands the counter uses most are timed
against `python -c "import typer, sqlalchemy, rich.table"`: starting Python with the storage, CLI and table
libraries they use, and doing nothing (issue 29; issue 13 had counted sqlmodel, which they never import). Goal: each within 1.3x of it. The three are run in turn, RUNS times, and the
medians compared, so a slower moment of the machine touches all three alike.
The package's bytecode is compiled first, as `pip install` does for an installed command: an editable checkout
run with PYTHONDONTWRITEBYTECODE set would otherwise compile every module of ours on every run.
Usage: python benchmarks/everyday_bench.py [RUNS] [DATABASE]  (DATABASE: built there once and kept, for runs in turn)
"""

from __future__ import annotations

import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import env, loyalty, report
from bigdb import build

import loyaltycli

BASELINE = [sys.executable, "-c", "import typer, sqlalchemy, rich.table"]  # the stack they load (issue 29)


def wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env())
    return time.perf_counter() - started


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    compileall.compile_dir(Path(loyaltycli.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tmp) / "big.db"
        if not big.exists():
            started = time.perf_counter()
            build(big)
            print(f"(built 100,000 members / 1,000,000 entries in {time.perf_counter() - started:.1f} s)")
        commands = {
            "baseline": BASELINE,
            "member show": [*loyalty(), "--db", str(big), "member", "show", "M000002"],
            "purchase": [*loyalty(), "--db", str(big), "purchase", "M000002", "12.50"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for cmd in commands.values():
            wall(cmd)  # warm the file cache
        for _ in range(runs):
            for name, cmd in commands.items():
                times[name].append(wall(cmd))
        base = statistics.median(times["baseline"])
        report('python -c "import typer, sqlalchemy, rich.table"', base)
        for name in ("member show", "purchase"):
            report(f"{name}, 100,000 members (goal <= 1.3x)", statistics.median(times[name]), base, 1.3)


if __name__ == "__main__":
    main()
