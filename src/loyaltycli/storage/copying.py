"""`db copy`'s rows: every table read from one database and written into another, parents first.

The ledger's three tables are written by `posting.copy_rows`, beside every other ledger row; the
others by a plain insert. Primary keys are kept, and PostgreSQL's sequences are moved past them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, MetaData, insert, select, text

from loyaltycli.storage import posting
from loyaltycli.storage.database import Database
from loyaltycli.storage.location import Location
from loyaltycli.storage.migrate import upgrade_in

# Parents before children, so every foreign key finds its row.
TABLES = (
    "program_version",
    "member",
    "consent_event",
    "receipt",
    "voucher",
    "voucher_use",
    "ledger_entry",
    "point_lot",
    "lot_use",
    "stamp_count",
)
BATCH = 5000


def copy_rows(source: Database, destination: Database) -> dict[str, int]:
    """Create the schema in `destination` and copy every row, in one transaction; rows per table."""
    counts: dict[str, int] = {}
    meta = MetaData()
    with source.engine.connect() as reader, destination.write_engine.begin() as writer:
        upgrade_in(writer)  # the schema in the same transaction as the rows
        meta.reflect(reader, only=TABLES)
        for name in TABLES:
            counts[name] = _copy_table(reader, writer, meta.tables[name])
        if writer.dialect.name == "postgresql":
            for name in TABLES:
                if name != "program_version":
                    writer.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'pk'), "
                            f"(SELECT COALESCE(MAX(pk), 0) + 1 FROM {name}), false)"
                        )
                    )
    return counts


def tables_in(target: Location) -> list[str]:
    """The product's tables a PostgreSQL database already has (a copy goes only into an empty one)."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(target.target).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            return [t for t in inspect(conn).get_table_names() if t in TABLES or t == "alembic_version"]
    finally:
        engine.dispose()


def _copy_table(reader: Connection, writer: Connection, table: Any) -> int:
    key = table.c.pk if "pk" in table.c else table.c.version
    total = 0
    result = reader.execution_options(yield_per=BATCH).execute(select(table).order_by(key))
    for part in result.partitions(BATCH):
        rows = [dict(row._mapping) for row in part]
        if table.name in posting.LEDGER_TABLES:
            posting.copy_rows(writer, table.name, rows)
        else:
            writer.execute(insert(_destination_table(table.name)), rows)
        total += len(rows)
    return total


def _destination_table(name: str) -> Any:
    """The table as the product defines it (types as the destination dialect reads and writes them)."""
    from loyaltycli.storage.models import Base

    return Base.metadata.tables[name]
