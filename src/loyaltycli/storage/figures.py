"""The reports' figures as SQL aggregates: points, sales, members, lots due, campaigns, months, top members.

Each function returns plain numbers (or rows of them) for a period; the
services turn them into the reports SPEC §5 describes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, distinct, extract, func, or_, select

from loyaltycli.storage.counts import count_of
from loyaltycli.storage.models import (
    CREDIT_KINDS,
    DEBT_KINDS,
    REDEEM_KINDS,
    LedgerEntry,
    LotUse,
    Member,
    PointLot,
    Receipt,
    aliased,
)
from loyaltycli.storage.records import Transaction


def _in_period(column: Any, since: dt.date | None, until: dt.date | None) -> list[Any]:
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column <= until)
    return conditions


def points_in(tx: Transaction, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
    kind, points = LedgerEntry.kind, LedgerEntry.points

    def total(condition: Any, sign: int = 1) -> Any:
        return func.coalesce(func.sum(case((condition, sign * points), else_=0)), 0)

    row = tx.conn.execute(
        select(
            total(kind.in_(CREDIT_KINDS) & (points > 0)),
            total(kind.in_(REDEEM_KINDS), -1),
            total(kind == "expire", -1),
            total(kind == "refund", -1),
            total((kind == "adjust") & (points < 0), -1),
        ).where(*_in_period(LedgerEntry.business_date, since, until))
    ).one()
    return {
        "issued": int(row[0]),
        "redeemed": int(row[1]),
        "expired": int(row[2]),
        "reversed": int(row[3]),
        "adjusted_down": int(row[4]),
    }


def outstanding(tx: Transaction, today: dt.date) -> int:
    lots = tx.conn.scalar(
        select(func.coalesce(func.sum(PointLot.remaining), 0)).where(
            PointLot.remaining > 0, or_(PointLot.expires_on.is_(None), PointLot.expires_on > today)
        )
    )
    return int(lots or 0) - total_debt(tx)


def sales_in(tx: Transaction, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
    anonymous = Receipt.member_pk.is_(None)
    purchase = Receipt.kind == "purchase"
    signed = case((purchase, Receipt.total_cents), else_=-Receipt.total_cents)

    def total(condition: Any, value: Any) -> Any:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    row = tx.conn.execute(
        select(
            total(~anonymous, signed),
            total(anonymous, signed),
            total(~anonymous & purchase, Receipt.total_cents),
            total(anonymous & purchase, Receipt.total_cents),
            total(~anonymous & purchase, 1),
            total(anonymous & purchase, 1),
        ).where(*_in_period(Receipt.local_date, since, until))
    ).one()
    keys = ("members", "anonymous", "members_gross", "anonymous_gross", "members_n", "anonymous_n")
    return {k: int(v) for k, v in zip(keys, row, strict=True)}


def members_in(tx: Transaction, since: dt.date | None, until: dt.date | None) -> dict[str, int]:
    total = member_count(tx)
    new = (
        tx.conn.scalar(select(func.count()).select_from(Member).where(*_in_period(Member.enrolled_on, since, until)))
        or 0
    )
    per_member = (
        select(Receipt.member_pk, func.count().label("n"))
        .where(Receipt.kind == "purchase", Receipt.member_pk.is_not(None))
        .where(*_in_period(Receipt.local_date, since, until))
        .group_by(Receipt.member_pk)
        .subquery()
    )
    buying, repeat = tx.conn.execute(
        select(
            func.count(distinct(per_member.c.member_pk)),
            func.coalesce(func.sum(case((per_member.c.n >= 2, 1), else_=0)), 0),
        )
    ).one()
    return {"total": int(total), "active": int(buying), "new": int(new), "_buying": int(buying), "_repeat": int(repeat)}


def month_of(column: Any) -> tuple[Any, Any]:
    return extract("year", column), extract("month", column)


def member_count(tx: Transaction) -> int:
    return count_of(tx, "members")


def total_debt(tx: Transaction) -> int:
    return int(tx.conn.scalar(select(func.coalesce(func.sum(Member.debt), 0))) or 0)


def unexpired_lots(tx: Transaction, today: dt.date) -> list[tuple[dt.date | None, dt.date, int]]:
    """(expires on, available on, points) of the points left in lots not expired by `today`, one row per
    pair of days (the index on expires_on serves it; months are worked out from the few distinct days)."""
    rows = tx.conn.execute(
        select(PointLot.expires_on, PointLot.available_on, func.sum(PointLot.remaining))
        .where(PointLot.remaining > 0)
        .where(or_(PointLot.expires_on.is_(None), PointLot.expires_on > today))
        .group_by(PointLot.expires_on, PointLot.available_on)
    ).all()
    return [(e, a, int(p)) for e, a, p in rows]


def lots_as_of(tx: Transaction, day: dt.date) -> list[tuple[dt.date | None, dt.date, int, int]]:
    """(expires on, available on, points left at the end of `day`, of them taken by a later expiry) of every
    lot credited by `day` and not expired on it: the ledger read back to that day (entries on it count)."""
    credit = aliased(LedgerEntry)
    debit = aliased(LedgerEntry)
    used = (
        select(LotUse.lot_pk, func.sum(LotUse.points).label("points"))
        .join(debit, debit.pk == LotUse.entry_pk)
        .where(debit.business_date <= day)
        .group_by(LotUse.lot_pk)
        .subquery()
    )
    expired = (
        select(LotUse.lot_pk, func.sum(LotUse.points).label("points"))
        .join(debit, debit.pk == LotUse.entry_pk)
        .where(debit.business_date > day, debit.kind == "expire")
        .group_by(LotUse.lot_pk)
        .subquery()
    )
    left = PointLot.earned - func.coalesce(used.c.points, 0)
    rows = tx.conn.execute(
        select(PointLot.expires_on, PointLot.available_on, func.sum(left), func.sum(func.coalesce(expired.c.points, 0)))
        .join(credit, credit.pk == PointLot.entry_pk)
        .outerjoin(used, used.c.lot_pk == PointLot.pk)
        .outerjoin(expired, expired.c.lot_pk == PointLot.pk)
        .where(credit.business_date <= day, left > 0)
        .where(or_(PointLot.expires_on.is_(None), PointLot.expires_on > day))
        .group_by(PointLot.expires_on, PointLot.available_on)
    ).all()
    return [(e, a, int(p), int(x)) for e, a, p, x in rows]


def debt_as_of(tx: Transaction, day: dt.date) -> int:
    """Refund debt outstanding at the end of `day`: what refunds booked by then found in no lot, less what
    credits booked by then paid of it (a payoff is a lot use of the refund by a lot credited later)."""
    credit = aliased(LedgerEntry)
    refunds = select(LedgerEntry.pk).where(
        LedgerEntry.kind.in_(DEBT_KINDS), LedgerEntry.points < 0, LedgerEntry.business_date <= day
    )
    owed = tx.conn.scalar(select(func.coalesce(func.sum(-LedgerEntry.points), 0)).where(LedgerEntry.pk.in_(refunds)))
    found = tx.conn.scalar(
        select(func.coalesce(func.sum(LotUse.points), 0))
        .join(PointLot, PointLot.pk == LotUse.lot_pk)
        .join(credit, credit.pk == PointLot.entry_pk)
        .where(LotUse.entry_pk.in_(refunds), credit.business_date <= day)
    )
    return int(owed or 0) - int(found or 0)


def campaign_figures(tx: Transaction, since: dt.date | None, until: dt.date | None) -> list[tuple[str, int, int, int]]:
    """(campaign, receipts, revenue cents, extra points) per campaign, net of refunds: a fully refunded receipt
    no longer counts, a partly refunded one keeps the unrefunded share of its revenue and extra points."""
    refunds = (
        select(Receipt.refund_of_pk.label("of_pk"), func.sum(Receipt.total_cents).label("cents"))
        .where(Receipt.kind == "refund")
        .group_by(Receipt.refund_of_pk)
        .subquery()
    )
    total, refunded = Receipt.total_cents, func.coalesce(refunds.c.cents, 0)
    kept = refunded < total
    rows = tx.conn.execute(
        select(
            Receipt.campaign_id,
            func.coalesce(func.sum(case((kept, 1), else_=0)), 0),
            func.coalesce(func.sum(case((kept, total - refunded), else_=0)), 0),
            func.coalesce(func.sum(case((kept, Receipt.campaign_points * (total - refunded) / total), else_=0)), 0),
        )
        .outerjoin(refunds, refunds.c.of_pk == Receipt.pk)
        .where(Receipt.kind == "purchase", Receipt.campaign_id.is_not(None), total > 0)
        .where(*_in_period(Receipt.local_date, since, until))
        .group_by(Receipt.campaign_id)
    ).all()
    return [(str(cid), int(n), int(cents or 0), int(extra or 0)) for cid, n, cents, extra in rows]


def monthly_points(tx: Transaction, since: dt.date | None, until: dt.date | None) -> list[tuple[str, int, int, int]]:
    """(YYYY-MM, issued, redeemed, expired) per month with entries."""
    kind, points = LedgerEntry.kind, LedgerEntry.points
    year, month = month_of(LedgerEntry.business_date)
    rows = tx.conn.execute(
        select(
            year,
            month,
            func.coalesce(func.sum(case((kind.in_(CREDIT_KINDS) & (points > 0), points), else_=0)), 0),
            func.coalesce(func.sum(case((kind.in_(REDEEM_KINDS), -points), else_=0)), 0),
            func.coalesce(func.sum(case((kind == "expire", -points), else_=0)), 0),
        )
        .where(*_in_period(LedgerEntry.business_date, since, until))
        .group_by(year, month)
    ).all()
    return [(f"{int(y):04d}-{int(m):02d}", int(i), int(r), int(e)) for y, m, i, r, e in rows]


def monthly_revenue(tx: Transaction, since: dt.date | None, until: dt.date | None) -> list[tuple[str, int]]:
    """(YYYY-MM, revenue cents net of refunds and returns) per month with receipts."""
    year, month = month_of(Receipt.local_date)
    rows = tx.conn.execute(
        select(year, month, func.sum(_signed_total()))
        .where(*_in_period(Receipt.local_date, since, until))
        .group_by(year, month)
    ).all()
    return [(f"{int(y):04d}-{int(m):02d}", int(cents or 0)) for y, m, cents in rows]


def _signed_total() -> Any:
    return case((Receipt.kind == "purchase", Receipt.total_cents), else_=-Receipt.total_cents)


def top_spenders(
    tx: Transaction, since: dt.date | None, until: dt.date | None, top: int
) -> list[tuple[str | None, str, int, int]]:
    """(id, name, revenue cents, purchases) of the members who spent most (revenue net of refunds and returns;
    opening and merge records, which carry no money, do not count as receipts)."""
    signed = _signed_total()
    purchases = func.sum(case((Receipt.kind == "purchase", 1), else_=0))  # not refunds, openings or merge copies
    rows = tx.conn.execute(
        select(Member.id, Member.name, func.sum(signed).label("cents"), purchases)
        .join(Receipt, Receipt.member_pk == Member.pk)
        .where(*_in_period(Receipt.local_date, since, until))
        .group_by(Member.pk, Member.id, Member.name)
        .order_by(func.sum(signed).desc(), Member.pk)
        .limit(top)
    ).all()
    return [(i, n, int(c), int(k)) for i, n, c, k in rows]


def top_earners(
    tx: Transaction, since: dt.date | None, until: dt.date | None, top: int
) -> list[tuple[str | None, str, int]]:
    """(id, name, points) of the members who earned most."""
    rows = tx.conn.execute(
        select(Member.id, Member.name, func.sum(LedgerEntry.points))
        .join(LedgerEntry, LedgerEntry.member_pk == Member.pk)
        .where(LedgerEntry.kind.in_(CREDIT_KINDS), LedgerEntry.points > 0)
        .where(*_in_period(LedgerEntry.business_date, since, until))
        .group_by(Member.pk, Member.id, Member.name)
        .order_by(func.sum(LedgerEntry.points).desc(), Member.pk)
        .limit(top)
    ).all()
    return [(i, n, int(p)) for i, n, p in rows]


def top_senders(
    tx: Transaction, since: dt.date | None, until: dt.date | None, top: int
) -> list[tuple[str | None, str, int]]:
    """(id, name, members referred) of the members who brought most new members."""
    referred = (
        select(Member.referred_by_pk.label("by"), func.count().label("n"))
        .where(Member.referred_by_pk.is_not(None), *_in_period(Member.enrolled_on, since, until))
        .group_by(Member.referred_by_pk)
        .subquery()
    )
    rows = tx.conn.execute(
        select(Member.id, Member.name, referred.c.n)
        .join(referred, referred.c.by == Member.pk)
        .order_by(referred.c.n.desc(), Member.pk)
        .limit(top)
    ).all()
    return [(i, n, int(k)) for i, n, k in rows]
