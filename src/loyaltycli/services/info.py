"""`info`: versions, the database, the active programme and counts."""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from loyaltycli import __version__
from loyaltycli.services.context import today_in
from loyaltycli.storage.database import HEAD_REVISION, Database
from loyaltycli.storage.location import Location
from loyaltycli.storage.models import LedgerEntry, Member, PointLot, Receipt, Voucher


def database_info(db: Database, now: dt.datetime) -> dict[str, Any]:
    import sqlalchemy

    with db.read() as session:
        ctx = today_in(session, now)
        counts = {
            f"{name}": session.scalar(select(func.count()).select_from(model))
            for name, model in (
                ("members", Member),
                ("receipts", Receipt),
                ("ledger_entries", LedgerEntry),
                ("lots", PointLot),
                ("vouchers", Voucher),
            )
        }
    return {
        "loyaltycli": __version__,
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "database": db.location.shown,
        "backend": db.dialect,
        "schema": HEAD_REVISION,
        "program": ctx.program.program.name,
        "program_version": ctx.current.version,
        "program_versions": len(ctx.versions),
        "today": ctx.today,
        **counts,
    }


@dataclass(frozen=True)
class Contents:
    """What a database holds, for a warning before it is replaced."""

    members: int
    receipts: int
    points: int


def contents(location: Location) -> Contents | None:
    """What `init --force` would remove; None when there is no loyalty database there."""
    from loyaltycli.errors import LoyaltyError
    from loyaltycli.storage.database import open_database

    try:
        db = open_database(location)
    except LoyaltyError:
        return None
    try:
        with db.read() as session:
            members = session.scalar(select(func.count()).select_from(Member)) or 0
            receipts = session.scalar(select(func.count()).select_from(Receipt)) or 0
            points = session.scalar(select(func.coalesce(func.sum(col(PointLot.remaining)), 0))) or 0
    finally:
        db.dispose()
    return Contents(int(members), int(receipts), int(points))
