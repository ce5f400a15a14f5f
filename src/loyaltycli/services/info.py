"""`info`: versions, the database, the active programme and counts."""

from __future__ import annotations

import datetime as dt
import platform
from typing import Any

from sqlalchemy import func, select

from loyaltycli import __version__
from loyaltycli.services.context import today_in
from loyaltycli.storage.database import HEAD_REVISION, Database
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
