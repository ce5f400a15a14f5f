"""Start-up: `loyalty --help` and `loyalty program check FILE` against `python -c "import typer"`.

Goal (foundation issue): both at most 2x the bare Typer import, measured side by side.
"""

from __future__ import annotations

import sys
from pathlib import Path

from _common import loyalty, report, timed

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    baseline = timed([sys.executable, "-c", "import typer"], runs=15)
    report('python -c "import typer" (baseline)', baseline)
    report("loyalty --help", timed([*loyalty(), "--help"], runs=15), baseline, 2)
    for name in ("cafe.toml", "beauty.toml"):
        cmd = [*loyalty(), "program", "check", str(ROOT / "programs" / name)]
        report(f"loyalty program check programs/{name}", timed(cmd, runs=15), baseline, 2)


if __name__ == "__main__":
    main()
