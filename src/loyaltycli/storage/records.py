"""What services hold between two storage calls: the open transaction and the stored records storage hands
them (members, receipts, vouchers), to read and to pass back.

Services import these names from here, never the table definitions or SQLAlchemy itself: every query
is built in storage (tests/test_architecture.py). A `Transaction` is opaque to them: only storage reaches
the SQLAlchemy connection inside it (`conn`), and a test fails on a service that does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection


class Transaction:
    """One open read or write transaction (`Database.read()`/`write()`), passed to storage's functions."""

    __slots__ = ("conn",)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """One row of `member` as it was read: a value, changed only through `storage.members.change`."""

    pk: int
    id: str
    name: str
    email: str | None
    email_key: str | None
    phone: str | None
    birthday: dt.date | None
    marketing: bool
    status: str
    block_reason: str | None
    referred_by_pk: int | None
    enrolled_at: dt.datetime
    enrolled_on: dt.date
    last_purchase_on: dt.date | None
    erased_at: dt.datetime | None
    debt: int
    merged_into_pk: int | None
    name_key: str
    phone_shown: str | None
    card: str | None


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    """One row of `receipt` as it was read (`lines`: the compact JSON of `domain.receipts.encode_lines`)."""

    pk: int
    receipt_id: str
    kind: str
    member_pk: int | None
    refund_of_pk: int | None
    occurred_at: dt.datetime
    local_date: dt.date
    program_version: int
    channel: str | None
    store: str | None
    total_cents: int
    eligible_cents: int
    points: int
    bonus_points: int
    campaign_id: str | None
    campaign_points: int
    tier: str | None
    stamps: int
    source: str
    created_at: dt.datetime
    lines: str


@dataclass(frozen=True, slots=True)
class VoucherRecord:
    """One row of `voucher` as it was read."""

    pk: int
    code: str
    member_pk: int
    reward_id: str
    kind: str
    value: str | None
    source: str
    issued_at: dt.datetime
    issued_on: dt.date
    valid_until: dt.date
    status: str
    used_at: dt.datetime | None
    used_receipt: str | None
    receipt_pk: int | None


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One row of `ledger_entry` as it was read."""

    pk: int
    member_pk: int
    kind: str
    points: int
    business_date: dt.date
    created_at: dt.datetime
    program_version: int
    command: str
    receipt_pk: int | None
    voucher_pk: int | None
    ref: str | None
    note: str | None
    idempotency_key: str | None
