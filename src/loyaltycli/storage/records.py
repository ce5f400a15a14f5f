"""What services hold between two storage calls: the open transaction and the stored records storage hands
them (members, receipts, vouchers), to read and to pass back.

Services import these names from here, never the table definitions or SQLAlchemy itself: every query
is built in storage (tests/test_architecture.py). A `Transaction` is opaque to them: only storage reaches
the SQLAlchemy session inside it (`orm`), and a test fails on a service that does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loyaltycli.storage.models import Member as Member
from loyaltycli.storage.models import Receipt as Receipt
from loyaltycli.storage.models import Voucher as Voucher

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class Transaction:
    """One open read or write transaction (`Database.read()`/`write()`), passed to storage's functions."""

    __slots__ = ("orm",)

    def __init__(self, orm: Session) -> None:
        self.orm = orm
