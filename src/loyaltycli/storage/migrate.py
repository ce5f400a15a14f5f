"""Running the Alembic migrations shipped in the package (imported only when needed)."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData

from loyaltycli.storage.database import Database

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction (SQLite DDL is transactional too)."""
    with db.write_engine.begin() as connection:
        upgrade_in(connection, revision)


def upgrade_in(connection: Connection, revision: str = "head") -> None:
    """The migrations inside a transaction the caller holds (`db copy` writes schema and rows in one)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def drop_everything(db: Database) -> None:
    """Remove every table of this schema (`init --force` on PostgreSQL)."""
    with db.write_engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
