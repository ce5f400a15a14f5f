"""`report summary` (SPEC §5): the owner's figures for a period, as SQL aggregates."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, distinct, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from loyaltycli.domain.money import format_cents
from loyaltycli.errors import BadInputError
from loyaltycli.services.context import today_in
from loyaltycli.storage.database import Database
from loyaltycli.storage.ledger import CREDIT_KINDS
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
        raise BadInputError(f"--from {since} is after --to {until}.")
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
            total(kind == "redeem", -1),
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
