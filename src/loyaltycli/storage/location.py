"""Where the database is (SPEC §1): --db, else LOYALTY_DB, else the user data directory.

Kept free of SQLAlchemy so that commands that never open a database start fast.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg", "postgres+psycopg"}
SUPPORTED = "a SQLite file path (or sqlite:///PATH), or a postgresql:// or postgresql+psycopg:// URL"


@dataclass(frozen=True)
class Location:
    """A database named by the user: a SQLite file path or a PostgreSQL URL."""

    target: str
    is_default: bool = False

    @property
    def is_postgres(self) -> bool:
        return scheme_of(self.target) in POSTGRES_SCHEMES

    @property
    def shown(self) -> str:
        """The location with any password masked, for messages and `info`."""
        return mask_password(self.target)


def scheme_of(target: str) -> str | None:
    match = _SCHEME.match(target)
    return match.group(1).lower() if match else None


_USERINFO_PASSWORD = re.compile(r"(://[^/@?#]*?:)[^@/?#]*@")
_QUERY_PASSWORD = re.compile(r"([?&;]password=)[^&;#]*", re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def mask_password(text: str) -> str:
    """Every password in `text` as `***`: user info (`user:pw@`), `?password=` and libpq's `password=pw`."""
    text = _USERINFO_PASSWORD.sub(r"\1***@", text)
    text = _QUERY_PASSWORD.sub(r"\1***", text)
    return _KEYWORD_PASSWORD.sub(r"\1***", text)


def checked(location: Location) -> Location:
    """A location this program can open, or bad usage (exit 2) naming what is supported."""
    scheme = scheme_of(location.target)
    if scheme is None or scheme in POSTGRES_SCHEMES:
        return location
    if scheme == "sqlite":
        path = location.target[len("sqlite://") :]
        path = path[1:] if path.startswith("/") else path  # sqlite:///rel.db, sqlite:////abs.db
        return Location(path or location.target, location.is_default)
    raise BadInputError(
        _("--db {mask_password}: {scheme}:// is not supported; give {supported}.").format(
            mask_password=mask_password(location.target), scheme=scheme, supported=SUPPORTED
        )
    )


def resolve(option: str | None) -> Location:
    if option:
        return checked(Location(option))
    env = os.environ.get("LOYALTY_DB")
    if env:
        return checked(Location(env))
    from platformdirs import user_data_dir

    return Location(os.path.join(user_data_dir("loyaltycli", appauthor=False), "loyalty.db"), is_default=True)
