"""`db copy`, `db upgrade`, `db backup`: moving up to PostgreSQL and looking after the file."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, MetaData, select, text

from loyaltycli.errors import BadInputError, RefusedError
from loyaltycli.i18n import _
from loyaltycli.storage.database import HEAD_REVISION, Database, create_database, open_database
from loyaltycli.storage.location import Location
from loyaltycli.storage.migrate import upgrade_in

# Parents before children, so every foreign key finds its row.
TABLES = (
    "program_version",
    "member",
    "receipt",
    "voucher",
    "voucher_use",
    "ledger_entry",
    "point_lot",
    "lot_use",
    "stamp_count",
)
BATCH = 5000


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
            rows = _copy(source, destination)
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
        rows = _copy(source, destination)
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
        from sqlalchemy import create_engine, inspect
        from sqlalchemy.engine import make_url

        engine = create_engine(make_url(target.target).set(drivername="postgresql+psycopg"))
        try:
            with engine.connect() as conn:
                existing = [t for t in inspect(conn).get_table_names() if t in TABLES or t == "alembic_version"]
        finally:
            engine.dispose()
        if existing:
            raise RefusedError(
                _("{shown} is not empty (it has {existing}); db copy writes only into an empty database.").format(
                    shown=target.shown, existing=", ".join(sorted(existing))
                )
            )


def _copy(source: Database, destination: Database) -> dict[str, int]:
    counts: dict[str, int] = {}
    meta = MetaData()
    with source.engine.connect() as reader, destination.write_engine.begin() as writer:
        upgrade_in(writer)  # the schema in the same transaction as the rows
        meta.reflect(reader, only=TABLES)
        for name in TABLES:
            table = meta.tables[name]
            counts[name] = _copy_table(reader, writer, table)
        if writer.dialect.name == "postgresql":
            for name in TABLES:
                writer.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'pk'), "
                        f"(SELECT COALESCE(MAX(pk), 0) + 1 FROM {name}), false)"
                    )
                ) if name != "program_version" else None
    return counts


def _copy_table(reader: Connection, writer: Connection, table: Any) -> int:
    from sqlalchemy import insert

    key = table.c.pk if "pk" in table.c else table.c.version
    total = 0
    result = reader.execution_options(yield_per=BATCH).execute(select(table).order_by(key))
    for part in result.partitions(BATCH):
        rows = [dict(row._mapping) for row in part]
        writer.execute(insert(writer_table(writer, table)), rows)
        total += len(rows)
    return total


def writer_table(writer: Connection, table: Any) -> Any:
    """The same table as the destination knows it (types as the destination dialect reads them)."""
    from sqlmodel import SQLModel

    from loyaltycli.storage import models  # noqa: F401 - registers the tables

    return SQLModel.metadata.tables[table.name]


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
