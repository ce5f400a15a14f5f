"""The skeleton both imports run on: sales (`import`, services/imports.py) and customer lists (`member import`,
services/customer_import.py). What they share is here once:

- the options every file import takes (`FileOptions`: the file, its format and column overrides, how its
  delimiter, decimal comma and dates are read, `--rejects`, `--dry-run`);
- the rejects file (`Rejects`: the file's own columns plus `reason`, cells that a spreadsheet would run as a
  formula neutralised);
- the batches (`run_batches`): each booked in a write transaction of its own and committed, or, for a dry
  run, all in one transaction rolled back at the end; Ctrl-C or SIGTERM held while a batch commits, so the
  count of what was kept is true; Python's cyclic garbage collector run between batches, not within them.

Each import reads its own rows, books a batch its own way and keeps its own summary.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from loyaltycli.domain.cells import neutralise
from loyaltycli.errors import RefusedError
from loyaltycli.importers.csvfile import SalesFile
from loyaltycli.importers.files import open_rejects
from loyaltycli.storage.database import Database
from loyaltycli.storage.records import Transaction

T = TypeVar("T")
COLLECT_EVERY = 8  # batches between two runs of the cyclic garbage collector


class ImportHaltedError(RefusedError):
    """An import that failed half-way (disk full, database gone); its message says what was committed."""


@dataclass(frozen=True)
class FileOptions:
    """What every file import is told (SPEC §4, §4a)."""

    path: str
    format: str = "generic"
    maps: tuple[str, ...] = ()  # --map FIELD=COLUMN
    mapping_file: str | None = None  # --mapping FILE.toml
    delimiter: str | None = None  # None: detected
    decimal_comma: bool | None = None  # None: detected
    date_order: str = "dmy"  # how dates such as 12/1/10 are read: dmy, mdy or ymd
    rejects_path: str | None = None
    dry_run: bool = False


class Rejects:
    """The `--rejects` file of an import (none when not asked for): every rejected row as the file had it,
    with the reason in a last column."""

    def __init__(self, path: str | None, source: SalesFile) -> None:
        self.handle: IO[str] | None = None
        self.writer: Any = None
        if path:
            self.handle, self.writer = open_rejects(path, source)

    def write(self, cells: Iterable[str], reason: str) -> None:
        if self.writer is not None:
            self.writer.writerow([neutralise(cell) for cell in [*cells, reason]])

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter), read as they are needed."""
    batch: list[T] = []
    try:
        for item in items:
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
    finally:
        _close(items)  # a run stopped half-way lets go of the file now, not whenever the collector runs


def _close(items: object) -> None:
    close = getattr(items, "close", None)
    if close is not None:
        close()


def run_batches(
    db: Database,
    dry_run: bool,
    batches: Iterable[list[T]],
    book: Callable[[Transaction, list[T]], None],
    committed: Callable[[], None] = lambda: None,
    after: Callable[[], None] = lambda: None,
) -> None:
    """Book every batch (`book`), each committed on its own, then `committed()` (not called for a dry run:
    nothing is kept), then `after()`. A dry run is one transaction, rolled back at the end, so that later
    batches see what earlier ones would have written."""
    with _outer(db, dry_run) as outer, _collect_between_batches() as collect, _closing(batches):
        for batch in batches:
            try:
                with _transaction(db, outer) as tx:
                    book(tx, batch)
                    _hold_signals()  # the commit and the count of what it kept go together
                if outer is None:
                    committed()
            finally:
                _release_signals()
            del batch
            after()
            collect()


@contextmanager
def _closing(batches: Iterable[Any]) -> Iterator[None]:
    try:
        yield
    finally:
        _close(batches)


@contextmanager
def _outer(db: Database, dry_run: bool) -> Iterator[Transaction | None]:
    if not dry_run:
        yield None
        return
    with db.trial() as tx:
        yield tx


def _transaction(db: Database, outer: Transaction | None) -> AbstractContextManager[Transaction]:
    return nullcontext(outer) if outer is not None else db.write()


_HELD = {signal.SIGINT, signal.SIGTERM}


def _hold_signals() -> None:
    """Ctrl-C or SIGTERM that arrives now waits until `_release_signals` (Unix; elsewhere a no-op)."""
    if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def _release_signals() -> None:
    if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


@contextmanager
def _collect_between_batches() -> Iterator[Callable[[], None]]:
    """Python's cyclic garbage collector would walk the batch's hundred thousand short-lived,
    acyclic objects again and again (a fifth of an import's time); it runs once every few batches
    instead, when the caller calls the function this yields, after letting go of the batch.

    What survives a collection is frozen (caches, the file reader, members' states: not walked again).
    Only then: freezing before the batches' few cycles (a session and its statements) are collected
    would keep them for the rest of the run, 16 MB more at a million lines."""

    batches = 0

    def collect() -> None:
        nonlocal batches
        batches += 1
        if batches % COLLECT_EVERY == 0:
            gc.collect()
            gc.freeze()

    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()  # what exists now (modules, the programme) lives on: keep it out of every collection
    try:
        yield collect
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
