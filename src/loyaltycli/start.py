"""The `loyalty` executable: the garbage collector kept out of start-up and shut-down.

Loading Typer, SQLAlchemy, Rich and our modules creates a few hundred thousand objects that live as long as
the process; the cyclic garbage collector ran about 130 times over them during a `purchase` (49 ms of a
290 ms run), and Python's collections at exit walked them once more, to find nothing. So the collector is
off while the CLI loads, what it loaded is frozen (`gc.freeze`: kept out of every later collection), and the
objects still there at exit are frozen too, so the last collections skip them. Between the two the command
runs with the collector on, as always: an import of a million lines collects its cycles as it goes.
Everything the commands open (database, files) they close themselves; nothing relies on a collection at exit.
"""

from __future__ import annotations

import atexit
import gc


def main() -> None:
    gc.disable()
    try:
        from loyaltycli.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    atexit.register(gc.freeze)
    run()
