"""`info`: versions, the database, the active programme and counts."""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass

from loyaltycli import __version__
from loyaltycli.services.context import today_in
from loyaltycli.storage.counts import count_of, points_held, row_counts
from loyaltycli.storage.database import HEAD_REVISION, Database
from loyaltycli.storage.location import Location


@dataclass(frozen=True)
class DatabaseInfo:
    """What `info` shows: versions, where the database is, its programme and how many rows it holds."""

    loyaltycli: str
    python: str
    compiled: bool  # whether the rules and the sales reader run as mypyc-compiled C (README, "Compiled modules")
    sqlalchemy: str
    database: str
    backend: str
    schema: str
    program: str
    program_version: int
    program_versions: int
    today: dt.date
    members: int
    receipts: int
    ledger_entries: int
    lots: int
    vouchers: int


def database_info(db: Database, now: dt.datetime) -> DatabaseInfo:
    from importlib.metadata import version

    with db.read() as tx:
        ctx = today_in(tx, now)
        counts = row_counts(tx)
    return DatabaseInfo(
        loyaltycli=__version__,
        python=platform.python_version(),
        compiled=compiled(),
        sqlalchemy=version("sqlalchemy"),
        database=db.location.shown,
        backend=db.dialect,
        schema=HEAD_REVISION,
        program=ctx.program.program.name,
        program_version=ctx.current.version,
        program_versions=len(ctx.versions),
        today=ctx.today,
        **counts,
    )


def compiled() -> bool:
    """Whether the installed rules are the compiled ones (setup.py builds them where a C compiler is there)."""
    from loyaltycli.domain import points

    return not (points.__file__ or "").endswith(".py")


@dataclass(frozen=True)
class Contents:
    """What a database holds, for a warning before it is replaced."""

    members: int
    receipts: int
    points: int


def contents(location: Location) -> Contents | None:
    """What `init --force` would remove; None when there is no loyalty database there."""
    from loyaltycli.errors import LoyaltyError
    from loyaltycli.storage.database import open_database

    try:
        db = open_database(location)
    except LoyaltyError:
        return None
    try:
        with db.read() as tx:
            held = Contents(count_of(tx, "members"), count_of(tx, "receipts"), points_held(tx))
    finally:
        db.dispose()
    return held
