"""Programme versions in the database; which one governs a given day."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, insert, select

from loyaltycli.domain.dates import utc_naive
from loyaltycli.domain.program import Program, program_from_data, program_to_json_data
from loyaltycli.errors import DatabaseMissingError
from loyaltycli.i18n import _
from loyaltycli.storage.models import ProgramVersion
from loyaltycli.storage.records import Transaction


@dataclass(frozen=True)
class Versioned:
    """A programme together with its version number and the day it takes effect."""

    version: int
    effective: dt.date | None
    program: Program


_PARSED: dict[tuple[int, str], Program] = {}


def _parse(row: Row[Any]) -> Program:
    key = (row.version, row.data)
    if key not in _PARSED:
        _PARSED[key] = program_from_data(json.loads(row.data))
    return _PARSED[key]


def all_versions(tx: Transaction) -> list[Versioned]:
    rows = tx.conn.execute(select(ProgramVersion).order_by(ProgramVersion.version)).all()
    return [Versioned(row.version, row.effective, _parse(row)) for row in rows]


def version_for(versions: list[Versioned], day: dt.date) -> Versioned:
    """The newest version applied that is in effect on `day` (a later `apply` supersedes earlier ones)."""
    candidates = [v for v in versions if v.effective is None or v.effective <= day]
    if not candidates:
        candidates = versions[:1]
    if not candidates:
        raise DatabaseMissingError(_("The database holds no programme; run `loyalty init --program FILE`."))
    return max(candidates, key=lambda v: v.version)


def program_for(tx: Transaction, day: dt.date) -> Versioned:
    return version_for(all_versions(tx), day)


def latest(tx: Transaction) -> Versioned:
    versions = all_versions(tx)
    if not versions:
        raise DatabaseMissingError(_("The database holds no programme; run `loyalty init --program FILE`."))
    return versions[-1]


def store_version(tx: Transaction, program: Program, source: str, effective: dt.date | None, now: dt.datetime) -> int:
    current = tx.conn.scalar(select(func.max(ProgramVersion.version))) or 0
    version = current + 1
    tx.conn.execute(
        insert(ProgramVersion).values(
            version=version,
            name=program.program.name,
            effective=effective,
            applied_at=utc_naive(now),
            source=source,
            data=json.dumps(program_to_json_data(program)),
        )
    )
    return version
