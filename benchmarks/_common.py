"""Helpers for the benchmarks: run the installed command, time it, print figures."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence


def loyalty() -> list[str]:
    exe = shutil.which("loyalty", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "loyaltycli"]


def env() -> dict[str, str]:
    result = dict(os.environ, NO_COLOR="1")
    result.pop("LOYALTY_DB", None)
    return result


def timed(cmd: Sequence[str], runs: int = 7, check: bool = True) -> float:
    """Median wall time of `cmd` over `runs` runs (after one warm-up)."""
    subprocess.run(cmd, capture_output=True, env=env(), check=check)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env(), check=check)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(label: str, seconds: float, baseline: float | None = None, goal: float | None = None) -> None:
    line = f"{label:<48} {seconds * 1000:8.1f} ms"
    if baseline:
        ratio = seconds / baseline
        line += f"   {ratio:5.2f}x"
        if goal is not None:
            line += f" (goal <= {goal}x: {'ok' if ratio <= goal else 'MISSED'})"
    print(line, flush=True)


def run_measured(args: Sequence[str], extra_env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall time, peak memory (MB) and standard error of one `loyalty ARGS...` in its own process; a refusal
    (exit 1, rejected rows) still counts as a run."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "assert done.returncode in (0, 1), done.stderr; "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "print(done.stderr, end='')"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *loyalty(), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**env(), **(extra_env or {})},
    ).stdout
    first, _, err = out.partition("\n")
    seconds, peak = first.split()
    return float(seconds), int(peak) / 1024, err


def fresh_database(folder: str | os.PathLike[str], name: str, program: str) -> str:
    """A new database at `folder/name` initialised with the programme text `program`."""
    db = os.path.join(folder, name)
    path = os.path.join(folder, f"{name}.toml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(program)
    subprocess.run([*loyalty(), "--db", db, "init", "--program", path], check=True, capture_output=True, env=env())
    return db
