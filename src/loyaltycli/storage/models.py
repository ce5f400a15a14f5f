"""The tables.  Money is integer cents, points are integers, instants are naive UTC
(plain `DateTime` columns, the same on SQLite and PostgreSQL).

The ledger (`ledger_entry`) is append-only.  `point_lot.remaining` and
`member.debt` are caches of what `lot_use` and the ledger say; `verify`
recomputes them from the ledger and compares.

Each table is a SQLAlchemy `Table`, and a class is mapped onto it (declarative with an imperative table);
the class's annotations are for the type checker only.  Every command pays for declaring the tables at its
start: SQLModel (a Pydantic model over each table, never used to validate a row) cost ~100 ms of it, and
annotated `mapped_column()` classes ~20 ms more than plain `Table`s.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
    text,
)
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


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
        version: Mapped[int]
        name: Mapped[str]
        effective: Mapped[dt.date | None]
        applied_at: Mapped[dt.datetime]
        source: Mapped[str]
        data: Mapped[str]


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
        pk: Mapped[int | None]
        id: Mapped[str | None]
        name: Mapped[str]
        email: Mapped[str | None]
        email_key: Mapped[str | None]
        phone: Mapped[str | None]
        birthday: Mapped[dt.date | None]
        marketing: Mapped[bool]
        status: Mapped[str]
        block_reason: Mapped[str | None]
        referred_by_pk: Mapped[int | None]
        enrolled_at: Mapped[dt.datetime]
        enrolled_on: Mapped[dt.date]
        last_purchase_on: Mapped[dt.date | None]
        erased_at: Mapped[dt.datetime | None]
        debt: Mapped[int]
        merged_into_pk: Mapped[int | None]
        name_key: Mapped[str]
        phone_shown: Mapped[str | None]
        card: Mapped[str | None]


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
        pk: Mapped[int | None]
        receipt_id: Mapped[str]
        kind: Mapped[str]
        member_pk: Mapped[int | None]
        refund_of_pk: Mapped[int | None]
        occurred_at: Mapped[dt.datetime]
        local_date: Mapped[dt.date]
        program_version: Mapped[int]
        channel: Mapped[str | None]
        store: Mapped[str | None]
        total_cents: Mapped[int]
        eligible_cents: Mapped[int]
        points: Mapped[int]
        bonus_points: Mapped[int]
        campaign_id: Mapped[str | None]
        campaign_points: Mapped[int]
        tier: Mapped[str | None]
        stamps: Mapped[int]
        source: Mapped[str]
        created_at: Mapped[dt.datetime]
        lines: Mapped[str]


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
        pk: Mapped[int | None]
        member_pk: Mapped[int]
        kind: Mapped[str]
        points: Mapped[int]
        business_date: Mapped[dt.date]
        created_at: Mapped[dt.datetime]
        program_version: Mapped[int]
        command: Mapped[str]
        receipt_pk: Mapped[int | None]
        voucher_pk: Mapped[int | None]
        ref: Mapped[str | None]
        note: Mapped[str | None]
        idempotency_key: Mapped[str | None]


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
        pk: Mapped[int | None]
        member_pk: Mapped[int]
        entry_pk: Mapped[int]
        earned: Mapped[int]
        available_on: Mapped[dt.date]
        expires_on: Mapped[dt.date | None]
        remaining: Mapped[int]


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
        pk: Mapped[int | None]
        lot_pk: Mapped[int]
        entry_pk: Mapped[int]
        points: Mapped[int]


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
        pk: Mapped[int | None]
        code: Mapped[str]
        member_pk: Mapped[int]
        reward_id: Mapped[str]
        kind: Mapped[str]
        value: Mapped[str | None]
        source: Mapped[str]
        issued_at: Mapped[dt.datetime]
        issued_on: Mapped[dt.date]
        valid_until: Mapped[dt.date]
        status: Mapped[str]
        used_at: Mapped[dt.datetime | None]
        used_receipt: Mapped[str | None]
        receipt_pk: Mapped[int | None]


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
        pk: Mapped[int | None]
        voucher_pk: Mapped[int]
        used_at: Mapped[dt.datetime]
        receipt: Mapped[str | None]


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
        pk: Mapped[int | None]
        member_pk: Mapped[int]
        card_id: Mapped[str]
        stamps: Mapped[int]


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
        pk: Mapped[int | None]
        member_pk: Mapped[int]
        marketing: Mapped[bool]
        at: Mapped[dt.datetime]
        channel: Mapped[str]
        text_version: Mapped[str | None]


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
