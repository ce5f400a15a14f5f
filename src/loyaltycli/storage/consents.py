"""Marketing consent as events (SPEC §3 `consent`): the one place that records a consent or its withdrawal.

Each event keeps when it happened, the channel it came through and the version of the consent text;
`member.marketing` is set to what the latest event says, in the same transaction, so mailing lists
(which read it) include a member only while their latest event is a consent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select, update

from loyaltycli.storage.bulk import Codec, Inserter, table_of
from loyaltycli.storage.models import ConsentEvent, Member
from loyaltycli.storage.records import Transaction

CHANNELS = ("till", "import", "web", "counter")
COLUMNS = ("member_pk", "marketing", "at", "channel", "text_version")


class Consent(NamedTuple):
    marketing: bool
    at: dt.datetime  # naive UTC
    channel: str
    text_version: str | None


def record(
    tx: Transaction, member_pk: int, marketing: bool, at: dt.datetime, channel: str, text_version: str | None
) -> None:
    """One event, and the member's flag set to it."""
    record_many(tx, [(member_pk, marketing, at, channel, text_version)])
    tx.conn.execute(update(Member).where(Member.pk == member_pk).values(marketing=marketing))


def record_many(tx: Transaction, events: Sequence[tuple[int, bool, dt.datetime, str, str | None]]) -> None:
    """Events of members enrolled in bulk with their flag already set (`member import`)."""
    conn = tx.conn
    codec = Codec(conn)
    rows = [(pk, codec.flag(yes), codec.instant(at), channel, version) for pk, yes, at, channel, version in events]
    Inserter(conn, table_of(ConsentEvent), COLUMNS).run(rows)


def history(tx: Transaction, member_pk: int) -> list[Consent]:
    """The member's consent events, newest first."""
    rows = tx.conn.execute(
        select(ConsentEvent.marketing, ConsentEvent.at, ConsentEvent.channel, ConsentEvent.text_version)
        .where(ConsentEvent.member_pk == member_pk)
        .order_by(ConsentEvent.at.desc(), ConsentEvent.pk.desc())
    ).all()
    return [Consent(bool(m), at, channel, version) for m, at, channel, version in rows]
