"""`db copy`, `db upgrade`, `db backup`: moving up to PostgreSQL and looking after the file."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass

from loyaltycli.errors import BadInputError, RefusedError
from loyaltycli.i18n import _
from loyaltycli.storage.copying import copy_rows, tables_in
from loyaltycli.storage.database import HEAD_REVISION, Database, create_database, open_database
from loyaltycli.storage.location import Location


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    rows: dict[str, int]
    verified: bool
    summaries_equal: bool


def copy_database(source: Database, target: Location, now: dt.datetime) -> CopyResult:
    """Copy schema and rows all or nothing, verify both databases and compare their summaries.

    PostgreSQL: schema and rows in one transaction (DDL is transactional there), so a killed copy leaves
    the target empty.  SQLite: a temporary file beside the target, renamed into place only once it has
    passed `verify` and the comparison, so a killed copy leaves no target.  Either way the same command
    again completes it."""
    if target.target == source.location.target:
        raise BadInputError(_("--to names the database being copied."))
    _refuse_non_empty(target)
    if target.is_postgres:
        destination = create_database(target, force=False, migrate=False)
        try:
            rows = copy_rows(source, destination)
            _compare(source, destination, now, "The copy was written but does not match")
        finally:
            destination.dispose()
    else:
        rows = _copy_to_sqlite_file(source, target, now)
    return CopyResult(source.location.shown, target.shown, rows, True, True)


def _compare(source: Database, destination: Database, now: dt.datetime, what: str) -> None:
    from loyaltycli.services.reports import summary
    from loyaltycli.services.verify import verify

    problems = [p for db in (source, destination) for p in verify(db, now).problems]
    if problems or summary(source, None, None, now) != summary(destination, None, None, now):
        raise RefusedError(
            f"{what}: "
            + ("; ".join(problems[:3]) if problems else _("report summary differs"))
            + _(". Keep using the old database.")
        )


def _copy_to_sqlite_file(source: Database, target: Location, now: dt.datetime) -> dict[str, int]:
    path = os.path.abspath(target.target)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise BadInputError(
            _("--to {target}: the folder {folder} does not exist; create it first.").format(
                target=target.target, folder=folder
            )
        )
    temporary = os.path.join(folder, f".{os.path.basename(path)}.copy-{os.getpid()}.tmp")
    destination = create_database(Location(temporary), force=True, migrate=False)
    try:
        rows = copy_rows(source, destination)
        _compare(source, destination, now, "The copy does not match, so it was not kept")
        with destination.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        destination.dispose()
        os.replace(temporary, path)  # atomic: the target appears whole or not at all
        _sync_folder(folder)
    finally:
        destination.dispose()
        for leftover in (temporary, temporary + "-wal", temporary + "-shm", temporary + "-journal"):
            if os.path.exists(leftover):
                os.remove(leftover)
    return rows


def _sync_folder(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _refuse_non_empty(target: Location) -> None:
    if not target.is_postgres and os.path.exists(target.target) and os.path.getsize(target.target) > 0:
        raise RefusedError(
            _("{shown} already exists; db copy writes only into a new, empty database.").format(shown=target.shown)
        )
    if target.is_postgres:
        existing = tables_in(target)
        if existing:
            raise RefusedError(
                _("{shown} is not empty (it has {existing}); db copy writes only into an empty database.").format(
                    shown=target.shown, existing=", ".join(sorted(existing))
                )
            )


def upgrade(location: Location) -> str:
    """Run the migrations now (for a host where LOYALTY_AUTO_MIGRATE=0 keeps commands from doing it)."""
    os.environ["LOYALTY_AUTO_MIGRATE"] = "1"
    db = open_database(location)
    db.dispose()
    return HEAD_REVISION


def backup(source: Database, path: str) -> int:
    """A consistent copy of a SQLite database while it is in use (SQLite's online backup API)."""
    if source.dialect != "sqlite":
        raise RefusedError(_("db backup copies SQLite files; back up PostgreSQL with pg_dump."))
    if os.path.exists(path):
        raise RefusedError(_("{path} already exists; choose a new file for the backup.").format(path=path))
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise BadInputError(_("{path}: the folder {folder} does not exist.").format(path=path, folder=folder))
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    src = sqlite3.connect(source.location.target)
    dst = sqlite3.connect(path)
    try:
        src.backup(dst)
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
    finally:
        dst.close()
        src.close()
    return pages
