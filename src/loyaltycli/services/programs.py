"""Programme commands: check, init, apply, show, export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loyaltycli.domain.program import Program, parse_program
from loyaltycli.importers.files import read_text

if TYPE_CHECKING:
    from loyaltycli.storage.database import Database
    from loyaltycli.storage.location import Location
    from loyaltycli.storage.programs import Versioned


def load_program_file(path: str) -> tuple[Program, str]:
    """A validated programme and its source text; errors name the file, line and field."""
    source = read_text(path, "programme file")
    return parse_program(source, path), source


@dataclass(frozen=True)
class InitResult:
    db: str
    program: str
    version: int


def init_database(location: Location, path: str, force: bool, now: dt.datetime) -> InitResult:
    """Validate the programme first, then create the database and store it as version 1."""
    from loyaltycli.storage.database import create_database
    from loyaltycli.storage.programs import store_version

    program, source = load_program_file(path)
    db = create_database(location, force)
    try:
        with db.write() as tx:
            version = store_version(tx, program, source, None, now)
    finally:
        db.dispose()
    return InitResult(location.shown, program.program.name, version)


@dataclass(frozen=True)
class ApplyResult:
    version: int
    effective: dt.date
    program: str


def apply_program(db: Database, path: str, effective: dt.date | None, now: dt.datetime) -> ApplyResult:
    """Store a new version that governs receipts dated on or after `effective` (default: today)."""
    from loyaltycli.domain.dates import local_date
    from loyaltycli.storage.programs import latest, store_version

    program, source = load_program_file(path)
    with db.write() as tx:
        current = latest(tx)
        day = effective or local_date(now, current.program.zone)
        version = store_version(tx, program, source, day, now)
    return ApplyResult(version, day, program.program.name)


@dataclass(frozen=True)
class ProgramView:
    active: Versioned
    versions: list[Versioned]
    today: dt.date


def show_program(db: Database, now: dt.datetime) -> ProgramView:
    from loyaltycli.domain.dates import local_date
    from loyaltycli.storage.programs import all_versions, latest, version_for

    with db.read() as tx:
        versions = all_versions(tx)
        today = local_date(now, latest(tx).program.zone)
    return ProgramView(version_for(versions, today), versions, today)


def export_program(db: Database, now: dt.datetime) -> str:
    """The programme in force today as TOML (tomli-w); `program check` accepts it as is."""
    import tomli_w

    from loyaltycli.domain.program import program_to_data

    view = show_program(db, now)
    header = (
        f"# {view.active.program.program.name}: programme version {view.active.version}, exported by loyaltycli\n\n"
    )
    return header + tomli_w.dumps(program_to_data(view.active.program))


def today(db: Database, now: dt.datetime) -> dt.date:
    """Today in the programme's time zone."""
    from loyaltycli.domain.dates import local_date
    from loyaltycli.storage.programs import latest

    with db.read() as tx:
        zone = latest(tx).program.zone
    return local_date(now, zone)


def parse_when(db: Database, text: str, what: str) -> dt.datetime:
    """A date or date-time from the command line, read in the programme's time zone."""
    from loyaltycli.domain.dates import parse_instant
    from loyaltycli.storage.programs import latest

    with db.read() as tx:
        zone = latest(tx).program.zone
    return parse_instant(text, zone, what)
