"""The tables.  Money is integer cents, points are integers, instants are naive UTC
(plain `DateTime` columns, the same on SQLite and PostgreSQL).

The ledger (`ledger_entry`) is append-only.  `point_lot.remaining` and
`member.debt` are caches of what `lot_use` and the ledger say; `verify`
recomputes them from the ledger and compares.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint, case, event, text
from sqlmodel import Field, SQLModel, col

from loyaltycli.domain.search import search_key

# The tables are never validated as pydantic models (storage reads and writes rows), so pydantic's validators
# are not built when they are declared: a few milliseconds of every command's start.
LAZY = ConfigDict(defer_build=True)


class ProgramVersion(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "program_version"

    version: int = Field(primary_key=True)
    name: str
    effective: dt.date | None = Field(default=None, description="receipts dated from here use it")
    applied_at: dt.datetime = Field(sa_type=DateTime)
    source: str = Field(sa_column=Column(Text, nullable=False))
    data: str = Field(sa_column=Column(Text, nullable=False))


class Member(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "member"

    pk: int | None = Field(default=None, primary_key=True)
    id: str | None = Field(default=None, unique=True, max_length=64)
    name: str
    email: str | None = None
    email_key: str | None = Field(default=None, unique=True)
    phone: str | None = Field(default=None, unique=True)
    birthday: dt.date | None = None
    marketing: bool = False
    status: str = Field(default="active", max_length=16)
    block_reason: str | None = None
    referred_by_pk: int | None = Field(default=None, foreign_key="member.pk")
    enrolled_at: dt.datetime = Field(sa_type=DateTime)
    enrolled_on: dt.date
    last_purchase_on: dt.date | None = None
    erased_at: dt.datetime | None = Field(default=None, sa_type=DateTime)
    debt: int = 0
    merged_into_pk: int | None = None  # `member merge`: the member this duplicate now leads to
    name_key: str = Field(default="", sa_column_kwargs={"server_default": ""})  # domain.search.search_key(name)


# Receipts that subtract from a member's qualifying spend and points: refunds and returns without a receipt.
SUBTRACTING_KINDS = ("refund", "return")
# Ledger entries that credit points (a member's lifetime earnings count them).
CREDIT_KINDS = ("earn", "signup", "birthday", "referral", "action", "adjust", "opening")
# A redemption, and the points a cancelled voucher gave back: "redeemed" is their net (-points summed).
REDEEM_KINDS = ("redeem", "cancel")
# Ledger entries that can leave a debt (what their debit could not find in lots): refunds and returns, and a
# merged member's debt taken over by the member it was merged into.
DEBT_KINDS = ("refund", "merge")


class Receipt(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "receipt"
    __table_args__ = (Index("ix_receipt_member_date", "member_pk", "local_date"),)

    pk: int | None = Field(default=None, primary_key=True)
    receipt_id: str = Field(unique=True, max_length=128)
    kind: str = Field(default="purchase", max_length=16)
    member_pk: int | None = Field(default=None, foreign_key="member.pk")
    refund_of_pk: int | None = Field(default=None, foreign_key="receipt.pk")
    occurred_at: dt.datetime = Field(sa_type=DateTime)
    local_date: dt.date = Field(index=True)
    program_version: int = Field(foreign_key="program_version.version")
    channel: str | None = None
    store: str | None = None
    total_cents: int
    eligible_cents: int = 0
    points: int = 0
    bonus_points: int = 0
    campaign_id: str | None = None
    campaign_points: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    tier: str | None = None
    stamps: int = 0
    source: str = Field(default="cli", max_length=16)
    created_at: dt.datetime = Field(sa_type=DateTime)
    # The receipt's lines as compact JSON (storage.writer encodes them, storage.receipts decodes them).
    lines: str = Field(default="[]", sa_type=Text, sa_column_kwargs={"server_default": "[]"})


class LedgerEntry(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_member_date", "member_pk", "business_date"),)

    pk: int | None = Field(default=None, primary_key=True)
    member_pk: int = Field(foreign_key="member.pk")
    kind: str = Field(max_length=16)
    points: int
    business_date: dt.date
    created_at: dt.datetime = Field(sa_type=DateTime)
    program_version: int = Field(foreign_key="program_version.version")
    command: str = Field(max_length=32)
    receipt_pk: int | None = Field(default=None, foreign_key="receipt.pk")
    voucher_pk: int | None = Field(default=None, foreign_key="voucher.pk")
    ref: str | None = Field(default=None, max_length=128)
    note: str | None = None
    idempotency_key: str | None = Field(default=None, max_length=128)


class PointLot(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "point_lot"
    __table_args__ = (Index("ix_lot_balance", "member_pk", "remaining", "available_on", "expires_on"),)

    pk: int | None = Field(default=None, primary_key=True)
    member_pk: int = Field(foreign_key="member.pk")
    entry_pk: int = Field(foreign_key="ledger_entry.pk", unique=True)
    earned: int
    available_on: dt.date
    expires_on: dt.date | None = None
    remaining: int


class LotUse(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "lot_use"

    pk: int | None = Field(default=None, primary_key=True)
    lot_pk: int = Field(foreign_key="point_lot.pk", index=True)
    entry_pk: int = Field(foreign_key="ledger_entry.pk", index=True)
    points: int


class Voucher(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "voucher"

    pk: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    member_pk: int = Field(foreign_key="member.pk", index=True)
    reward_id: str
    kind: str = Field(max_length=32)
    value: str | None = None
    source: str = Field(default="redeem", max_length=16)
    issued_at: dt.datetime = Field(sa_type=DateTime)
    issued_on: dt.date
    valid_until: dt.date
    status: str = Field(default="issued", max_length=16)
    used_at: dt.datetime | None = Field(default=None, sa_type=DateTime)
    used_receipt: str | None = None
    receipt_pk: int | None = Field(default=None, foreign_key="receipt.pk")


class VoucherUse(SQLModel, table=True):
    """A voucher's use; at most one per voucher (a unique index), so a second use fails in the database."""

    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "voucher_use"
    __table_args__ = (Index("ux_voucher_use_voucher", "voucher_pk", unique=True),)

    pk: int | None = Field(default=None, primary_key=True)
    voucher_pk: int = Field(foreign_key="voucher.pk")
    used_at: dt.datetime = Field(sa_type=DateTime)
    receipt: str | None = None


class StampCount(SQLModel, table=True):
    model_config = LAZY  # type: ignore[assignment]
    __tablename__ = "stamp_count"
    __table_args__ = (UniqueConstraint("member_pk", "card_id"),)

    pk: int | None = Field(default=None, primary_key=True)
    member_pk: int = Field(foreign_key="member.pk")
    card_id: str = Field(max_length=64)
    stamps: int = 0


def tier_sign() -> Any:
    """+1 or -1: how a receipt's eligible spend and points count toward the tier window (refunds and
    returns subtract). Every qualifying total in SQL multiplies by it."""
    return case((col(Receipt.kind).in_(SUBTRACTING_KINDS), -1), else_=1)


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
        table = SQLModel.metadata.tables[table_name]
        if any(index.name == name for index in table.indexes):
            continue
        where = text(f"{column} IS NOT NULL")
        Index(name, table.c[column], unique=unique, sqlite_where=where, postgresql_where=where)
