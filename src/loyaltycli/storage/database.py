"""Opening the database: engine, dialect setup, migrations on first use, transactions.

SQLite: WAL, a busy timeout, foreign keys on, synchronous=FULL, and write
transactions that begin with BEGIN IMMEDIATE (SQLAlchemy's documented recipe
for pysqlite), so that the check of a balance and its debit happen under one
lock and a cron run and the counter can write at the same time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from loyaltycli.errors import BadInputError, DatabaseMissingError, ReadOnlyDatabaseError, RefusedError
from loyaltycli.i18n import _
from loyaltycli.storage.location import Location
from loyaltycli.storage.records import Transaction

BUSY_TIMEOUT_S = 60
HEAD_REVISION = "0016"


class Database:
    """One database and its engine; transactions come from `read()` and `write()`."""

    def __init__(self, location: Location, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self.write_engine = engine.execution_options(loyalty_write=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with self.write_engine.connect() as conn, conn.begin():
            yield Transaction(conn)

    def trial(self) -> AbstractContextManager[Transaction]:
        """A write transaction that is rolled back when the block ends (a dry run)."""
        return _rolled_back(self.write_engine)

    def read(self) -> AbstractContextManager[Transaction]:
        """A consistent read-only snapshot."""
        return _rolled_back(self.engine)

    def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file and empty it (after an erasure)."""
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _rolled_back(engine: Engine) -> Iterator[Transaction]:
    with engine.connect() as conn, conn.begin() as transaction:
        yield Transaction(conn)
        transaction.rollback()


def change_marker(tx: Transaction) -> object:
    """A value that stays the same as long as no other connection commits to the database (SQLite's
    data_version, on this very connection); None where there is no such value (PostgreSQL)."""
    conn = tx.conn
    if conn.dialect.name != "sqlite":
        return None
    driver = conn.connection.driver_connection
    return (id(driver), conn.exec_driver_sql("PRAGMA data_version").scalar_one())


def open_database(location: Location) -> Database:
    """An existing database, upgraded to the current schema if an older version made it."""
    if not location.is_postgres:
        _require_sqlite_file(location.target)
    db = Database(location, _engine(location))
    revision = _current_revision(db)
    if revision is None:
        db.dispose()
        raise DatabaseMissingError(
            _("{shown} is not a loyalty database; create one with `loyalty init --program FILE`.").format(
                shown=location.shown
            )
        )
    if revision != HEAD_REVISION:
        if os.environ.get("LOYALTY_AUTO_MIGRATE", "1") == "0":
            db.dispose()
            raise RefusedError(
                _(
                    "{shown} has schema {revision}; this version needs {head_revision}. Run `loyalty db upgrade` (LOYALTY_AUTO_MIGRATE=0 keeps other commands from doing it)."
                ).format(shown=location.shown, revision=revision, head_revision=HEAD_REVISION)
            )
        from loyaltycli.storage.migrate import upgrade

        upgrade(db)
    return db


def create_database(location: Location, force: bool, migrate: bool = True) -> Database:
    """A new, empty database at the current schema (refuses an existing one unless `force`); with
    `migrate` False the caller creates the schema itself, in a transaction of its own."""
    if location.is_postgres:
        db = Database(location, _engine(location))
        if _current_revision(db) is not None:
            if not force:
                db.dispose()
                raise RefusedError(
                    _("{shown} already holds a loyalty database; add --force to replace it.").format(
                        shown=location.shown
                    )
                )
            from loyaltycli.storage.migrate import drop_everything

            drop_everything(db)
    else:
        _create_sqlite_file(location, force)
        db = Database(location, _engine(location))
    if migrate:
        from loyaltycli.storage.migrate import upgrade

        upgrade(db)
    return db


def _require_sqlite_file(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DatabaseMissingError(
            _("{path}: the folder {folder} does not exist, so there is no database there.").format(
                path=path, folder=folder
            )
        )
    if not os.path.exists(path):
        raise DatabaseMissingError(
            _("{path}: no database here; create one with `loyalty init --program FILE`.").format(path=path)
        )


def _create_sqlite_file(location: Location, force: bool) -> None:
    path = location.target
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        if not location.is_default:
            raise BadInputError(
                _("{path}: the folder {folder} does not exist; create it first.").format(path=path, folder=folder)
            )
        os.makedirs(folder, mode=0o700, exist_ok=True)
    if os.path.exists(path):
        if not force:
            raise RefusedError(
                _("{path} already exists; add --force to replace it with a new database.").format(path=path)
            )
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    # Readable by its owner only: the file holds customers' names, e-mails and phones.
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _engine(location: Location) -> Engine:
    if location.is_postgres:
        try:
            url = make_url(location.target).set(drivername="postgresql+psycopg")
            url.port  # noqa: B018 - a port that is not a number raises here, not deep inside a command
        except (ValueError, TypeError) as exc:
            raise BadInputError(
                _("--db {shown}: not a valid PostgreSQL URL ({exc}).").format(shown=location.shown, exc=exc)
            ) from None
        try:
            return create_engine(url, pool_pre_ping=False)
        except ModuleNotFoundError as exc:
            if exc.name not in ("psycopg", "psycopg_binary"):
                raise
            raise BadInputError(
                _(
                    "--db {shown}: PostgreSQL needs the psycopg driver, which is not installed; install it with "
                    "`pip install 'loyaltycli[postgres]'`."
                ).format(shown=location.shown)
            ) from None
    path = os.path.abspath(location.target)
    read_only = os.path.exists(path) and not _writable(path)
    engine = create_engine(
        # A database on a read-only file system or without write permission is opened read-only
        # (immutable: nothing can change it), so reports and look-ups still work.
        f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true" if read_only else f"sqlite:///{path}",
        # No prepared-statement cache: an import's look-ups have IN lists of thousands of values,
        # each a new statement, and cached ones made memory grow with the file.
        connect_args={"timeout": BUSY_TIMEOUT_S, "cached_statements": 0},
    )
    if read_only:
        engine = engine.execution_options(loyalty_read_only=True)
    event.listen(engine, "connect", _sqlite_read_only_connect if read_only else _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _writable(path: str) -> bool:
    """Whether SQLite could write the file and its WAL beside it (False on a read-only file system)."""
    return os.access(path, os.W_OK) and os.access(os.path.dirname(path), os.W_OK)


def _sqlite_read_only_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _sqlite_begin(connection: Any) -> None:
    options = connection.get_execution_options()
    if options.get("loyalty_write"):
        if options.get("loyalty_read_only"):
            raise ReadOnlyDatabaseError(
                _(
                    "The database is read-only (its file or folder cannot be written); this command changes it, so it was not run. Reading commands (show, list, report, statement) still work."
                )
            )
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _current_revision(db: Database) -> str | None:
    try:
        with db.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return str(row[0]) if row else None
    except DatabaseError as exc:
        raise DatabaseMissingError(
            _("{shown}: cannot open the database ({reason}).").format(shown=db.location.shown, reason=_reason(exc))
        ) from None


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
