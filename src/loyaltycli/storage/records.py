"""What services hold between two storage calls: the open transaction and the stored records storage hands
them (members, receipts, vouchers), to read and to pass back.

Services import these names from here, never the table definitions or SQLAlchemy itself: every query
is built in storage (tests/test_architecture.py). A `Transaction` is opaque to them: only storage reaches
the SQLAlchemy session inside it (`orm`), and a test fails on a service that does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loyaltycli.storage.models import Receipt as Receipt
from loyaltycli.storage.models import Voucher as Voucher

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class Transaction:
    """One open read or write transaction (`Database.read()`/`write()`), passed to storage's functions."""

    __slots__ = ("orm",)

    def __init__(self, orm: Session) -> None:
        self.orm = orm


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
