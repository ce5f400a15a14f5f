"""Member lists: tier, available and expiring points for many members in a few aggregates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, String, extract, func, literal, or_, select, type_coerce

from loyaltycli.domain.cards import is_card_number
from loyaltycli.domain.expiry import lapse_day
from loyaltycli.domain.program import Program, Tiers
from loyaltycli.domain.search import german_folded, search_key
from loyaltycli.domain.tiers import tier_for, window_start
from loyaltycli.storage.models import Member, PointLot, Receipt, tier_sign
from loyaltycli.storage.records import Transaction

NAMED_LIMIT = 500


@dataclass(frozen=True)
class MemberRow:
    id: str
    name: str
    email: str | None
    phone: str | None
    status: str
    tier: str | None
    points: int
    marketing: bool
    birthday: dt.date | None
    last_purchase_on: dt.date | None
    expiring_points: int = 0
    expiring_on: dt.date | None = None


@dataclass(frozen=True)
class Criteria:
    """Which members a list shows; every criterion given must hold."""

    text: str | None = None  # part of the name, e-mail or phone, or the whole id
    status: str | None = None
    reachable_only: bool = False  # leave out the erased and the merged (lists to write to)
    marketing: bool = False
    birthday_month: int | None = None
    inactive_before: dt.date | None = None  # no purchase (or enrolment) since before this day
    expiring_by: dt.date | None = None  # points expiring after `today`, by this day
    limit: int | None = None


NOT_REACHABLE = ("erased", "merged")


def members_matching(criteria: Criteria, today: dt.date) -> Any:
    """The query of the members `criteria` pick, by key."""
    query = select(Member)
    if criteria.text and is_card_number(criteria.text):
        # A scanned card: its number names one member (an index look-up, not a search of every name and phone).
        number = criteria.text.strip()
        query = query.where(or_(Member.card == number, Member.id == number))
    elif criteria.text:
        # `contains(autoescape=True)`: a `%` or `_` typed by the user is a plain character (SPEC §3).
        text = criteria.text.strip().lower()
        key = search_key(criteria.text)
        conditions: list[Any] = [
            Member.name_key.contains(key, autoescape=True),
            Member.email_key.contains(text, autoescape=True),
        ]
        # German spells ü, ö, ä also ue, oe, ae: `mueller` finds Müller, and `müller` finds Mueller.
        if german_folded(key) != key:
            conditions.append(Member.name_key.contains(german_folded(key), autoescape=True))
        if any(ch in text for ch in "äöü"):
            folded = func.replace(func.replace(func.replace(Member.name_key, "ae", "a"), "oe", "o"), "ue", "u")
            conditions.append(folded.contains(key, autoescape=True))
        digits = "".join(ch for ch in criteria.text if ch.isdigit())
        if len(digits) >= 3:
            conditions.append(Member.phone.contains(digits.lstrip("0"), autoescape=True))
        conditions.append(Member.id == criteria.text.strip())
        query = query.where(or_(*conditions))
    if criteria.status:
        query = query.where(Member.status == criteria.status)
    elif criteria.reachable_only:
        query = query.where(Member.status.not_in(NOT_REACHABLE))
    if criteria.marketing:  # a restricted member's data is kept, not used: no mailing
        query = query.where(Member.marketing.is_(True), Member.status.not_in(("restricted", "erased", "merged")))
    if criteria.birthday_month is not None:
        query = query.where(extract("month", Member.birthday) == criteria.birthday_month)
    if criteria.inactive_before is not None:
        last = func.coalesce(Member.last_purchase_on, Member.enrolled_on)
        query = query.where(last < criteria.inactive_before)
    if criteria.expiring_by is not None:
        soon = select(PointLot.member_pk).where(
            PointLot.remaining > 0,
            PointLot.expires_on > today,
            PointLot.expires_on <= criteria.expiring_by,
        )
        query = query.where(Member.pk.in_(soon))
    query = query.order_by(Member.pk)
    return query.limit(criteria.limit) if criteria.limit is not None else query


def member_rows(
    tx: Transaction, criteria: Criteria, program: Program, today: dt.date, expiring_days: int | None
) -> list[MemberRow]:
    # Dates that are only shown come as the database gives them (ISO text on SQLite), which spares
    # converting 100,000 rows of them; the inactivity policy needs real dates and gets them.
    inactivity = program.expiry.policy == "inactivity"
    query = members_matching(criteria, today)
    members = tx.conn.execute(
        query.with_only_columns(
            Member.pk,
            Member.id,
            Member.name,
            Member.email,
            Member.phone,
            Member.status,
            Member.marketing,
            type_coerce(Member.birthday, String).label("birthday"),
            type_coerce(Member.last_purchase_on, String).label("last_purchase_on"),
            (Member.last_purchase_on if inactivity else literal(None)).label("last_day"),
            (Member.enrolled_on if inactivity else literal(None)).label("enrolled_on"),
            Member.debt,
        )
    ).all()
    if not members:
        return []
    # A short list (a search, the counter's matches) is named by its keys, so the search is not run again
    # for every aggregate; a long one (a mailing list of 100,000) stays a subquery.
    chosen: Any = (
        [m.pk for m in members]
        if len(members) <= NAMED_LIMIT
        else query.with_only_columns(Member.pk).order_by(None).scalar_subquery()
    )
    available = dict(
        tx.conn.execute(
            select(PointLot.member_pk, func.sum(PointLot.remaining))
            .where(
                PointLot.member_pk.in_(chosen),
                PointLot.remaining > 0,
                PointLot.available_on <= today,
            )
            .where(or_(PointLot.expires_on.is_(None), PointLot.expires_on > today))
            .group_by(PointLot.member_pk)
        ).all()
    )
    qualifying = _qualifying(tx, chosen, program, today)
    horizon = today + dt.timedelta(days=expiring_days if expiring_days is not None else program.expiry.warn_days)
    expiring = {
        pk: (int(points), due)
        for pk, points, due in tx.conn.execute(
            select(PointLot.member_pk, func.sum(PointLot.remaining), func.min(PointLot.expires_on))
            .where(PointLot.member_pk.in_(chosen), PointLot.remaining > 0)
            .where(PointLot.expires_on > today, PointLot.expires_on <= horizon)
            .group_by(PointLot.member_pk)
        ).all()
    }
    tiers = program.tiers
    rows = []
    for member in members:
        level = tier_for(tiers, qualifying.get(member.pk, Decimal(0))) if tiers else None
        lapse = lapse_day(program.expiry, member.last_day, member.enrolled_on) if inactivity else None
        # As `member show` counts it (storage/balances): lapsed points are gone, a debt is still owed.
        points = (0 if lapse is not None and lapse <= today else int(available.get(member.pk, 0))) - member.debt
        soon, due = expiring.get(member.pk, (0, None))
        rows.append(
            MemberRow(
                id=str(member.id),
                name=member.name,
                email=member.email,
                phone=member.phone,
                status=member.status,
                tier=level.name if level else None,
                points=points,
                marketing=member.marketing,
                birthday=member.birthday,
                last_purchase_on=member.last_purchase_on,
                expiring_points=soon,
                expiring_on=due,
            )
        )
    return rows


def _qualifying(tx: Transaction, chosen: Any, program: Program, today: dt.date) -> dict[int, Decimal]:
    tiers = program.tiers
    if tiers is None:
        return {}
    return qualifying_totals(tx, tiers, today, Receipt.member_pk.in_(chosen))


def qualifying_totals(
    tx: Transaction, tiers: Tiers, today: dt.date, members: ColumnElement[bool] | None = None
) -> dict[int, Decimal]:
    """Every member's qualifying spend (money) or points in the window up to `today`, in one aggregate;
    `members` narrows it to a condition on the receipts' member."""
    value = Receipt.eligible_cents if tiers.basis == "spend" else Receipt.points
    query = (
        select(Receipt.member_pk, func.sum(value * tier_sign()))
        .where(Receipt.member_pk.is_not(None), Receipt.local_date >= window_start(tiers, today))
        .group_by(Receipt.member_pk)
    )
    if members is not None:
        query = query.where(members)
    scale = Decimal(100) if tiers.basis == "spend" else Decimal(1)
    return {int(pk): Decimal(int(total)) / scale for pk, total in tx.conn.execute(query).all()}
