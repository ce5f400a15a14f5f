"""`report summary` (SPEC §5): the owner's figures for a period, as SQL aggregates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, distinct, extract, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from loyaltycli.domain.abuse import Finding, shared_identity, too_many_receipts, too_many_refunds
from loyaltycli.domain.money import format_cents
from loyaltycli.domain.schedules import describe_schedule
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.services.context import today_in
from loyaltycli.storage.database import Database
from loyaltycli.storage.ledger import CREDIT_KINDS, REDEEM_KINDS
from loyaltycli.storage.models import LedgerEntry, Member, PointLot, Receipt


def _in_period(column: Any, since: dt.date | None, until: dt.date | None) -> list[Any]:
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column <= until)
    return conditions


def _ratio(part: int | Decimal, whole: int | Decimal) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def summary(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> dict[str, Any]:
    if since and until and since > until:
        raise BadInputError(_("--from {since} is after --to {until}.").format(since=since, until=until))
    with db.read() as session:
        ctx = today_in(session, now)
        points = _points(session, since, until)
        outstanding = _outstanding(session, ctx.today)
        sales = _sales(session, since, until)
        members = _members(session, since, until)
        value = ctx.program.redeem.point_value
        return {
            "period": {"from": since, "to": until},
            "currency": ctx.program.program.currency,
            "members": members,
            "points": points | {"outstanding": outstanding},
            "liability": f"{(Decimal(outstanding) * value).quantize(Decimal('0.01'))}" if value else None,
            "redemption_rate": _ratio(points["redeemed"], points["issued"]),
            "repeat_rate": _ratio(members.pop("_repeat"), members.pop("_buying")),
            "sales": {"members": format_cents(sales["members"]), "anonymous": format_cents(sales["anonymous"])},
            "receipts": {"members": sales["members_n"], "anonymous": sales["anonymous_n"]},
            "average_receipt": {
                "members": _average(sales["members_gross"], sales["members_n"]),
                "anonymous": _average(sales["anonymous_gross"], sales["anonymous_n"]),
            },
        }


def _average(cents: int, count: int) -> str | None:
    if not count:
        return None
    return format_cents(int((Decimal(cents) / count).to_integral_value(rounding=ROUND_HALF_UP)))


def _points(session: Session, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
    kind, points = col(LedgerEntry.kind), col(LedgerEntry.points)

    def total(condition: Any, sign: int = 1) -> Any:
        return func.coalesce(func.sum(case((condition, sign * points), else_=0)), 0)

    row = session.execute(
        select(
            total(kind.in_(CREDIT_KINDS) & (points > 0)),
            total(kind.in_(REDEEM_KINDS), -1),
            total(kind == "expire", -1),
            total(kind == "refund", -1),
            total((kind == "adjust") & (points < 0), -1),
        ).where(*_in_period(col(LedgerEntry.business_date), since, until))
    ).one()
    return {
        "issued": int(row[0]),
        "redeemed": int(row[1]),
        "expired": int(row[2]),
        "reversed": int(row[3]),
        "adjusted_down": int(row[4]),
    }


def _outstanding(session: Session, today: dt.date) -> int:
    lots = session.scalar(
        select(func.coalesce(func.sum(col(PointLot.remaining)), 0)).where(
            col(PointLot.remaining) > 0, or_(col(PointLot.expires_on).is_(None), col(PointLot.expires_on) > today)
        )
    )
    debt = session.scalar(select(func.coalesce(func.sum(col(Member.debt)), 0)))
    return int(lots or 0) - int(debt or 0)


def _sales(session: Session, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
    anonymous = col(Receipt.member_pk).is_(None)
    purchase = col(Receipt.kind) == "purchase"
    signed = case((purchase, col(Receipt.total_cents)), else_=-col(Receipt.total_cents))

    def total(condition: Any, value: Any) -> Any:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    row = session.execute(
        select(
            total(~anonymous, signed),
            total(anonymous, signed),
            total(~anonymous & purchase, col(Receipt.total_cents)),
            total(anonymous & purchase, col(Receipt.total_cents)),
            total(~anonymous & purchase, 1),
            total(anonymous & purchase, 1),
        ).where(*_in_period(col(Receipt.local_date), since, until))
    ).one()
    keys = ("members", "anonymous", "members_gross", "anonymous_gross", "members_n", "anonymous_n")
    return {k: int(v) for k, v in zip(keys, row, strict=True)}


def _members(session: Session, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
    total = session.scalar(select(func.count()).select_from(Member)) or 0
    new = (
        session.scalar(
            select(func.count()).select_from(Member).where(*_in_period(col(Member.enrolled_on), since, until))
        )
        or 0
    )
    per_member = (
        select(col(Receipt.member_pk), func.count().label("n"))
        .where(col(Receipt.kind) == "purchase", col(Receipt.member_pk).is_not(None))
        .where(*_in_period(col(Receipt.local_date), since, until))
        .group_by(col(Receipt.member_pk))
        .subquery()
    )
    buying, repeat = session.execute(
        select(
            func.count(distinct(per_member.c.member_pk)),
            func.coalesce(func.sum(case((per_member.c.n >= 2, 1), else_=0)), 0),
        )
    ).one()
    return {"total": int(total), "active": int(buying), "new": int(new), "_buying": int(buying), "_repeat": int(repeat)}


def _month(column: Any) -> tuple[Any, Any]:
    return extract("year", column), extract("month", column)


def liability(db: Database, now: dt.datetime) -> dict[str, Any]:
    """Outstanding points (available and pending) valued at point_value, and when they fall due."""
    with db.read() as session:
        ctx = today_in(session, now)
        today = ctx.today
        value = ctx.program.redeem.point_value
        # One pass over the unexpired lots, grouped by expiry and availability day (the index on
        # expires_on serves it); months and availability are worked out from the few distinct days in Python.
        lots = session.execute(
            select(col(PointLot.expires_on), col(PointLot.available_on), func.sum(col(PointLot.remaining)))
            .where(col(PointLot.remaining) > 0)
            .where(or_(col(PointLot.expires_on).is_(None), col(PointLot.expires_on) > today))
            .group_by(col(PointLot.expires_on), col(PointLot.available_on))
        ).all()
        debt = int(session.scalar(select(func.coalesce(func.sum(col(Member.debt)), 0))) or 0)
    row = [0, 0]
    by_month: dict[str, int] = {}
    never = 0
    for expires_on, available_on, points in lots:
        row[0 if available_on <= today else 1] += int(points)
        if expires_on is None:
            never += int(points)
        else:
            key = f"{expires_on.year:04d}-{expires_on.month:02d}"
            by_month[key] = by_month.get(key, 0) + int(points)
    due = [(key[:4], key[5:], points) for key, points in sorted(by_month.items())]
    available, pending = int(row[0]) - debt, int(row[1])

    def money(points: int) -> str | None:
        return f"{(Decimal(points) * value).quantize(Decimal('0.01'))}" if value else None

    return {
        "as_of": today,
        "currency": ctx.program.program.currency,
        "point_value": f"{value}" if value else None,
        "available": available,
        "pending": pending,
        "outstanding": available + pending,
        "value": money(available + pending),
        "due": [{"month": f"{int(y):04d}-{int(m):02d}", "points": int(p), "value": money(int(p))} for y, m, p in due],
        "never_expire": int(never or 0),
    }


def tiers(db: Database, now: dt.datetime) -> dict[str, Any]:
    """Members per tier today (what qualified in the rolling window)."""
    from loyaltycli.domain.tiers import tier_for
    from loyaltycli.storage.listing import qualifying_totals

    with db.read() as session:
        ctx = today_in(session, now)
        program_tiers = ctx.program.tiers
        members = int(session.scalar(select(func.count()).select_from(Member)) or 0)
        if program_tiers is None:
            return {"basis": None, "window_months": None, "tiers": [], "no_tier": members}
        totals = qualifying_totals(session, program_tiers, ctx.today)
    counts = {level.name: 0 for level in program_tiers.levels}
    placed = 0
    for total in totals.values():
        level = tier_for(program_tiers, total)
        if level is not None:
            counts[level.name] += 1
            placed += 1
    lowest = program_tiers.levels[0]
    if lowest.threshold <= 0:
        counts[lowest.name] += members - len(totals)
        placed += members - len(totals)
    return {
        "basis": program_tiers.basis,
        "currency": ctx.program.program.currency,
        "window_months": program_tiers.window_months,
        "tiers": [
            {
                "name": lv.name,
                "threshold": str(lv.threshold),
                "multiplier": str(lv.multiplier),
                "members": counts[lv.name],
            }
            for lv in program_tiers.levels
        ],
        "no_tier": members - placed,
    }


def campaigns(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> dict[str, Any]:
    """Receipts, revenue and extra points per campaign, net of refunds: a fully refunded receipt no
    longer counts, a partly refunded one keeps the unrefunded share of its revenue and extra points."""
    with db.read() as session:
        ctx = today_in(session, now)
        refunds = (
            select(col(Receipt.refund_of_pk).label("of_pk"), func.sum(col(Receipt.total_cents)).label("cents"))
            .where(col(Receipt.kind) == "refund")
            .group_by(col(Receipt.refund_of_pk))
            .subquery()
        )
        total, refunded = col(Receipt.total_cents), func.coalesce(refunds.c.cents, 0)
        kept = refunded < total
        rows = session.execute(
            select(
                col(Receipt.campaign_id),
                func.coalesce(func.sum(case((kept, 1), else_=0)), 0),
                func.coalesce(func.sum(case((kept, total - refunded), else_=0)), 0),
                func.coalesce(
                    func.sum(case((kept, col(Receipt.campaign_points) * (total - refunded) / total), else_=0)), 0
                ),
            )
            .outerjoin(refunds, refunds.c.of_pk == col(Receipt.pk))
            .where(col(Receipt.kind) == "purchase", col(Receipt.campaign_id).is_not(None), total > 0)
            .where(*_in_period(col(Receipt.local_date), since, until))
            .group_by(col(Receipt.campaign_id))
        ).all()
        known = {c.id: c for v in ctx.versions for c in v.program.campaigns}
    found = {str(cid): (int(n), int(cents or 0), int(extra or 0)) for cid, n, cents, extra in rows}
    result = []
    for cid in dict.fromkeys([*known, *found]):
        n, cents, extra = found.get(cid, (0, 0, 0))
        campaign = known.get(cid)
        result.append(
            {
                "id": cid,
                "name": campaign.title if campaign else cid,
                "starts": campaign.starts if campaign else None,
                "ends": campaign.ends if campaign else None,
                "when": describe_schedule(campaign) if campaign else None,
                "receipts": n,
                "revenue": format_cents(cents),
                "extra_points": extra,
            }
        )
    return {"period": {"from": since, "to": until}, "currency": ctx.program.program.currency, "campaigns": result}


def monthly(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> dict[str, Any]:
    """Points issued, redeemed and expired, and revenue, per month."""
    with db.read() as session:
        ctx = today_in(session, now)
        kind, points = col(LedgerEntry.kind), col(LedgerEntry.points)
        year, month = _month(col(LedgerEntry.business_date))
        ledger_rows = session.execute(
            select(
                year,
                month,
                func.coalesce(func.sum(case((kind.in_(CREDIT_KINDS) & (points > 0), points), else_=0)), 0),
                func.coalesce(func.sum(case((kind.in_(REDEEM_KINDS), -points), else_=0)), 0),
                func.coalesce(func.sum(case((kind == "expire", -points), else_=0)), 0),
            )
            .where(*_in_period(col(LedgerEntry.business_date), since, until))
            .group_by(year, month)
        ).all()
        r_year, r_month = _month(col(Receipt.local_date))
        signed = case((col(Receipt.kind) == "purchase", col(Receipt.total_cents)), else_=-col(Receipt.total_cents))
        revenue_rows = session.execute(
            select(r_year, r_month, func.sum(signed))
            .where(*_in_period(col(Receipt.local_date), since, until))
            .group_by(r_year, r_month)
        ).all()
    months: dict[str, dict[str, Any]] = {}

    def slot(y: Any, m: Any) -> dict[str, Any]:
        key = f"{int(y):04d}-{int(m):02d}"
        return months.setdefault(key, {"month": key, "issued": 0, "redeemed": 0, "expired": 0, "revenue_cents": 0})

    for y, m, issued, redeemed, expired in ledger_rows:
        entry = slot(y, m)
        entry.update(issued=int(issued), redeemed=int(redeemed), expired=int(expired))
    for y, m, cents in revenue_rows:
        slot(y, m)["revenue_cents"] = int(cents or 0)
    series = [months[k] for k in sorted(months)]
    for entry in series:
        entry["revenue"] = format_cents(entry.pop("revenue_cents"))
    return {"period": {"from": since, "to": until}, "currency": ctx.program.program.currency, "months": series}


def top_members(
    db: Database, since: dt.date | None, until: dt.date | None, top: int, now: dt.datetime
) -> dict[str, Any]:
    """The members who spend most, earn most points, and bring most new members."""
    with db.read() as session:
        today_in(session, now)
        signed = case((col(Receipt.kind) == "purchase", col(Receipt.total_cents)), else_=-col(Receipt.total_cents))
        spend = session.execute(
            select(col(Member.id), col(Member.name), func.sum(signed).label("cents"), func.count())
            .join(Receipt, col(Receipt.member_pk) == col(Member.pk))
            .where(*_in_period(col(Receipt.local_date), since, until))
            .group_by(col(Member.pk), col(Member.id), col(Member.name))
            .order_by(func.sum(signed).desc(), col(Member.pk))
            .limit(top)
        ).all()
        earned = session.execute(
            select(col(Member.id), col(Member.name), func.sum(col(LedgerEntry.points)))
            .join(LedgerEntry, col(LedgerEntry.member_pk) == col(Member.pk))
            .where(col(LedgerEntry.kind).in_(CREDIT_KINDS), col(LedgerEntry.points) > 0)
            .where(*_in_period(col(LedgerEntry.business_date), since, until))
            .group_by(col(Member.pk), col(Member.id), col(Member.name))
            .order_by(func.sum(col(LedgerEntry.points)).desc(), col(Member.pk))
            .limit(top)
        ).all()
        referred = (
            select(col(Member.referred_by_pk).label("by"), func.count().label("n"))
            .where(col(Member.referred_by_pk).is_not(None), *_in_period(col(Member.enrolled_on), since, until))
            .group_by(col(Member.referred_by_pk))
            .subquery()
        )
        senders = session.execute(
            select(col(Member.id), col(Member.name), referred.c.n)
            .join(referred, referred.c.by == col(Member.pk))
            .order_by(referred.c.n.desc(), col(Member.pk))
            .limit(top)
        ).all()
    return {
        "period": {"from": since, "to": until},
        "spenders": [{"id": i, "name": n, "revenue": format_cents(int(c)), "receipts": int(k)} for i, n, c, k in spend],
        "earners": [{"id": i, "name": n, "points": int(p)} for i, n, p in earned],
        "senders": [{"id": i, "name": n, "referrals": int(k)} for i, n, k in senders],
    }


@dataclass(frozen=True)
class Suspicious:
    """What `report suspicious` found in a period; the command exits 1 when `findings` is not empty."""

    period: dict[str, dt.date | None]
    findings: list[Finding]


def suspicious(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> Suspicious:
    """Members over the programme's `[abuse]` limits, and referrals between members who look like one person."""
    from loyaltycli.storage import abuse as figures

    with db.read() as session:
        limits = today_in(session, now).program.abuse
        found: list[Finding] = []
        if limits.max_receipts_per_day is not None:
            counts = figures.receipts_per_day(session, limits.max_receipts_per_day, since, until)
            found += too_many_receipts(counts, limits.max_receipts_per_day)
        if limits.max_refunds_per_30_days is not None:
            dates = figures.full_refund_dates(session, since, until)
            found += [
                f for f in too_many_refunds(dates, limits.max_refunds_per_30_days) if since is None or f.date >= since
            ]
        for referrer, referee, day in figures.referrals(session, since, until):
            why = shared_identity(referrer, referee)
            if why is not None:
                found.append(Finding(referee.id, "self-referral", day, f"referred by {referrer.id}: {why}"))
    found.sort(key=lambda f: (f.date, f.member, f.reason))
    return Suspicious({"from": since, "to": until}, found)
