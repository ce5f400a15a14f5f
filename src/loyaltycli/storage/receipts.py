"""Receipts by their id: whether they are stored, whose they are, what a repeated purchase shows again,
and adding the single receipts of `return` and `refund`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, func, select, type_coerce

from loyaltycli.storage.bulk import Codec, Inserter, one_of, records_where, reserve_ids, table_of
from loyaltycli.storage.models import LedgerEntry, Member, PointLot, Receipt, Voucher
from loyaltycli.storage.records import ReceiptRecord, Transaction


def receipt_with_id(tx: Transaction, receipt_id: str) -> ReceiptRecord | None:
    found = records_where(tx, ReceiptRecord, Receipt, Receipt.receipt_id == receipt_id)
    return found[0] if found else None


def member_of_receipt(tx: Transaction, receipt_id: str) -> int | None:
    """The member a receipt was booked for (None: anonymous, or no such receipt)."""
    return tx.conn.scalar(select(Receipt.member_pk).where(Receipt.receipt_id == receipt_id))


class StoredReceipt(NamedTuple):
    """What a repeated receipt id is compared with: when it was stored, its kind, day, total and member."""

    created_at: dt.datetime
    kind: str
    local_day: str  # ISO-written: a date type read 60,000 times per import costs more than the comparison
    total_cents: int
    member_id: str | None
    member_email_key: str | None
    member_phone: str | None
    member_status: str | None

    @property
    def signed_cents(self) -> int:
        """The total as the file wrote it: a return is stored with the goods' amount, written negative."""
        return -self.total_cents if self.kind == "return" else self.total_cents


def stored_among(tx: Transaction, receipt_ids: Collection[str]) -> dict[str, StoredReceipt]:
    """Which of a batch's receipt ids are stored already, with what they were stored as (one query)."""
    if not receipt_ids:
        return {}
    dialect = tx.conn.dialect.name
    rows = tx.conn.execute(
        select(
            Receipt.receipt_id,
            Receipt.created_at,
            Receipt.kind,
            type_coerce(Receipt.local_date, String),
            Receipt.total_cents,
            Member.id,
            Member.email_key,
            Member.phone,
            Member.status,
        )
        .outerjoin(Member, Member.pk == Receipt.member_pk)
        .where(one_of(Receipt.receipt_id, receipt_ids, dialect))
    ).all()
    return {
        receipt_id: StoredReceipt(created_at, kind, str(day), total, *member)
        for receipt_id, created_at, kind, day, total, *member in rows
    }


def earned_available_on(tx: Transaction, receipt_pk: int | None) -> dt.date | None:
    """The day a receipt's earned points became (or become) available."""
    earned = (
        select(LedgerEntry.pk).where(LedgerEntry.receipt_pk == receipt_pk, LedgerEntry.kind == "earn").scalar_subquery()
    )
    return tx.conn.scalar(select(PointLot.available_on).where(PointLot.entry_pk.in_(earned)))


def voucher_codes_of(tx: Transaction, receipt_pk: int | None) -> list[str]:
    """The codes of the stamp-card vouchers a receipt issued."""
    return list(tx.conn.scalars(select(Voucher.code).where(Voucher.receipt_pk == receipt_pk)).all())


class ReceiptIdTaken(Exception):
    """Another receipt has the id (stored a moment ago by another till)."""


class AddedReceipt(NamedTuple):
    """A receipt just stored (a refund's or a return's), as its command reports it."""

    pk: int
    receipt_id: str
    total_cents: int
    points: int


def insert_receipts(conn: Connection, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """The one insert into `receipt`: rows in `columns` order (dates as `Codec` writes them), keys reserved;
    raises ReceiptIdTaken when an id is another receipt's (stored a moment ago by another till)."""
    try:
        Inserter(conn, table_of(Receipt), columns).run(rows)
    except conn.dialect.dbapi.IntegrityError:  # type: ignore[union-attr]
        raise ReceiptIdTaken(rows[0][list(columns).index("receipt_id")] if rows else None) from None


def add_receipt(tx: Transaction, **values: Any) -> AddedReceipt:
    """Store one receipt (a refund, a return), returned with its key; the table's defaults fill in the rest."""
    conn = tx.conn
    codec = Codec(conn)
    table = table_of(Receipt)
    for column in table.c:
        default = column.default
        if column.name not in values and default is not None and getattr(default, "is_scalar", False):
            values[column.name] = default.arg  # type: ignore[attr-defined]
    (values["pk"],) = reserve_ids(conn, table, 1)
    stored = [
        codec.instant(v) if isinstance(v, dt.datetime) else codec.day(v) if isinstance(v, dt.date) else v
        for v in values.values()
    ]
    insert_receipts(conn, list(values), [stored])
    return AddedReceipt(values["pk"], values["receipt_id"], values["total_cents"], values["points"])


def refunded_so_far(tx: Transaction, receipt_pk: int | None) -> tuple[int, int]:
    """Cents and points the refunds of a receipt have taken back so far."""
    row = tx.conn.execute(
        select(func.coalesce(func.sum(Receipt.total_cents), 0), func.coalesce(func.sum(Receipt.points), 0)).where(
            Receipt.refund_of_pk == receipt_pk
        )
    ).one()
    return int(row[0]), int(row[1])
