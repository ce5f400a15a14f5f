"""The tables.  Money is integer cents, points are integers, instants are naive UTC
(plain `DateTime` columns, the same on SQLite and PostgreSQL).

The ledger (`ledger_entry`) is append-only.  `point_lot.remaining` and
`member.debt` are caches of what `lot_use` and the ledger say; `verify`
recomputes them from the ledger and compares.

Each table is a SQLAlchemy Core `Table`, and a class names its columns (`Member.pk` is the column `pk` of
`member`); the class stands for its table wherever a query takes one (`select(Member)`, `join(Member, ...)`).
Storage reads rows and hands out frozen records (records.py), so no ORM is needed: `sqlalchemy.orm` took
~0.25 x the start-up of every command to import and configure (issue 29), and SQLModel before it ~100 ms more.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
    text,
)
from sqlalchemy.sql import FromClause

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnClause


class Base:
    """A table's columns as class attributes; the class itself stands for the table in a query."""

    metadata: ClassVar[MetaData] = MetaData()
    __table__: ClassVar[FromClause]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for column in cls.__table__.columns:
            setattr(cls, column.key, column)

    @classmethod
    def __clause_element__(cls) -> FromClause:
        return cls.__table__


M = TypeVar("M", bound=Base)


def aliased(model: type[M]) -> type[M]:
    """The same table under another name in one query (a self-join): its columns as `model`'s are."""
    alias = model.__table__.alias()
    return type(f"{model.__name__}Alias", (Base,), {"__table__": alias})


_program_version = Table(
    "program_version",
    Base.metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("effective", Date),  # receipts dated from here use it
    Column("applied_at", DateTime, nullable=False),
    Column("source", Text, nullable=False),
    Column("data", Text, nullable=False),
)


class ProgramVersion(Base):
    __table__ = _program_version
    if TYPE_CHECKING:
        version: ColumnClause[int]
        name: ColumnClause[str]
        effective: ColumnClause[dt.date | None]
        applied_at: ColumnClause[dt.datetime]
        source: ColumnClause[str]
        data: ColumnClause[str]


_member = Table(
    "member",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(64), unique=True),
    Column("name", String, nullable=False),
    Column("email", String),
    Column("email_key", String, unique=True),
    Column("phone", String, unique=True),
    Column("birthday", Date),
    Column("marketing", Boolean, nullable=False, default=False),
    Column("status", String(16), nullable=False, default="active"),
    Column("block_reason", String),
    Column("referred_by_pk", Integer, ForeignKey("member.pk")),
    Column("enrolled_at", DateTime, nullable=False),
    Column("enrolled_on", Date, nullable=False),
    Column("last_purchase_on", Date),
    Column("erased_at", DateTime),
    Column("debt", Integer, nullable=False, default=0),
    Column("merged_into_pk", Integer),  # `member merge`: the member this duplicate now leads to
    Column("name_key", String, nullable=False, default="", server_default=""),  # domain.search.search_key(name)
    Column("phone_shown", String),  # phones.phone_forms(phone): how the phone is written, for showing it
    Column("card", String(13)),  # domain.cards: the number on the member's card, unique where set
)


class Member(Base):
    __table__ = _member
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        id: ColumnClause[str | None]
        name: ColumnClause[str]
        email: ColumnClause[str | None]
        email_key: ColumnClause[str | None]
        phone: ColumnClause[str | None]
        birthday: ColumnClause[dt.date | None]
        marketing: ColumnClause[bool]
        status: ColumnClause[str]
        block_reason: ColumnClause[str | None]
        referred_by_pk: ColumnClause[int | None]
        enrolled_at: ColumnClause[dt.datetime]
        enrolled_on: ColumnClause[dt.date]
        last_purchase_on: ColumnClause[dt.date | None]
        erased_at: ColumnClause[dt.datetime | None]
        debt: ColumnClause[int]
        merged_into_pk: ColumnClause[int | None]
        name_key: ColumnClause[str]
        phone_shown: ColumnClause[str | None]
        card: ColumnClause[str | None]


# Receipts that subtract from a member's qualifying spend and points: refunds and returns without a receipt.
SUBTRACTING_KINDS = ("refund", "return")
# Ledger entries that credit points (a member's lifetime earnings count them).
CREDIT_KINDS = ("earn", "signup", "birthday", "referral", "action", "adjust", "opening")
# A redemption, and the points a cancelled voucher gave back: "redeemed" is their net (-points summed).
REDEEM_KINDS = ("redeem", "cancel")
# Ledger entries that can leave a debt (what their debit could not find in lots): refunds and returns, and a
# merged member's debt taken over by the member it was merged into.
DEBT_KINDS = ("refund", "merge")


_receipt = Table(
    "receipt",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("receipt_id", String(128), nullable=False, unique=True),
    Column("kind", String(16), nullable=False, default="purchase"),
    Column("member_pk", Integer, ForeignKey("member.pk")),
    Column("refund_of_pk", Integer, ForeignKey("receipt.pk")),
    Column("occurred_at", DateTime, nullable=False),
    Column("local_date", Date, nullable=False, index=True),
    Column("program_version", Integer, ForeignKey("program_version.version"), nullable=False),
    Column("channel", String),
    Column("store", String),
    Column("total_cents", Integer, nullable=False),
    Column("eligible_cents", Integer, nullable=False, default=0),
    Column("points", Integer, nullable=False, default=0),
    Column("bonus_points", Integer, nullable=False, default=0),
    Column("campaign_id", String),
    Column("campaign_points", Integer, nullable=False, default=0, server_default="0"),
    Column("tier", String),
    Column("stamps", Integer, nullable=False, default=0),
    Column("source", String(16), nullable=False, default="cli"),
    Column("created_at", DateTime, nullable=False),
    Column("lines", Text, nullable=False, default="[]", server_default="[]"),
    Index("ix_receipt_member_date", "member_pk", "local_date"),
)


class Receipt(Base):
    __table__ = _receipt
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        receipt_id: ColumnClause[str]
        kind: ColumnClause[str]
        member_pk: ColumnClause[int | None]
        refund_of_pk: ColumnClause[int | None]
        occurred_at: ColumnClause[dt.datetime]
        local_date: ColumnClause[dt.date]
        program_version: ColumnClause[int]
        channel: ColumnClause[str | None]
        store: ColumnClause[str | None]
        total_cents: ColumnClause[int]
        eligible_cents: ColumnClause[int]
        points: ColumnClause[int]
        bonus_points: ColumnClause[int]
        campaign_id: ColumnClause[str | None]
        campaign_points: ColumnClause[int]
        tier: ColumnClause[str | None]
        stamps: ColumnClause[int]
        source: ColumnClause[str]
        created_at: ColumnClause[dt.datetime]
        lines: ColumnClause[str]


_ledger_entry = Table(
    "ledger_entry",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("member_pk", Integer, ForeignKey("member.pk"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("points", Integer, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("program_version", Integer, ForeignKey("program_version.version"), nullable=False),
    Column("command", String(32), nullable=False),
    Column("receipt_pk", Integer, ForeignKey("receipt.pk")),
    Column("voucher_pk", Integer, ForeignKey("voucher.pk")),
    Column("ref", String(128)),
    Column("note", String),
    Column("idempotency_key", String(128)),
    Index("ix_ledger_member_date", "member_pk", "business_date"),
)


class LedgerEntry(Base):
    __table__ = _ledger_entry
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        member_pk: ColumnClause[int]
        kind: ColumnClause[str]
        points: ColumnClause[int]
        business_date: ColumnClause[dt.date]
        created_at: ColumnClause[dt.datetime]
        program_version: ColumnClause[int]
        command: ColumnClause[str]
        receipt_pk: ColumnClause[int | None]
        voucher_pk: ColumnClause[int | None]
        ref: ColumnClause[str | None]
        note: ColumnClause[str | None]
        idempotency_key: ColumnClause[str | None]


_point_lot = Table(
    "point_lot",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("member_pk", Integer, ForeignKey("member.pk"), nullable=False),
    Column("entry_pk", Integer, ForeignKey("ledger_entry.pk"), nullable=False, unique=True),
    Column("earned", Integer, nullable=False),
    Column("available_on", Date, nullable=False),
    Column("expires_on", Date),
    Column("remaining", Integer, nullable=False),
    Index("ix_lot_balance", "member_pk", "remaining", "available_on", "expires_on"),
)


class PointLot(Base):
    __table__ = _point_lot
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        member_pk: ColumnClause[int]
        entry_pk: ColumnClause[int]
        earned: ColumnClause[int]
        available_on: ColumnClause[dt.date]
        expires_on: ColumnClause[dt.date | None]
        remaining: ColumnClause[int]


_lot_use = Table(
    "lot_use",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("lot_pk", Integer, ForeignKey("point_lot.pk"), nullable=False, index=True),
    Column("entry_pk", Integer, ForeignKey("ledger_entry.pk"), nullable=False, index=True),
    Column("points", Integer, nullable=False),
)


class LotUse(Base):
    __table__ = _lot_use
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        lot_pk: ColumnClause[int]
        entry_pk: ColumnClause[int]
        points: ColumnClause[int]


_voucher = Table(
    "voucher",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("member_pk", Integer, ForeignKey("member.pk"), nullable=False, index=True),
    Column("reward_id", String, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("value", String),
    Column("source", String(16), nullable=False, default="redeem"),
    Column("issued_at", DateTime, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("status", String(16), nullable=False, default="issued"),
    Column("used_at", DateTime),
    Column("used_receipt", String),
    Column("receipt_pk", Integer, ForeignKey("receipt.pk")),
)


class Voucher(Base):
    __table__ = _voucher
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        code: ColumnClause[str]
        member_pk: ColumnClause[int]
        reward_id: ColumnClause[str]
        kind: ColumnClause[str]
        value: ColumnClause[str | None]
        source: ColumnClause[str]
        issued_at: ColumnClause[dt.datetime]
        issued_on: ColumnClause[dt.date]
        valid_until: ColumnClause[dt.date]
        status: ColumnClause[str]
        used_at: ColumnClause[dt.datetime | None]
        used_receipt: ColumnClause[str | None]
        receipt_pk: ColumnClause[int | None]


_voucher_use = Table(
    "voucher_use",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("voucher_pk", Integer, ForeignKey("voucher.pk"), nullable=False),
    Column("used_at", DateTime, nullable=False),
    Column("receipt", String),
    Index("ux_voucher_use_voucher", "voucher_pk", unique=True),
)


class VoucherUse(Base):
    """A voucher's use; at most one per voucher (a unique index), so a second use fails in the database."""

    __table__ = _voucher_use
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        voucher_pk: ColumnClause[int]
        used_at: ColumnClause[dt.datetime]
        receipt: ColumnClause[str | None]


_stamp_count = Table(
    "stamp_count",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("member_pk", Integer, ForeignKey("member.pk"), nullable=False),
    Column("card_id", String(64), nullable=False),
    Column("stamps", Integer, nullable=False, default=0),
    UniqueConstraint("member_pk", "card_id"),
)


class StampCount(Base):
    __table__ = _stamp_count
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        member_pk: ColumnClause[int]
        card_id: ColumnClause[str]
        stamps: ColumnClause[int]


_consent_event = Table(
    "consent_event",
    Base.metadata,
    Column("pk", Integer, primary_key=True),
    Column("member_pk", Integer, ForeignKey("member.pk"), nullable=False, index=True),
    Column("marketing", Boolean, nullable=False),  # true: consent given; false: withdrawn
    Column("at", DateTime, nullable=False),
    Column("channel", String(16), nullable=False),  # till, import, web, counter (migration: from before events)
    Column("text_version", String(64)),  # the programme's [consent] text_version at the time
)


class ConsentEvent(Base):
    __table__ = _consent_event
    if TYPE_CHECKING:
        pk: ColumnClause[int | None]
        member_pk: ColumnClause[int]
        marketing: ColumnClause[bool]
        at: ColumnClause[dt.datetime]
        channel: ColumnClause[str]
        text_version: ColumnClause[str | None]


def tier_sign() -> Any:
    """+1 or -1: how a receipt's eligible spend and points count toward the tier window (refunds and
    returns subtract). Every qualifying total in SQL multiplies by it."""
    return case((Receipt.kind.in_(SUBTRACTING_KINDS), -1), else_=1)


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
    ("ux_member_card", "member", "card", True),
)


def declare_partial_indexes() -> None:
    """Add the partial indexes to the tables' metadata (once)."""
    for name, table_name, column, unique in PARTIAL_INDEXES:
        table = Base.metadata.tables[table_name]
        if any(index.name == name for index in table.indexes):
            continue
        where = text(f"{column} IS NOT NULL")
        Index(name, table.c[column], unique=unique, sqlite_where=where, postgresql_where=where)
