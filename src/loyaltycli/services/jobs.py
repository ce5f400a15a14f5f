"""The cron jobs: `expire` and `birthdays`, both idempotent and both with --dry-run.

Expiry removes what remains of every lot whose expiry date is on or before
the as-of day (one entry per member, consuming those lots); running it again
finds nothing left.  Birthdays pay once per member and calendar year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loyaltycli.domain import plans
from loyaltycli.domain.dates import add_months, utc_naive
from loyaltycli.domain.expiry import inactivity_expiry, lot_expiry
from loyaltycli.services.context import Today, today_in
from loyaltycli.storage import expiry as stored
from loyaltycli.storage import ledger
from loyaltycli.storage.database import Database
from loyaltycli.storage.records import Transaction


@dataclass(frozen=True)
class JobResult:
    as_of: dt.date
    members: int
    points: int
    dry_run: bool


def expire(db: Database, as_of: dt.date | None, dry_run: bool, now: dt.datetime) -> JobResult:
    """Remove the points of every lot due on or before `as_of` (default today)."""
    with db.read() if dry_run else db.write() as tx:
        ctx = today_in(tx, now)
        day = as_of or ctx.today
        if not dry_run:
            ctx.written_day(day, "--as-of")
        locked = None
        if not dry_run:
            locked = stored.lock_due_members(tx, day, ctx.version_on(day).program.expiry.policy == "inactivity")
        due = _due_lots(tx, ctx, day)
        if locked is not None:
            # A lot that fell due for a member not locked above (a till wrote it a moment later) is left
            # for the next run: touching it without the member's lock could spend it twice.
            due = [lot for lot in due if lot.member_pk in locked]
        expiring = plans.expired(due, plans.expiry_booking(ctx.version_on(day).version, "expire", day, utc_naive(now)))
        if not dry_run:
            ledger.post_plans(tx, expiring)
        return JobResult(day, len(expiring), sum(lot.remaining for lot in due), dry_run)


def _due_lots(tx: Transaction, ctx: Today, day: dt.date) -> list[plans.DueLot]:
    """Every lot that has expired by `day`, under either policy."""
    due = stored.lots_due(tx, day)
    policy = ctx.version_on(day).program.expiry
    if policy.policy == "inactivity" and policy.months:
        already = {lot.member_pk for lot in due}
        # Candidates: last activity at least `months` months before `day` (the exact day is checked here).
        for lot in stored.lapse_candidates(tx, add_months(day, -policy.months)):
            lapse = inactivity_expiry(policy, lot.last_active)
            if lot.member_pk not in already and lapse is not None and lapse <= day:
                due.append(plans.DueLot(lot.lot_pk, lot.member_pk, lot.remaining))
    return due


def expire_member(
    tx: Transaction, ctx: Today, member_pk: int, day: dt.date, now: dt.datetime, everything: bool = False
) -> int:
    """Expire one member's due lots (all of them when `everything`: an inactivity lapse)."""
    due = stored.lots_held(tx, member_pk) if everything else stored.lots_due(tx, day, member_pk)
    if due:
        booking = plans.expiry_booking(ctx.version_on(day).version, "expire", day, utc_naive(now))
        ledger.post_plans(tx, plans.expired(due, booking))
    return sum(lot.remaining for lot in due)


def birthdays(db: Database, as_of: dt.date | None, dry_run: bool, now: dt.datetime) -> JobResult:
    """The birthday bonus for active members born in the as-of month, once per calendar year. A run for a day
    before the latest run's pays nothing: last year's December must not pay this year's members again."""
    with db.read() if dry_run else db.write() as tx:
        ctx = today_in(tx, now)
        day = as_of or ctx.today
        if not dry_run:
            ctx.written_day(day, "--as-of")
        version = ctx.version_on(day)
        points = version.program.bonuses.birthday
        if not points:
            return JobResult(day, 0, 0, dry_run)
        latest = stored.latest_birthday_run(tx)
        if latest is not None and day < latest:  # a run for an earlier date changes nothing (README, In cron)
            return JobResult(day, 0, 0, dry_run)
        ref = f"birthday:{day.year}"
        members = stored.birthday_members(tx, day, ref, lock=not dry_run)
        if not dry_run:
            booking = ledger.Booking(version.version, "birthdays", day, utc_naive(now), ref=ref)
            expires = lot_expiry(version.program.expiry, day)
            grant = plans.Grant(points, day, expires)
            debts = ledger.debts(tx, [member.pk for member in members])
            birthday = [
                plans.credit(plans.Holdings(m.pk, debts.get(m.pk, 0)), "birthday", booking, grant) for m in members
            ]
            ledger.post_plans(tx, birthday)
        return JobResult(day, len(members), points * len(members), dry_run)
