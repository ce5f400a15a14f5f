"""The cron jobs: `expire` and `birthdays`, both idempotent and both with --dry-run.

Expiry removes what remains of every lot whose expiry date is on or before
the as-of day (one entry per member, consuming those lots); running it again
finds nothing left.  Birthdays pay once per member and calendar year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, extract, func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from loyaltycli.domain.dates import add_months, utc_naive
from loyaltycli.domain.expiry import inactivity_expiry, lot_expiry
from loyaltycli.services.context import Today, today_in
from loyaltycli.storage import ledger
from loyaltycli.storage.bulk import Codec, Inserter, reserve_ids, table_of
from loyaltycli.storage.database import Database
from loyaltycli.storage.models import LedgerEntry, LotUse, Member, PointLot


@dataclass(frozen=True)
class JobResult:
    as_of: dt.date
    members: int
    points: int
    dry_run: bool


def expire(db: Database, as_of: dt.date | None, dry_run: bool, now: dt.datetime) -> JobResult:
    """Remove the points of every lot due on or before `as_of` (default today)."""
    with db.read() if dry_run else db.write() as session:
        ctx = today_in(session, now)
        day = as_of or ctx.today
        if not dry_run:
            ctx.written_day(day, "--as-of")
        locked = None
        if not dry_run:
            locked = _lock_due_members(session, day, ctx.version_on(day).program.expiry.policy == "inactivity")
        due = _due_lots(session, ctx, day)
        if locked is not None:
            # A lot that fell due for a member not locked above (a till wrote it a moment later) is left
            # for the next run: touching it without the member's lock could spend it twice.
            due = [lot for lot in due if lot[1] in locked]
        by_member: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for lot_pk, member_pk, remaining in due:
            by_member[member_pk].append((lot_pk, remaining))
        total = sum(r for _, _, r in due)
        if not dry_run and due:
            _book_expiry(session.connection(), ctx, by_member, day, now)
        return JobResult(day, len(by_member), total, dry_run)


def _lock_due_members(session: Session, day: dt.date, inactivity: bool) -> set[int] | None:
    """Hold the rows of members whose lots are due (in key order, as the tills do), so a purchase or
    redemption at the same moment waits instead of spending a lot this run is emptying.  SQLite's
    BEGIN IMMEDIATE already serialises writers; there this is a no-op (None: everything is locked)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    due = select(col(PointLot.member_pk)).where(
        col(PointLot.remaining) > 0, col(PointLot.expires_on).is_not(None), col(PointLot.expires_on) <= day
    )
    if inactivity:
        lapsed = select(col(PointLot.member_pk)).where(col(PointLot.remaining) > 0, col(PointLot.expires_on).is_(None))
        due = due.union(lapsed)  # type: ignore[assignment]
    locked = session.scalars(
        select(col(Member.pk))
        .where(col(Member.pk).in_(due.scalar_subquery()))
        .order_by(col(Member.pk))
        .with_for_update()
    ).all()
    return {pk for pk in locked if pk is not None}


def _due_lots(session: Session, ctx: Today, day: dt.date) -> list[tuple[int, int, int]]:
    """(lot, member, remaining) of every lot that has expired by `day`, under either policy."""
    rows = session.execute(
        select(col(PointLot.pk), col(PointLot.member_pk), col(PointLot.remaining))
        .where(col(PointLot.remaining) > 0, col(PointLot.expires_on).is_not(None), col(PointLot.expires_on) <= day)
        .order_by(col(PointLot.member_pk), col(PointLot.pk))
    ).all()
    due = [(int(a or 0), int(b), int(c)) for a, b, c in rows]
    policy = ctx.version_on(day).program.expiry
    if policy.policy == "inactivity" and policy.months:
        due += _lapsed_lots(session, ctx, day, {pk for _, pk, _ in due})
    return due


def _lapsed_lots(session: Session, ctx: Today, day: dt.date, already: set[int]) -> list[tuple[int, int, int]]:
    policy = ctx.version_on(day).program.expiry
    assert policy.months is not None
    # Candidates: last activity at least `months` months before `day` (the exact day is checked below).
    cutoff = add_months(day, -policy.months)
    last = func.coalesce(col(Member.last_purchase_on), col(Member.enrolled_on))
    rows = session.execute(
        select(col(PointLot.pk), col(PointLot.member_pk), col(PointLot.remaining), last)
        .join(Member, col(Member.pk) == col(PointLot.member_pk))
        .where(col(PointLot.remaining) > 0, col(PointLot.expires_on).is_(None), last <= cutoff)
        .order_by(col(PointLot.member_pk), col(PointLot.pk))
    ).all()
    lapsed = []
    for lot_pk, member_pk, remaining, last_day in rows:
        lapse = inactivity_expiry(policy, last_day)
        if member_pk not in already and lapse is not None and lapse <= day:
            lapsed.append((int(lot_pk or 0), int(member_pk), int(remaining)))
    return lapsed


def _book_expiry(
    conn: Connection, ctx: Today, by_member: dict[int, list[tuple[int, int]]], day: dt.date, now: dt.datetime
) -> None:
    """One `expire` entry per member consuming its due lots, written in bulk."""
    codec = Codec(conn)
    version = ctx.version_on(day).version
    entry_ids = reserve_ids(conn, table_of(LedgerEntry), len(by_member))
    entries, uses, lots = [], [], []
    created = codec.instant(utc_naive(now))
    for entry_pk, (member_pk, due) in zip(entry_ids, by_member.items(), strict=True):
        entries.append(
            (
                entry_pk,
                member_pk,
                "expire",
                -sum(r for _, r in due),
                codec.day(day),
                created,
                version,
                "expire",
                f"as-of:{day.isoformat()}",
            )
        )
        for lot_pk, remaining in due:
            uses.append((lot_pk, entry_pk, remaining))
            lots.append({"b_pk": lot_pk})
    columns = ("pk", "member_pk", "kind", "points", "business_date", "created_at", "program_version", "command", "ref")
    Inserter(conn, table_of(LedgerEntry), columns).run(entries)
    Inserter(conn, table_of(LotUse), ("lot_pk", "entry_pk", "points")).run(uses)
    table = table_of(PointLot)
    conn.execute(update(table).where(table.c.pk == bindparam("b_pk")).values(remaining=0), lots)


def expire_member(
    session: Session, ctx: Today, member_pk: int, day: dt.date, now: dt.datetime, everything: bool = False
) -> int:
    """Expire one member's due lots (all of them when `everything`: an inactivity lapse)."""
    query = select(col(PointLot.pk), col(PointLot.remaining)).where(
        col(PointLot.member_pk) == member_pk, col(PointLot.remaining) > 0
    )
    if not everything:
        query = query.where(col(PointLot.expires_on).is_not(None), col(PointLot.expires_on) <= day)
    due = [(int(a or 0), int(b)) for a, b in session.execute(query).all()]
    if due:
        session.flush()
        _book_expiry(session.connection(), ctx, {member_pk: due}, day, now)
        session.expire_all()
    return sum(r for _, r in due)


def birthdays(db: Database, as_of: dt.date | None, dry_run: bool, now: dt.datetime) -> JobResult:
    """The birthday bonus for active members born in the as-of month, once per calendar year."""
    with db.read() if dry_run else db.write() as session:
        ctx = today_in(session, now)
        day = as_of or ctx.today
        if not dry_run:
            ctx.written_day(day, "--as-of")
        version = ctx.version_on(day)
        points = version.program.bonuses.birthday
        if not points:
            return JobResult(day, 0, 0, dry_run)
        ref = f"birthday:{day.year}"
        paid = select(col(LedgerEntry.member_pk)).where(
            col(LedgerEntry.kind) == "birthday", col(LedgerEntry.ref) == ref
        )
        query = (
            select(Member)
            .where(col(Member.status) == "active", extract("month", col(Member.birthday)) == day.month)
            .where(col(Member.enrolled_on) <= day, col(Member.pk).not_in(paid))
            .order_by(col(Member.pk))
        )
        members = session.scalars(query if dry_run else query.with_for_update()).all()
        if not dry_run:
            booking = ledger.Booking(version.version, "birthdays", day, utc_naive(now), ref=ref)
            expires = lot_expiry(version.program.expiry, day)
            for member in members:
                ledger.credit(session, member, "birthday", points, booking, day, expires)
        return JobResult(day, len(members), points * len(members), dry_run)
