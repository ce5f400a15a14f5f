"""Global options of one invocation (`--db`, `--debug`) and the database they name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loyaltycli.storage.database import Database
    from loyaltycli.storage.location import Location


@dataclass
class State:
    db_option: str | None = None
    debug: bool = False
    _database: Database | None = None

    def location(self) -> Location:
        from loyaltycli.storage.location import resolve

        return resolve(self.db_option)

    def database(self) -> Database:
        """The existing database, opened (and migrated) on first use."""
        if self._database is None:
            from loyaltycli.storage.database import open_database

            self._database = open_database(self.location())
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


STATE = State()


def now() -> dt.datetime:
    """The one place the CLI reads the clock; services and the domain get it passed in."""
    return dt.datetime.now(dt.UTC)
