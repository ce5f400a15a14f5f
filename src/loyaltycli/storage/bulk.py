"""Bulk writes for many rows at once: ids reserved up front, one executemany per table.

The SQL comes from SQLAlchemy for the dialect at hand; only the way a block of
primary keys is reserved differs (SQLite: the write lock of BEGIN IMMEDIATE
makes max(pk) + 1.. safe; PostgreSQL: the serial sequence).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Table, func, select

if TYPE_CHECKING:
    from loyaltycli.storage.records import Transaction

R = TypeVar("R")


def records_where(
    tx: Transaction, record: type[R], model: object, condition: Any, for_update: bool = False, order: Any = ()
) -> list[R]:
    """The rows of `model`'s table that `condition` picks, in `order` then by key, each as a frozen `record`
    (its fields are the table's columns: what storage hands services instead of rows)."""
    table = table_of(model)
    query = select(*table.columns).where(condition).order_by(*order, table.c.pk)
    rows = tx.conn.execute(query.with_for_update() if for_update else query)
    return [record(**row._mapping) for row in rows]


def table_of(model: object) -> Table:
    """The Table behind a class of `models.py`."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys of `table`, for rows inserted in this transaction."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'pk')) FROM generate_series(1, %s)", (count,)
            )
            return [int(r[0]) for r in cursor.fetchall()]
        finally:
            cursor.close()
    start = int(conn.execute(select(func.coalesce(func.max(table.c.pk), 0))).scalar_one()) + 1
    return list(range(start, start + count))


_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


class Inserter:
    """A plain INSERT (COPY on PostgreSQL) for one table and a fixed column order; rows are tuples in that order.

    Written out rather than compiled from `insert(table)`: SQLAlchemy would add
    the model's Python-side defaults and PostgreSQL's RETURNING, and bulk rows
    give every value anyway.
    """

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        unknown = set(columns) - set(table.c.keys())
        if unknown:
            raise ValueError(f"{table.name} has no columns {sorted(unknown)}")
        self.conn = conn
        self.copy = conn.dialect.name == "postgresql"
        marker = _MARKERS[conn.dialect.paramstyle]
        self.sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join(marker for _ in columns)})"
        self.copy_sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"

    def run(self, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(row) for row in rows]
        if not batch:
            return
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.copy:  # PostgreSQL: COPY is several times faster than a batch of INSERTs
                with cursor.copy(self.copy_sql) as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, batch)
        finally:
            cursor.close()


def execute_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Plain SQL with `{}` for each parameter, run once per row on the driver's cursor."""
    if not rows:
        return
    statement = sql.format(*(_MARKERS[conn.dialect.paramstyle] for _ in range(sql.count("{}"))))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(statement, [tuple(row) for row in rows])
    finally:
        cursor.close()


class Codec:
    """Values as the dialect stores them when they bypass SQLAlchemy's type processing.

    SQLite keeps dates and instants as the text SQLAlchemy writes for them;
    psycopg takes the Python objects.
    """

    def __init__(self, conn: Connection) -> None:
        self.text_dates = conn.dialect.name == "sqlite"
        self._days: dict[dt.date, str] = {}

    def day(self, value: dt.date | None) -> Any:
        if value is None or not self.text_dates:
            return value
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = value.isoformat()
        return text

    def instant(self, value: dt.datetime | None) -> Any:
        if value is None or not self.text_dates:
            return value
        return value.isoformat(" ", "microseconds")  # what SQLAlchemy writes ("%Y-%m-%d %H:%M:%S.%f"), faster

    def flag(self, value: bool) -> Any:
        return int(value) if self.text_dates else value


def one_of(column: Any, values: Iterable[Any], dialect: str) -> Any:
    """`column IN (values)` for a batch of thousands, passed as one parameter that the database unpacks
    (PostgreSQL: an array and `= ANY`; SQLite: a JSON array and `json_each`), so the statement is
    compiled and planned once instead of carrying thousands of parameters."""
    from sqlalchemy import any_, bindparam

    items = list(values)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, items, type_=ARRAY(column.type)))
    if sqlite3.sqlite_version_info < (3, 38):  # JSON built in from 3.38 on; before, a plain IN list
        return column.in_(items)
    listed = func.json_each(bindparam(None, json.dumps(items))).table_valued("value")
    return column.in_(select(listed.c.value))
