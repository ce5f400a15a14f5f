"""Finding members by id, e-mail or phone; the qualifying totals behind their tier."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select

from loyaltycli.domain.abuse import Person
from loyaltycli.domain.cards import card_number, is_card_number
from loyaltycli.domain.dates import utc_naive
from loyaltycli.domain.phones import parse_phone, phone_forms, written_forms
from loyaltycli.domain.search import search_key
from loyaltycli.errors import AmbiguousError, DuplicateError, NotFoundError
from loyaltycli.i18n import _
from loyaltycli.notes import note
from loyaltycli.storage.bulk import Codec, Inserter, one_of, records_where, reserve_ids, table_of
from loyaltycli.storage.models import Member, Receipt, tier_sign
from loyaltycli.storage.records import MemberRecord, Transaction


class NewMember(NamedTuple):
    """A member enrolled in bulk (`import --enroll-unknown`, `member import`), with a key from `NewMembers.pks`."""

    pk: int
    id: str
    name: str
    email: str | None
    email_key: str | None
    phone: str | None
    birthday: dt.date | None
    marketing: bool
    enrolled_at: dt.datetime  # UTC, naive
    enrolled_on: dt.date
    referred_by_pk: int | None = None
    phone_shown: str | None = None  # phones.phone_forms(phone) when the caller has it already (one parse)


class FoundMember(NamedTuple):
    """What a batch look-up (`find_many`) tells of a member a reference names."""

    pk: int
    id: str
    email_key: str | None
    phone: str | None
    status: str
    merged_into_pk: int | None
    card: str | None


class NewMembers:
    """Enrols many members at once: keys reserved up front, then one insert (COPY on PostgreSQL)."""

    COLUMNS = (
        "pk",
        "id",
        "name",
        "name_key",
        "email",
        "email_key",
        "phone",
        "phone_shown",
        "birthday",
        "marketing",
        "status",
        "enrolled_at",
        "enrolled_on",
        "debt",
        "referred_by_pk",
        "card",
    )

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self.conn = tx.conn
        self.codec = Codec(self.conn)

    def pks(self, count: int) -> list[int]:
        return reserve_ids(self.conn, table_of(Member), count)

    def insert(self, members: Sequence[NewMember]) -> None:
        """Members with their keys from `pks`; an id, e-mail or phone another member has is refused."""
        if not members:
            return
        cards = iter(new_cards(self.tx, len(members))) if members else iter(())
        try:
            self._insert(members, cards)
        except self.conn.dialect.dbapi.IntegrityError:  # type: ignore[union-attr]
            raise DuplicateError(_("Another member already has this id, e-mail or phone.")) from None

    def _insert(self, members: Sequence[NewMember], cards: Any) -> None:
        """The one insert into `member`: `enroll` (a batch of one), `member import`, `import --enroll-unknown`."""
        day, instant, flag = self.codec.day, self.codec.instant, self.codec.flag
        Inserter(self.conn, table_of(Member), self.COLUMNS).run(
            (
                m.pk,
                m.id,
                m.name,
                search_key(m.name),
                m.email,
                m.email_key,
                m.phone,
                m.phone_shown or (phone_forms(m.phone) if m.phone else None),
                day(m.birthday),
                flag(m.marketing),
                "active",
                instant(m.enrolled_at),
                day(m.enrolled_on),
                0,
                m.referred_by_pk,
                next(cards),
            )
            for m in members
        )


def matching(tx: Transaction, ref: str, region: str | None) -> list[MemberRecord]:
    """Every member that `ref` names: by id, by card number, by e-mail (any case) or by phone in any written
    form (a card number is never read as a phone number)."""
    raw = ref.strip()
    conditions = [Member.id == raw]
    if is_card_number(raw):
        conditions.append(Member.card == raw)
        return members_where(tx, or_(*conditions))
    if "@" in raw:
        conditions.append(Member.email_key == raw.lower())
    phone = parse_phone(raw, region)
    if phone:
        conditions.append(Member.phone == phone)
    return members_where(tx, or_(*conditions))


def members_where(tx: Transaction, condition: Any, for_update: bool = False) -> list[MemberRecord]:
    """The members `condition` picks, by key, as values."""
    return records_where(tx, MemberRecord, Member, condition, for_update)


def resolve(tx: Transaction, ref: str, region: str | None, follow: bool = True) -> MemberRecord:
    """Exactly one member, or an error that says why not; a merged member leads on to the one it joined
    (unless `follow` is False: `member merge` refuses merged members itself)."""
    found = matching(tx, ref, region)
    if not found:
        raise NotFoundError(
            _("No member matches {ref!r} (looked for an id, an e-mail and a phone number).").format(ref=ref)
        )
    if len(found) > 1:
        ids = ", ".join(str(m.id) for m in found)
        raise AmbiguousError(
            _("{ref!r} is ambiguous: it names more than one member ({ids}); use the member id.").format(
                ref=ref, ids=ids
            )
        )
    return followed(tx, found[0]) if follow else found[0]


def followed(tx: Transaction, member: MemberRecord) -> MemberRecord:
    """A merged member's reference leads to the member it was merged into (SPEC §1), with a note."""
    seen = {member.pk}
    while member.status == "merged" and member.merged_into_pk is not None:
        target = by_pk(tx, member.merged_into_pk)
        if target is None or target.pk in seen:
            break
        note(_("note: {member} was merged into {target}; using {target}.").format(member=member.id, target=target.id))
        seen.add(target.pk)
        member = target
    return member


def merged_into(tx: Transaction, member: MemberRecord) -> list[MemberRecord]:
    """The records merged into this member, also through a chain of merges (one person, several records)."""
    found: list[MemberRecord] = []
    seen = {member.pk}
    frontier = [member.pk]
    while frontier:
        rows = members_where(tx, Member.merged_into_pk.in_(frontier))
        fresh = [row for row in rows if row.pk not in seen]
        seen.update(row.pk for row in fresh)
        found.extend(fresh)
        frontier = [row.pk for row in fresh]
    return found


def qualifying_total(
    tx: Transaction,
    member_pk: int,
    basis: str,
    since: dt.date,
    before: dt.datetime | None = None,
) -> Decimal:
    """Eligible spend (money) or points of purchases less refunds from `since` (and before `before`)."""
    value = Receipt.eligible_cents if basis == "spend" else Receipt.points
    query = select(func.coalesce(func.sum(value * tier_sign()), 0)).where(
        Receipt.member_pk == member_pk, Receipt.local_date >= since
    )
    if before is not None:
        query = query.where(Receipt.occurred_at < utc_naive(before))
    total = int(tx.conn.scalar(query) or 0)
    return Decimal(total) / 100 if basis == "spend" else Decimal(total)


def refreshed(tx: Transaction, member: MemberRecord) -> MemberRecord:
    """The member as the database has it now (after a write in SQL: a debt paid, a status changed)."""
    found = by_pk(tx, member.pk)
    assert found is not None, "members are never deleted"
    return found


def by_pk(tx: Transaction, pk: int) -> MemberRecord | None:
    found = members_where(tx, Member.pk == pk)
    return found[0] if found else None


# What `change` may set; `name_key` and `phone_shown` follow the name and the phone.
CHANGEABLE = frozenset(
    ("name", "email", "email_key", "phone", "birthday", "marketing", "status", "block_reason")
    + ("erased_at", "merged_into_pk", "card")
)


def change(tx: Transaction, member: MemberRecord, **values: Any) -> MemberRecord:
    """Set some of the member's fields (CHANGEABLE) and return the member as now stored. The search key of
    the name and the written forms of the phone are kept with them; a unique id, e-mail, phone or card
    number another member took meanwhile is refused."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    unknown = set(values) - CHANGEABLE
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} of a member")
    if "name" in values:
        values["name_key"] = search_key(values["name"] or "")
    if "phone" in values:
        values["phone_shown"] = phone_forms(values["phone"]) if values["phone"] else None
    if not values:
        return refreshed(tx, member)
    try:
        with tx.conn.begin_nested():
            tx.conn.execute(update(Member).where(Member.pk == member.pk).values(**values))
    except IntegrityError:
        raise DuplicateError(_("Another member already has this id, e-mail or phone.")) from None
    return refreshed(tx, member)


def new_cards(tx: Transaction, count: int) -> list[str]:
    """`count` card numbers no member has: drawn at random (domain/cards.py), and drawn again for the few that
    a member holds already (among 100,000 members a repeat is not rare enough to leave to chance)."""
    cards: set[str] = set()
    while len(cards) < count:
        drawn = {card_number(f"{secrets.randbelow(10**11):011d}") for _ in range(count - len(cards))}
        dialect = tx.conn.dialect.name
        taken = set(tx.conn.scalars(select(Member.card).where(one_of(Member.card, drawn, dialect))))
        cards |= drawn - taken
    return list(cards)[:count]


def holders_of_cards(tx: Transaction) -> list[tuple[str, str, str]]:
    """(id, name, card number) of every member who can use a card: not erased, not merged into another."""
    rows = tx.conn.execute(
        select(Member.id, Member.name, Member.card)
        .where(Member.card.is_not(None), Member.status.not_in(("erased", "merged")))
        .order_by(Member.pk)
    ).all()
    return [(str(i), str(n), str(c)) for i, n, c in rows]


def holder_of(tx: Transaction, field_name: str, value: str, except_pk: int | None = None) -> MemberRecord | None:
    """The member (other than `except_pk`) whose `field_name` (id, email_key or phone) is `value`."""
    column = {"id": Member.id, "email_key": Member.email_key, "phone": Member.phone}[field_name]
    found = members_where(tx, (column == value) & (Member.pk != (except_pk or -1)))
    return found[0] if found else None


def locked(tx: Transaction, member: MemberRecord) -> MemberRecord:
    """Hold the member's row until the transaction ends, and read it afresh under the lock (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers), so debt and status are current."""
    lock(tx, member.pk)
    return refreshed(tx, member)


def lock(tx: Transaction, member_pk: int) -> None:
    """Hold the member's row until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE already
    serialises writers)."""
    if tx.conn.dialect.name == "postgresql":
        tx.conn.execute(select(Member.pk).where(Member.pk == member_pk).with_for_update()).all()


def find_many(
    tx: Transaction, refs: set[str], region: str | None, e164: frozenset[str] = frozenset()
) -> dict[str, list[FoundMember]]:
    """Every member each reference names (rows of pk, id, email_key, phone, status), one query per batch:
    by id, card number, e-mail or phone, as `resolve` finds one member. References in `e164` are phone
    numbers already normalised (they are not parsed again); a card number is never read as a phone."""
    cards = {ref: ref.strip() for ref in refs if is_card_number(ref)}
    phones = {ref: ref if ref in e164 else None if ref in cards else parse_phone(ref, region) for ref in refs}
    emails = {ref: ref.strip().lower() for ref in refs if "@" in ref}
    ids = {ref.strip() for ref in refs}
    dialect = tx.conn.dialect.name
    conditions = [one_of(Member.id, ids, dialect)]
    if emails:
        conditions.append(one_of(Member.email_key, set(emails.values()), dialect))
    phone_values = {p for p in phones.values() if p}
    if phone_values:
        conditions.append(one_of(Member.phone, phone_values, dialect))
    if cards:
        conditions.append(one_of(Member.card, set(cards.values()), dialect))
    columns = (
        Member.pk,
        Member.id,
        Member.email_key,
        Member.phone,
        Member.status,
        Member.merged_into_pk,
        Member.card,
    )
    rows: Any = tx.conn.execute(select(*columns).where(or_(*conditions))) if refs else []
    found = [FoundMember(*row) for row in rows]
    by_id = {m.id: m for m in found}
    by_email = {m.email_key: m for m in found if m.email_key}
    by_phone = {m.phone: m for m in found if m.phone}
    by_card = {m.card: m for m in found if m.card}
    result: dict[str, list[FoundMember]] = {}
    for ref in refs:
        hits = [by_id.get(ref.strip()), by_email.get(emails.get(ref, "")), by_phone.get(phones.get(ref) or "")]
        hits.append(by_card.get(cards.get(ref, "")))
        unique = {m.pk: m for m in hits if m is not None}
        result[ref] = list(unique.values())
    return result


def member_with_id_like(tx: Transaction, value: str, region: str | None) -> str | None:
    """The id of a member whose id is `value` (an e-mail key or an E.164 phone) in any written form."""
    forms = {value, value.lower()}
    if value.startswith("+"):
        forms |= written_forms(value)
    found = tx.conn.scalar(select(Member.id).where(func.lower(Member.id).in_({f.lower() for f in forms})))
    return str(found) if found is not None else None


def overwrite_freed_space(tx: Transaction) -> None:
    """SQLite: overwrite what this transaction frees with zeros (an erasure must not leave the old bytes)."""
    if tx.conn.dialect.name == "sqlite":
        tx.conn.exec_driver_sql("PRAGMA secure_delete=ON")


def people(tx: Transaction) -> list[Person]:
    """Every member who can still be a duplicate (not erased or merged), as plain values for the rules."""
    rows = tx.conn.execute(
        select(Member.id, Member.name, Member.email, Member.phone, Member.birthday).where(
            Member.status.not_in(("erased", "merged"))
        )
    ).all()
    return [Person(str(r[0]), r[1], r[2], r[3], r[4]) for r in rows]
