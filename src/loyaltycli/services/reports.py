"""The reports (SPEC §5): the owner's figures for a period, made from `storage/figures.py`'s aggregates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from loyaltycli import i18n
from loyaltycli.domain.abuse import Finding, self_referral, too_many_receipts, too_many_refunds
from loyaltycli.domain.money import format_cents
from loyaltycli.domain.schedules import describe_schedule
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.services.context import today_in
from loyaltycli.storage import figures
from loyaltycli.storage.database import Database

# Field names that are Python keywords in the JSON (SPEC §5: a period is {"from": ..., "to": ...}).
JSON_NAMES = {"since": "from", "until": "to"}


def _json_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {JSON_NAMES.get(name, name): value for name, value in pairs}


class Report:
    """A report's figures; `as_json()` is what `--json` prints (and `--csv` flattens)."""

    def as_json(self) -> dict[str, Any]:
        document: dict[str, Any] = dataclasses.asdict(self, dict_factory=_json_fields)  # type: ignore[call-overload]
        return document


@dataclass(frozen=True)
class Period:
    since: dt.date | None
    until: dt.date | None


@dataclass(frozen=True)
class MemberCounts:
    total: int
    active: int  # purchased in the period
    new: int


@dataclass(frozen=True)
class PointTotals:
    issued: int
    redeemed: int
    expired: int
    reversed: int
    adjusted_down: int
    outstanding: int  # available + pending now


@dataclass(frozen=True)
class Sales:
    """Revenue (as `12.50`) from members and from anonymous buyers."""

    members: str
    anonymous: str


@dataclass(frozen=True)
class Averages:
    """The average receipt (as `12.50`; None without receipts) of members and of anonymous buyers."""

    members: str | None
    anonymous: str | None


@dataclass(frozen=True)
class Counts:
    members: int
    anonymous: int


@dataclass(frozen=True)
class Summary(Report):
    period: Period
    currency: str
    members: MemberCounts
    points: PointTotals
    liability: str | None
    redemption_rate: str | None
    repeat_rate: str | None
    sales: Sales
    receipts: Counts
    average_receipt: Averages


@dataclass(frozen=True)
class Due:
    month: str  # YYYY-MM
    points: int
    value: str | None


@dataclass(frozen=True)
class Liability(Report):
    as_of: dt.date
    currency: str
    point_value: str | None
    available: int
    pending: int
    outstanding: int
    value: str | None
    due: list[Due]
    never_expire: int
    points: int  # SPEC §3 `report liability --as-of`: the outstanding points (as `outstanding`)
    expiring_unused: int  # of them, taken by an expiry after `as_of` without being spent (0 as of today)
    expiring_unused_value: str | None


@dataclass(frozen=True)
class TierCount:
    name: str
    threshold: str
    multiplier: str
    members: int


@dataclass(frozen=True)
class TierReport(Report):
    basis: str | None  # None: the programme has no tiers
    currency: str
    window_months: int | None
    tiers: list[TierCount]
    no_tier: int


@dataclass(frozen=True)
class CampaignFigures:
    id: str
    name: str
    starts: dt.date | None
    ends: dt.date | None
    when: str | None
    receipts: int
    revenue: str
    extra_points: int


@dataclass(frozen=True)
class CampaignReport(Report):
    period: Period
    currency: str
    campaigns: list[CampaignFigures]


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    issued: int
    redeemed: int
    expired: int
    revenue: str


@dataclass(frozen=True)
class MonthlyReport(Report):
    period: Period
    currency: str
    months: list[Month]


@dataclass(frozen=True)
class Spender:
    id: str | None  # None: an erased member
    name: str
    revenue: str
    receipts: int


@dataclass(frozen=True)
class Earner:
    id: str | None  # None: an erased member
    name: str
    points: int


@dataclass(frozen=True)
class Sender:
    id: str | None  # None: an erased member
    name: str
    referrals: int


@dataclass(frozen=True)
class TopMembers(Report):
    period: Period
    spenders: list[Spender]
    earners: list[Earner]
    senders: list[Sender]


def _ratio(part: int | Decimal, whole: int | Decimal) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def summary(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> Summary:
    if since and until and since > until:
        raise BadInputError(_("--from {since} is after --to {until}.").format(since=since, until=until))
    with db.read() as tx:
        ctx = today_in(tx, now)
        points = figures.points_in(tx, since, until)
        outstanding = figures.outstanding(tx, ctx.today)
        sales = figures.sales_in(tx, since, until)
        members = figures.members_in(tx, since, until)
        value = ctx.program.redeem.point_value
        return Summary(
            period=Period(since, until),
            currency=ctx.program.program.currency,
            members=MemberCounts(members["total"], members["active"], members["new"]),
            points=PointTotals(**points, outstanding=outstanding),
            liability=f"{(Decimal(outstanding) * value).quantize(Decimal('0.01'))}" if value else None,
            redemption_rate=_ratio(points["redeemed"], points["issued"]),
            repeat_rate=_ratio(members["_repeat"], members["_buying"]),
            sales=Sales(format_cents(sales["members"]), format_cents(sales["anonymous"])),
            receipts=Counts(sales["members_n"], sales["anonymous_n"]),
            average_receipt=Averages(
                _average(sales["members_gross"], sales["members_n"]),
                _average(sales["anonymous_gross"], sales["anonymous_n"]),
            ),
        )


def _average(cents: int, count: int) -> str | None:
    if not count:
        return None
    return format_cents(int((Decimal(cents) / count).to_integral_value(rounding=ROUND_HALF_UP)))


def liability(db: Database, now: dt.datetime, as_of: dt.date | None = None) -> Liability:
    """Outstanding points (available and pending) valued at point_value, and when they fall due; with
    `as_of`, as the ledger stood at the end of that day (a year end), the points a later expiry took apart."""
    with db.read() as tx:
        ctx = today_in(tx, now)
        if as_of is not None and as_of > ctx.today:
            raise BadInputError(
                _("--as-of {day} is after today; the liability can be stated for today or a day before.").format(
                    day=i18n.day(as_of)
                )
            )
        today = as_of or ctx.today
        value = ctx.version_on(today).program.redeem.point_value if as_of else ctx.program.redeem.point_value
        if as_of is None:
            lots = [(e, a, p, 0) for e, a, p in figures.unexpired_lots(tx, today)]
            debt = figures.total_debt(tx)
        else:
            lots, debt = figures.lots_as_of(tx, as_of), figures.debt_as_of(tx, as_of)
    row = [0, 0]
    by_month: dict[str, int] = {}
    never = unused = 0
    for expires_on, available_on, points, expired_later in lots:
        unused += expired_later
        row[0 if available_on <= today else 1] += points
        if expires_on is None:
            never += points
        else:
            key = f"{expires_on.year:04d}-{expires_on.month:02d}"
            by_month[key] = by_month.get(key, 0) + points
    available, pending = row[0] - debt, row[1]

    def money(points: int) -> str | None:
        return f"{(Decimal(points) * value).quantize(Decimal('0.01'))}" if value else None

    return Liability(
        as_of=today,
        currency=ctx.program.program.currency,
        point_value=f"{value}" if value else None,
        available=available,
        pending=pending,
        outstanding=available + pending,
        value=money(available + pending),
        due=[Due(key, points, money(points)) for key, points in sorted(by_month.items())],
        never_expire=never,
        points=available + pending,
        expiring_unused=unused,
        expiring_unused_value=money(unused),
    )


def tiers(db: Database, now: dt.datetime) -> TierReport:
    """Members per tier today (what qualified in the rolling window)."""
    from loyaltycli.domain.tiers import tier_for
    from loyaltycli.storage.listing import qualifying_totals

    with db.read() as tx:
        ctx = today_in(tx, now)
        program_tiers = ctx.program.tiers
        members = figures.member_count(tx)
        if program_tiers is None:
            return TierReport(None, ctx.program.program.currency, None, [], members)
        totals = qualifying_totals(tx, program_tiers, ctx.today)
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
    return TierReport(
        basis=program_tiers.basis,
        currency=ctx.program.program.currency,
        window_months=program_tiers.window_months,
        tiers=[
            TierCount(lv.name, str(lv.threshold), str(lv.multiplier), counts[lv.name]) for lv in program_tiers.levels
        ],
        no_tier=members - placed,
    )


def campaigns(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> CampaignReport:
    """Receipts, revenue and extra points per campaign, net of refunds (see `figures.campaign_figures`)."""
    with db.read() as tx:
        ctx = today_in(tx, now)
        rows = figures.campaign_figures(tx, since, until)
        known = {c.id: c for v in ctx.versions for c in v.program.campaigns}
    found = {cid: (n, cents, extra) for cid, n, cents, extra in rows}
    result = []
    for cid in dict.fromkeys([*known, *found]):
        n, cents, extra = found.get(cid, (0, 0, 0))
        campaign = known.get(cid)
        result.append(
            CampaignFigures(
                id=cid,
                name=campaign.title if campaign else cid,
                starts=campaign.starts if campaign else None,
                ends=campaign.ends if campaign else None,
                when=describe_schedule(campaign) if campaign else None,
                receipts=n,
                revenue=format_cents(cents),
                extra_points=extra,
            )
        )
    return CampaignReport(Period(since, until), ctx.program.program.currency, result)


def monthly(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> MonthlyReport:
    """Points issued, redeemed and expired, and revenue, per month."""
    with db.read() as tx:
        ctx = today_in(tx, now)
        points = figures.monthly_points(tx, since, until)
        revenue = figures.monthly_revenue(tx, since, until)
    months: dict[str, list[int]] = {}  # issued, redeemed, expired, revenue in cents
    for key, issued, redeemed, expired in points:
        months.setdefault(key, [0, 0, 0, 0])[:3] = [issued, redeemed, expired]
    for key, cents in revenue:
        months.setdefault(key, [0, 0, 0, 0])[3] = cents
    series = [
        Month(k, issued, redeemed, expired, format_cents(cents))
        for k, (issued, redeemed, expired, cents) in sorted(months.items())
    ]
    return MonthlyReport(Period(since, until), ctx.program.program.currency, series)


def top_members(db: Database, since: dt.date | None, until: dt.date | None, top: int, now: dt.datetime) -> TopMembers:
    """The members who spend most, earn most points, and bring most new members."""
    with db.read() as tx:
        today_in(tx, now)
        spend = figures.top_spenders(tx, since, until, top)
        earned = figures.top_earners(tx, since, until, top)
        senders = figures.top_senders(tx, since, until, top)
    return TopMembers(
        Period(since, until),
        [Spender(i, n, format_cents(c), k) for i, n, c, k in spend],
        [Earner(i, n, p) for i, n, p in earned],
        [Sender(i, n, k) for i, n, k in senders],
    )


@dataclass(frozen=True)
class Suspicious:
    """What `report suspicious` found in a period; the command exits 1 when `findings` is not empty."""

    period: dict[str, dt.date | None]
    findings: list[Finding]


def suspicious(db: Database, since: dt.date | None, until: dt.date | None, now: dt.datetime) -> Suspicious:
    """Members over the programme's `[abuse]` limits, and referrals between members who look like one person."""
    from loyaltycli.storage import abuse as figures

    with db.read() as tx:
        limits = today_in(tx, now).program.abuse
        found: list[Finding] = []
        if limits.max_receipts_per_day is not None:
            counts = figures.receipts_per_day(tx, limits.max_receipts_per_day, since, until)
            found += too_many_receipts(counts, limits.max_receipts_per_day)
        if limits.max_refunds_per_30_days is not None:
            dates = figures.full_refund_dates(tx, since, until)
            found += [
                f for f in too_many_refunds(dates, limits.max_refunds_per_30_days) if since is None or f.date >= since
            ]
        for referrer, referee, day in figures.referrals(tx, since, until):
            finding = self_referral(referrer, referee, day)
            if finding is not None:
                found.append(finding)
        people = figures.who(tx, {f.member for f in found})
    found = [replace(f, name=people[f.member][0], contact=people[f.member][1]) for f in found]
    found.sort(key=lambda f: (f.date, f.member, f.reason))
    return Suspicious({"from": since, "to": until}, found)
