"""Loading what the rules need to know about members before their purchases (`domain.member_state`).

`purchase` loads it for one member; `import` for every member a batch touches.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from loyaltycli.domain.member_state import MemberState
from loyaltycli.storage.bulk import one_of
from loyaltycli.storage.models import LedgerEntry, Member, Receipt, StampCount, tier_sign
from loyaltycli.storage.records import MemberRecord, Transaction


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


def load_states(tx: Transaction, members: Sequence[MemberRecord], since: dt.date) -> dict[int, MemberState]:
    """The state of many members with three queries (for `import`)."""
    states = {
        m.pk: MemberState(m.pk, str(m.id), m.status, m.referred_by_pk, m.enrolled_on, m.last_purchase_on, m.debt)
        for m in members
        if m.pk is not None
    }
    if not states:
        return states
    pks = list(states)
    dialect = tx.conn.dialect.name
    for member_pk, card, count in tx.conn.execute(
        select(StampCount.member_pk, StampCount.card_id, StampCount.stamps).where(
            one_of(StampCount.member_pk, pks, dialect)
        )
    ).all():
        states[member_pk].stamps[card] = count
        states[member_pk].stamp_rows |= {card}
    for (member_pk,) in tx.conn.execute(
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
    rows = tx.conn.execute(
        select(
            Receipt.member_pk,
            Receipt.occurred_at,
            Receipt.local_date,
            Receipt.eligible_cents * sign,
            Receipt.points * sign,
        ).where(members, Receipt.local_date >= since)
    ).all()
    return [(int(r[0] or 0), r[1], r[2], int(r[3]), int(r[4])) for r in rows]


def locked_members(tx: Transaction, pks: Sequence[int]) -> list[MemberRecord]:
    """The members a batch books for, locked until the transaction ends on PostgreSQL, in key order."""
    from loyaltycli.storage.members import members_where

    return members_where(tx, one_of(Member.pk, pks, tx.conn.dialect.name), for_update=True)
