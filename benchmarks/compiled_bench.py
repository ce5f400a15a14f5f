"""What the mypyc-compiled modules gain (issue 29, item 2): the same imports with the compiled package and
with the same modules as pure Python, in turn, in one run.

The installed package is the compiled one (`pip install .` where a C compiler is there; `loyalty info` says
"compiled rules (mypyc): yes"). The pure run puts a copy of `src/` without any compiled file first on
PYTHONPATH, so it imports the same code as plain Python. Timed: `loyalty import` of a generated sales file
(LINES lines, --enroll-unknown) and `loyalty member import` of a generated customer list (a tenth as many
rows), each into a fresh database, RUNS times; medians compared.
Usage: python benchmarks/compiled_bench.py [LINES] [RUNS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import env, fresh_database, loyalty
from import_bench import PROGRAM, write_sales
from member_import_bench import write_list

ROOT = Path(__file__).resolve().parent.parent


def pure_copy(folder: Path) -> Path:
    """`src/` as plain Python: every compiled file left out."""
    target = folder / "pure-src"
    shutil.copytree(ROOT / "src", target, ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    return target


def timed_run(args: list[str], extra_path: Path | None) -> float:
    environment = env()
    if extra_path is not None:
        environment["PYTHONPATH"] = str(extra_path)
    started = time.perf_counter()
    subprocess.run(args, check=False, capture_output=True, env=environment)
    return time.perf_counter() - started


def compiled_here(extra_path: Path | None) -> bool:
    environment = env()
    if extra_path is not None:
        environment["PYTHONPATH"] = str(extra_path)
    probe = "import loyaltycli.domain.points as p; print(not p.__file__.endswith('.py'))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environment, check=True)
    return out.stdout.strip() == "True"


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pure = pure_copy(tmp)
        if not compiled_here(None) or compiled_here(pure):
            print("the installed package is not compiled (no C compiler, LOYALTY_PURE set, or an editable install")
            print("made before setup.py compiled): install it with `pip install .` and run this again")
            return
        sales, customers = tmp / "sales.csv", tmp / "customers.csv"
        write_sales(sales, lines)
        write_list(customers, max(lines // 10, 1000))
        jobs = {
            f"import, {lines:,} lines": ["import", str(sales), "--enroll-unknown"],
            f"member import, {max(lines // 10, 1000):,} customers": ["member", "import", str(customers)],
        }
        for name, job in jobs.items():
            times: dict[str, list[float]] = {"pure": [], "compiled": []}
            for run in range(runs):
                for mode, path in (("pure", pure), ("compiled", None)):
                    db = fresh_database(tmp, f"{mode}-{run}-{len(times[mode])}", PROGRAM)
                    times[mode].append(timed_run([*loyalty(), "--db", str(db), *job], path))
                    os.remove(db)
            p, c = statistics.median(times["pure"]), statistics.median(times["compiled"])
            print(f"{name:42} pure {p:7.2f} s   compiled {c:7.2f} s   {c / p:.2f}x ({(1 - c / p) * 100:.1f}% less)")


if __name__ == "__main__":
    main()
