"""What the rules need to know about a member before a purchase, loaded once and kept current.

`purchase` loads it for one member; `import` keeps it for every member it
touches during a run, so both book exactly the same receipts.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from loyaltycli.domain.allocation import debt_payoff
from loyaltycli.storage.bulk import one_of
from loyaltycli.storage.models import LedgerEntry, Member, Receipt, StampCount, tier_sign
from loyaltycli.storage.records import MemberRecord, Transaction

_EPOCH = dt.datetime(1970, 1, 1)
_WIDTH = 4  # values per receipt in MemberState.history


def _micros(at: dt.datetime) -> int:
    """A naive UTC instant as whole microseconds since 1970 (exact: no float)."""
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(slots=True)
class MemberState:
    pk: int
    id: str
    status: str
    referred_by_pk: int | None
    enrolled_on: dt.date
    last_purchase_on: dt.date | None
    debt: int
    stamps: dict[str, int] = field(default_factory=dict)
    stamp_rows: frozenset[str] = frozenset()  # cards with a stored row (the shared empty set: most have none)
    # The receipts that count for the tier window, four integers each: the instant (microseconds since
    # 1970, UTC), the day (ordinal), the signed eligible cents and the signed points. Flat 64-bit values:
    # an import keeps the state of 25,000 members, and a tuple of objects per receipt cost five times as much.
    history: array[int] = field(default_factory=lambda: array("q"))
    history_since: dt.date = dt.date.max
    referral_paid: bool = False
    changed: bool = False

    def plan_credit(self, points: int) -> int:
        """A credit of `points` planned for this member: how many of them pay the refund debt, which the
        plans of this batch then see reduced (the posting engine writes the stored debt)."""
        payoff = debt_payoff(self.debt, points)
        self.debt -= payoff
        return payoff

    def remember(self, at: dt.datetime, day: dt.date, eligible_cents: int, points: int) -> None:
        """A receipt that counts for the tier window from now on (`at`: naive UTC)."""
        self.history.extend((_micros(at), day.toordinal(), eligible_cents, points))

    def qualifying(self, basis: str, since: dt.date, before: dt.datetime) -> int:
        """Eligible cents or points of receipts from `since` that happened before `before`."""
        h = self.history
        if not h:
            return 0
        value = 2 if basis == "spend" else 3
        first, limit = since.toordinal(), _micros(before)
        return sum([h[i + value] for i in range(0, len(h), _WIDTH) if h[i + 1] >= first and h[i] < limit])


def load_state(tx: Transaction, member: MemberRecord, since: dt.date) -> MemberState:
    """One member's state (the batch loader with a batch of one)."""
    assert member.pk is not None
    return load_states(tx, [member], since)[member.pk]


def load_history(tx: Transaction, state: MemberState, since: dt.date) -> None:
    """The member's receipts from `since` on (kept for the rolling tier window)."""
    state.history = array("q")
    for _owner, at, day, cents, points in _history(tx, Receipt.member_pk == state.pk, since):
        state.remember(at, day, cents, points)
    state.history_since = since


def load_states(tx: Transaction, members: Sequence[Any], since: dt.date) -> dict[int, MemberState]:
    """The state of many members with three queries (for `import`); `members` are `Member`s or rows
    with the same attributes."""
    states = {
        m.pk: MemberState(m.pk, str(m.id), m.status, m.referred_by_pk, m.enrolled_on, m.last_purchase_on, m.debt)
        for m in members
        if m.pk is not None
    }
    if not states:
        return states
    pks = list(states)
    dialect = tx.orm.get_bind().dialect.name
    for member_pk, card, count in tx.orm.execute(
        select(StampCount.member_pk, StampCount.card_id, StampCount.stamps).where(
            one_of(StampCount.member_pk, pks, dialect)
        )
    ).all():
        states[member_pk].stamps[card] = count
        states[member_pk].stamp_rows |= {card}
    for (member_pk,) in tx.orm.execute(
        select(LedgerEntry.member_pk)
        .where(one_of(LedgerEntry.member_pk, pks, dialect), LedgerEntry.kind == "referral")
        .where(LedgerEntry.ref == "referee")
    ).all():
        states[member_pk].referral_paid = True
    for state in states.values():
        state.history_since = since
    for owner, at, day, cents, points in _history(tx, one_of(Receipt.member_pk, pks, dialect), since):
        states[int(owner or 0)].remember(at, day, int(cents), int(points))
    return states


def _history(tx: Transaction, members: Any, since: dt.date) -> list[tuple[int, dt.datetime, dt.date, int, int]]:
    """(member, instant, day, signed eligible cents, signed points) of the receipts of `members` (a condition)
    from `since` on."""
    sign = tier_sign()
    rows = tx.orm.execute(
        select(
            Receipt.member_pk,
            Receipt.occurred_at,
            Receipt.local_date,
            Receipt.eligible_cents * sign,
            Receipt.points * sign,
        ).where(members, Receipt.local_date >= since)
    ).all()
    return [(int(r[0] or 0), r[1], r[2], int(r[3]), int(r[4])) for r in rows]


def locked_member_rows(tx: Transaction, pks: Sequence[int]) -> list[Any]:
    """The members a batch books for, as plain rows (pk, id, status, referred_by_pk, enrolled_on,
    last_purchase_on, debt), locked until the transaction ends on PostgreSQL, in key order."""
    dialect = tx.orm.get_bind().dialect.name
    columns = (
        Member.pk,
        Member.id,
        Member.status,
        Member.referred_by_pk,
        Member.enrolled_on,
        Member.last_purchase_on,
        Member.debt,
    )
    query = select(*columns).where(one_of(Member.pk, pks, dialect)).order_by(Member.pk)
    return list(tx.orm.execute(query.with_for_update()).all())


def new_state(pk: int, member_id: str, enrolled_on: dt.date) -> MemberState:
    """The state of a member enrolled a moment ago: nothing bought, nothing owed."""
    return MemberState(pk, member_id, "active", None, enrolled_on, None, 0, history_since=dt.date.min)
