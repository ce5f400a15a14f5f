"""Where the database is (SPEC §1): --db, else LOYALTY_DB, else the user data directory.

Kept free of SQLAlchemy so that commands that never open a database start fast.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_PG = re.compile(r"^postgres(ql)?(\+psycopg)?://", re.IGNORECASE)


@dataclass(frozen=True)
class Location:
    """A database named by the user: a SQLite file path or a PostgreSQL URL."""

    target: str
    is_default: bool = False

    @property
    def is_postgres(self) -> bool:
        return bool(_PG.match(self.target))

    @property
    def shown(self) -> str:
        """The location with any password masked, for messages and `info`."""
        return mask_password(self.target)


def mask_password(target: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", target)


def resolve(option: str | None) -> Location:
    if option:
        return Location(option)
    env = os.environ.get("LOYALTY_DB")
    if env:
        return Location(env)
    from platformdirs import user_data_dir

    return Location(os.path.join(user_data_dir("loyaltycli", appauthor=False), "loyalty.db"), is_default=True)
