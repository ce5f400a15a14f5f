"""The reports (SPEC §5): the owner's figures for a period, made from `storage/figures.py`'s aggregates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from loyaltycli.domain.abuse import Finding, shared_identity, too_many_receipts, too_many_refunds
from loyaltycli.domain.money import format_cents
from loyaltycli.domain.schedules import describe_schedule
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.services.context import today_in
from loyaltycli.storage import figures
from loyaltycli.storage.database import Database


def _ratio(part: int | Decimal, whole: int | Decimal) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def summary(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> dict[str, Any]:
    if since and until and since > until:
        raise BadInputError(_("--from {since} is after --to {until}.").format(since=since, until=until))
    with db.read() as session:
        ctx = today_in(session, now)
        points = figures.points_in(session, since, until)
        outstanding = figures.outstanding(session, ctx.today)
        sales = figures.sales_in(session, since, until)
        members = figures.members_in(session, since, until)
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


def liability(db: Database, now: dt.datetime) -> dict[str, Any]:
    """Outstanding points (available and pending) valued at point_value, and when they fall due."""
    with db.read() as session:
        ctx = today_in(session, now)
        today = ctx.today
        value = ctx.program.redeem.point_value
        lots = figures.unexpired_lots(session, today)
        debt = figures.total_debt(session)
    row = [0, 0]
    by_month: dict[str, int] = {}
    never = 0
    for expires_on, available_on, points in lots:
        row[0 if available_on <= today else 1] += points
        if expires_on is None:
            never += points
        else:
            key = f"{expires_on.year:04d}-{expires_on.month:02d}"
            by_month[key] = by_month.get(key, 0) + points
    available, pending = row[0] - debt, row[1]

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
        "due": [{"month": key, "points": points, "value": money(points)} for key, points in sorted(by_month.items())],
        "never_expire": never,
    }


def tiers(db: Database, now: dt.datetime) -> dict[str, Any]:
    """Members per tier today (what qualified in the rolling window)."""
    from loyaltycli.domain.tiers import tier_for
    from loyaltycli.storage.listing import qualifying_totals

    with db.read() as session:
        ctx = today_in(session, now)
        program_tiers = ctx.program.tiers
        members = figures.member_count(session)
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
    """Receipts, revenue and extra points per campaign, net of refunds (see `figures.campaign_figures`)."""
    with db.read() as session:
        ctx = today_in(session, now)
        rows = figures.campaign_figures(session, since, until)
        known = {c.id: c for v in ctx.versions for c in v.program.campaigns}
    found = {cid: (n, cents, extra) for cid, n, cents, extra in rows}
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
        points = figures.monthly_points(session, since, until)
        revenue = figures.monthly_revenue(session, since, until)
    months: dict[str, dict[str, Any]] = {}

    def slot(key: str) -> dict[str, Any]:
        return months.setdefault(key, {"month": key, "issued": 0, "redeemed": 0, "expired": 0, "revenue_cents": 0})

    for key, issued, redeemed, expired in points:
        slot(key).update(issued=issued, redeemed=redeemed, expired=expired)
    for key, cents in revenue:
        slot(key)["revenue_cents"] = cents
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
        spend = figures.top_spenders(session, since, until, top)
        earned = figures.top_earners(session, since, until, top)
        senders = figures.top_senders(session, since, until, top)
    return {
        "period": {"from": since, "to": until},
        "spenders": [{"id": i, "name": n, "revenue": format_cents(c), "receipts": k} for i, n, c, k in spend],
        "earners": [{"id": i, "name": n, "points": p} for i, n, p in earned],
        "senders": [{"id": i, "name": n, "referrals": k} for i, n, k in senders],
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
