"""The figures `report suspicious` looks at, as aggregates in SQL (one query per rule)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from loyaltycli.domain.abuse import Person
from loyaltycli.storage.models import Member, Receipt, aliased
from loyaltycli.storage.records import Transaction


def _period(column: Any, since: dt.date | None, until: dt.date | None) -> list[Any]:
    return [c for c in ((column >= since) if since else None, (column <= until) if until else None) if c is not None]


def receipts_per_day(
    tx: Transaction, more_than: int, since: dt.date | None, until: dt.date | None
) -> list[tuple[str, dt.date, int]]:
    """(member id, day, receipts) for every member and day with more purchases than `more_than`."""
    rows = tx.conn.execute(
        select(Member.id, Receipt.local_date, func.count())
        .join(Member, Member.pk == Receipt.member_pk)
        .where(Receipt.kind == "purchase", *_period(Receipt.local_date, since, until))
        .group_by(Member.id, Receipt.local_date)
        .having(func.count() > more_than)
        .order_by(Receipt.local_date, Member.id)
    ).all()
    return [(str(m), d, int(n)) for m, d, n in rows]


def full_refund_dates(tx: Transaction, since: dt.date | None, until: dt.date | None) -> dict[str, list[dt.date]]:
    """Per member id, the days of refunds that completed their receipt (what was refunded reached its total)
    and of returns without a receipt.

    A window of 30 days may reach back before `since`, so refunds up to 29 days earlier are included."""
    refund = aliased(Receipt)
    start = since - dt.timedelta(days=29) if since else None
    refunded = (
        select(
            refund.refund_of_pk.label("of_pk"),
            func.sum(refund.total_cents).label("cents"),
            func.max(refund.local_date).label("day"),
        )
        .where(refund.kind == "refund")
        .group_by(refund.refund_of_pk)
        .subquery()
    )
    rows = tx.conn.execute(
        select(Member.id, refunded.c.day)
        .join(Receipt, Receipt.pk == refunded.c.of_pk)
        .join(Member, Member.pk == Receipt.member_pk)
        .where(refunded.c.cents >= Receipt.total_cents, *_period(refunded.c.day, start, until))
    ).all()
    returns = tx.conn.execute(
        select(Member.id, Receipt.local_date)
        .join(Member, Member.pk == Receipt.member_pk)
        .where(Receipt.kind == "return", *_period(Receipt.local_date, start, until))
    ).all()
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for member, day in [*rows, *returns]:
        dates[str(member)].append(day)
    return dict(dates)


def referrals(tx: Transaction, since: dt.date | None, until: dt.date | None) -> list[tuple[Person, Person, dt.date]]:
    """(referrer, referee, the referee's enrolment day) for referrals made in the period."""
    referrer = aliased(Member)
    rows = tx.conn.execute(
        select(
            referrer.id,
            referrer.name,
            referrer.email,
            referrer.phone,
            referrer.birthday,
            Member.id,
            Member.name,
            Member.email,
            Member.phone,
            Member.birthday,
            Member.enrolled_on,
        )
        .join(referrer, referrer.pk == Member.referred_by_pk)
        .where(*_period(Member.enrolled_on, since, until))
    ).all()
    return [(Person(str(r[0]), r[1], r[2], r[3], r[4]), Person(str(r[5]), r[6], r[7], r[8], r[9]), r[10]) for r in rows]


def who(tx: Transaction, member_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Name and contact (e-mail, else phone) of each member id; an erased member shows as erased."""
    if not member_ids:
        return {}
    rows = tx.conn.execute(
        select(Member.id, Member.name, Member.email, Member.phone, Member.status).where(Member.id.in_(member_ids))
    ).all()
    return {str(r[0]): (r[1], "" if r[4] == "erased" else (r[2] or r[3] or "")) for r in rows}
