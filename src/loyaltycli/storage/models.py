"""The tables.  Money is integer cents, points are integers, instants are naive UTC
(plain `DateTime` columns, the same on SQLite and PostgreSQL).

The ledger (`ledger_entry`) is append-only.  `point_lot.remaining` and
`member.debt` are caches of what `lot_use` and the ledger say; `verify`
recomputes them from the ledger and compares.

The classes are SQLAlchemy's own declarative mapping.  SQLModel would put a Pydantic model over each table, but
storage never validates a row as one (it reads and writes rows), and building nine of them, and importing
SQLModel, cost every command about 100 ms of its start.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint, case, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from loyaltycli.domain.search import search_key


class Base(DeclarativeBase):
    """The base of every table: a row can be made with keyword arguments; a column not given takes its default."""

    def __init__(self, **values: Any) -> None:
        for column in self.__table__.columns:
            if column.key not in values and column.default is not None and column.default.is_scalar:
                values[column.key] = column.default.arg
        for key, value in values.items():
            if not hasattr(type(self), key):
                raise TypeError(f"{key!r} is not a column of {type(self).__name__}")
            setattr(self, key, value)


class ProgramVersion(Base):
    __tablename__ = "program_version"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String)
    effective: Mapped[dt.date | None] = mapped_column()  # receipts dated from here use it
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)


class Member(Base):
    __tablename__ = "member"

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String)
    email: Mapped[str | None] = mapped_column(String)
    email_key: Mapped[str | None] = mapped_column(String, unique=True)
    phone: Mapped[str | None] = mapped_column(String, unique=True)
    birthday: Mapped[dt.date | None]
    marketing: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    block_reason: Mapped[str | None] = mapped_column(String)
    referred_by_pk: Mapped[int | None] = mapped_column(ForeignKey("member.pk"))
    enrolled_at: Mapped[dt.datetime] = mapped_column(DateTime)
    enrolled_on: Mapped[dt.date]
    last_purchase_on: Mapped[dt.date | None]
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    debt: Mapped[int] = mapped_column(default=0)
    merged_into_pk: Mapped[int | None]  # `member merge`: the member this duplicate now leads to
    name_key: Mapped[str] = mapped_column(String, default="", server_default="")  # domain.search.search_key(name)


# Receipts that subtract from a member's qualifying spend and points: refunds and returns without a receipt.
SUBTRACTING_KINDS = ("refund", "return")
# Ledger entries that credit points (a member's lifetime earnings count them).
CREDIT_KINDS = ("earn", "signup", "birthday", "referral", "action", "adjust", "opening")
# A redemption, and the points a cancelled voucher gave back: "redeemed" is their net (-points summed).
REDEEM_KINDS = ("redeem", "cancel")
# Ledger entries that can leave a debt (what their debit could not find in lots): refunds and returns, and a
# merged member's debt taken over by the member it was merged into.
DEBT_KINDS = ("refund", "merge")


class Receipt(Base):
    __tablename__ = "receipt"
    __table_args__ = (Index("ix_receipt_member_date", "member_pk", "local_date"),)

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    receipt_id: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="purchase")
    member_pk: Mapped[int | None] = mapped_column(ForeignKey("member.pk"))
    refund_of_pk: Mapped[int | None] = mapped_column(ForeignKey("receipt.pk"))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime)
    local_date: Mapped[dt.date] = mapped_column(index=True)
    program_version: Mapped[int] = mapped_column(ForeignKey("program_version.version"))
    channel: Mapped[str | None] = mapped_column(String)
    store: Mapped[str | None] = mapped_column(String)
    total_cents: Mapped[int]
    eligible_cents: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    bonus_points: Mapped[int] = mapped_column(default=0)
    campaign_id: Mapped[str | None] = mapped_column(String)
    campaign_points: Mapped[int] = mapped_column(default=0, server_default="0")
    tier: Mapped[str | None] = mapped_column(String)
    stamps: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(16), default="cli")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The receipt's lines as compact JSON (storage.writer encodes them, storage.receipts decodes them).
    lines: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_member_date", "member_pk", "business_date"),)

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    member_pk: Mapped[int] = mapped_column(ForeignKey("member.pk"))
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[int]
    business_date: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    program_version: Mapped[int] = mapped_column(ForeignKey("program_version.version"))
    command: Mapped[str] = mapped_column(String(32))
    receipt_pk: Mapped[int | None] = mapped_column(ForeignKey("receipt.pk"))
    voucher_pk: Mapped[int | None] = mapped_column(ForeignKey("voucher.pk"))
    ref: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(String)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))


class PointLot(Base):
    __tablename__ = "point_lot"
    __table_args__ = (Index("ix_lot_balance", "member_pk", "remaining", "available_on", "expires_on"),)

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    member_pk: Mapped[int] = mapped_column(ForeignKey("member.pk"))
    entry_pk: Mapped[int] = mapped_column(ForeignKey("ledger_entry.pk"), unique=True)
    earned: Mapped[int]
    available_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]
    remaining: Mapped[int]


class LotUse(Base):
    __tablename__ = "lot_use"

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    lot_pk: Mapped[int] = mapped_column(ForeignKey("point_lot.pk"), index=True)
    entry_pk: Mapped[int] = mapped_column(ForeignKey("ledger_entry.pk"), index=True)
    points: Mapped[int]


class Voucher(Base):
    __tablename__ = "voucher"

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    member_pk: Mapped[int] = mapped_column(ForeignKey("member.pk"), index=True)
    reward_id: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str | None] = mapped_column(String)
    source: Mapped[str] = mapped_column(String(16), default="redeem")
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    issued_on: Mapped[dt.date]
    valid_until: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(16), default="issued")
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    used_receipt: Mapped[str | None] = mapped_column(String)
    receipt_pk: Mapped[int | None] = mapped_column(ForeignKey("receipt.pk"))


class VoucherUse(Base):
    """A voucher's use; at most one per voucher (a unique index), so a second use fails in the database."""

    __tablename__ = "voucher_use"
    __table_args__ = (Index("ux_voucher_use_voucher", "voucher_pk", unique=True),)

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    voucher_pk: Mapped[int] = mapped_column(ForeignKey("voucher.pk"))
    used_at: Mapped[dt.datetime] = mapped_column(DateTime)
    receipt: Mapped[str | None] = mapped_column(String)


class StampCount(Base):
    __tablename__ = "stamp_count"
    __table_args__ = (UniqueConstraint("member_pk", "card_id"),)

    pk: Mapped[int | None] = mapped_column(primary_key=True, nullable=False)
    member_pk: Mapped[int] = mapped_column(ForeignKey("member.pk"))
    card_id: Mapped[str] = mapped_column(String(64))
    stamps: Mapped[int] = mapped_column(default=0)


def tier_sign() -> Any:
    """+1 or -1: how a receipt's eligible spend and points count toward the tier window (refunds and
    returns subtract). Every qualifying total in SQL multiplies by it."""
    return case((Receipt.kind.in_(SUBTRACTING_KINDS), -1), else_=1)


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _keep_name_key(_mapper: object, _connection: object, member: Member) -> None:
    """Every write of a member through the ORM keeps the search key of the name current (bulk inserts set it)."""
    member.name_key = search_key(member.name or "")


# Indexes of the rows that have a value (`WHERE column IS NOT NULL`): (name, table, column, unique).
# They are in the database (the migrations create them) but join the metadata only through
# `declare_partial_indexes`: a `sqlite_where`/`postgresql_where` makes SQLAlchemy load both dialect packages to
# check it, 80 ms of every command's start-up, and only the migrations and the schema test read them.
PARTIAL_INDEXES = (
    ("ux_ledger_idempotency_key", "ledger_entry", "idempotency_key", True),
    ("ix_ledger_entry_receipt_pk", "ledger_entry", "receipt_pk", False),
    ("ix_receipt_refund_of_pk", "receipt", "refund_of_pk", False),
    ("ix_point_lot_expires_on", "point_lot", "expires_on", False),
    ("ix_member_merged_into", "member", "merged_into_pk", False),
)


def declare_partial_indexes() -> None:
    """Add the partial indexes to the tables' metadata (once)."""
    for name, table_name, column, unique in PARTIAL_INDEXES:
        table = Base.metadata.tables[table_name]
        if any(index.name == name for index in table.indexes):
            continue
        where = text(f"{column} IS NOT NULL")
        Index(name, table.c[column], unique=unique, sqlite_where=where, postgresql_where=where)
