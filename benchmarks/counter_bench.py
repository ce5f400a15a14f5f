"""The counter screen on 100,000 members and 1,000,000 ledger entries (issue 17 targets).

Through Textual's pilot, in one run:
  - each keystroke of a search until its matches are on the screen (goal: 100 ms),
  - Enter on a match until the member pane shows them (goal: 100 ms),
  - a purchase, from Confirm until the updated pane (goal: 150 ms),
  - a member card scanned (13 digits and Enter posted at once, as a scanner types), until the pane shows the
    member (goal: 100 ms; issue 30),
and the start-up of `loyalty counter` in a pseudo-terminal until the search field is drawn (goal: 1.5 s),
next to the start-up of `loyalty --help` as the baseline.
Usage: python benchmarks/counter_bench.py [BIG.db built before with bigdb.build]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import env, loyalty, report, timed
from bigdb import build

from loyaltycli.domain.cards import card_number


def measure(db_path: Path) -> dict[str, list[float]]:
    """Drives the screen with the pilot; the app itself records each latency from the key (or Confirm) to the
    frame that shows the answer, so the pilot's own waiting does not count."""
    from loyaltycli.counter.app import CounterApp
    from loyaltycli.counter.work import Backend
    from loyaltycli.storage.database import open_database
    from loyaltycli.storage.location import resolve

    db = open_database(resolve(str(db_path)))
    app = CounterApp(opener=lambda: Backend(db, lambda: dt.datetime.now(dt.UTC)))  # as `loyalty counter` opens it
    app.latencies = {}

    async def settle(pilot: Any) -> None:
        for _round in range(200):
            await pilot.pause(0.01)
            if not any(worker.is_running for worker in app.workers):
                return

    async def script() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            while not app.ready.is_set():
                await pilot.pause(0.05)
            app.latencies.clear()
            for word in ("member 4711", "m12345@example", "0170 0099", "member 99"):
                app.query_one("#search").value = ""
                await settle(pilot)
                for ch in word:
                    await pilot.press(ch if ch != " " else "space")
                    await settle(pilot)
                await pilot.press("enter")
                await settle(pilot)
                await pilot.press("f2", *"12,50")
                await settle(pilot)
                await pilot.press("enter")
                await settle(pilot)
                await pilot.pause(0.1)
            opened = list(app.latencies.get("open", []))
            for member in (4711, 12345, 99, 54321, 77777):
                scan(app, card_number(f"{member:011d}"))
                await settle(pilot)
                await pilot.pause(0.05)
            app.latencies["scan"] = app.latencies.get("open", [])[len(opened) :]
            app.latencies["open"] = opened

    asyncio.run(script())
    db.dispose()
    return app.latencies


def scan(app: Any, number: str) -> None:
    """The keys a scanner types: the digits and Enter, posted at once as the terminal driver posts them."""
    from textual import events

    for key in [*number, "enter"]:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def startup(db_path: Path) -> float:
    best = float("inf")
    for _ in range(3):
        leader, follower = pty.openpty()
        started = time.perf_counter()
        process = subprocess.Popen(
            [*loyalty(), "--db", str(db_path), "counter"],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env={**env(), "TERM": "xterm-256color"},
        )
        os.close(follower)
        seen = b""
        while b"Search" not in seen and time.perf_counter() - started < 30:
            if select.select([leader], [], [], 0.05)[0]:
                seen += os.read(leader, 65536)
        best = min(best, time.perf_counter() - started)
        os.write(leader, b"\x11")
        process.wait(timeout=30)
        os.close(leader)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "big.db"
        if len(sys.argv) > 1:  # a database built before by bigdb.build (copied: the run writes purchases)
            import shutil

            shutil.copy(sys.argv[1], path)
        else:
            started = time.perf_counter()
            build(path)
            print(f"built 100,000 members / 1,000,000 entries in {time.perf_counter() - started:.0f} s")
        times = measure(path)
        for label, goal in (("keystroke", 0.100), ("open", 0.100), ("purchase", 0.150), ("scan", 0.100)):
            values = times[label]
            worst, median = max(values), statistics.median(values)
            verdict = "ok" if worst <= goal else "MISSED"
            print(
                f"{label:<10} median {median * 1000:6.1f} ms, worst {worst * 1000:6.1f} ms over {len(values)} "
                f"(goal {goal * 1000:.0f} ms: {verdict})"
            )
        baseline = timed([*loyalty(), "--help"], runs=3)
        report("`loyalty --help` start-up", baseline)
        report("`loyalty counter` until the search field is drawn (goal 1.5 s)", startup(path), baseline)


if __name__ == "__main__":
    sys.exit(main())
