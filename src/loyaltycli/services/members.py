"""MemberRecord commands: enrol, show, find, list, edit, block, unblock, export, erase."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from loyaltycli import i18n
from loyaltycli.domain import plans
from loyaltycli.domain.cards import Card
from loyaltycli.domain.contacts import clean_email, clean_name, control_problem
from loyaltycli.domain.dates import local_date, utc_naive
from loyaltycli.domain.enrolment import birthday_problem, member_id_for, signup_bonus
from loyaltycli.domain.expiry import lapse_day as expiry_lapse_day
from loyaltycli.domain.phones import normalise_phone
from loyaltycli.domain.program import Program
from loyaltycli.domain.tiers import tier_for, window_start
from loyaltycli.errors import BadInputError, BlockedError, DuplicateError, RefusedError
from loyaltycli.i18n import _
from loyaltycli.services.context import Today, today_in
from loyaltycli.services.voucher_rows import VoucherRow, open_vouchers
from loyaltycli.storage import consents
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import Balances, member_balances
from loyaltycli.storage.database import Database
from loyaltycli.storage.history import stamps_on_cards
from loyaltycli.storage.members import NewMember, NewMembers
from loyaltycli.storage.records import MemberRecord, Transaction

ERASED_NAME = "(erased)"


if TYPE_CHECKING:
    from loyaltycli.services.exporting import MemberExport
    from loyaltycli.storage.listing import Criteria
    from loyaltycli.storage.listing import MemberRow as MemberRow


@dataclass(frozen=True)
class EnrollRequest:
    name: str
    email: str | None = None
    phone: str | None = None
    birthday: dt.date | None = None
    member_id: str | None = None
    referred_by: str | None = None
    date: dt.datetime | None = None
    marketing: bool = False
    channel: str = "till"  # where a consent to marketing was given: till, counter, web, import


@dataclass(frozen=True)
class ConsentView:
    """One marketing consent event: given (true) or withdrawn, when (local time), how, to which text."""

    marketing: bool
    at: str
    channel: str
    text_version: str | None


@dataclass(frozen=True)
class MemberView:
    """A member's profile with tier, balances and stamps (SPEC §3 `member show`)."""

    id: str
    name: str
    email: str | None
    phone: str | None
    birthday: dt.date | None
    status: str
    block_reason: str | None
    marketing: bool
    enrolled_on: dt.date
    last_purchase_on: dt.date | None
    referred_by: str | None
    tier: str | None
    balances: Balances
    stamps: dict[str, int] = field(default_factory=dict)
    signup_points: int = 0
    stamp_sizes: dict[str, int] = field(default_factory=dict)  # stamps a card needs to fill
    vouchers: list[VoucherRow] = field(default_factory=list)  # open: usable today
    phone_shown: str | None = None  # the phone as people write it here (`0170 1234567`); `phone` is E.164
    card: str | None = None  # the number on the member's card (13 digits)
    consents: list[ConsentView] = field(default_factory=list)  # marketing consent events, newest first


def enroll(db: Database, request: EnrollRequest, now: dt.datetime) -> MemberView:
    """A new member with the signup bonus; a duplicate id, e-mail or phone is refused."""
    name = clean_name(request.name)
    with db.write() as tx:
        ctx = today_in(tx, now)
        when = request.date or now
        day = ctx.written_day(local_date(when, ctx.program.zone), "--date")
        program = ctx.version_on(day)
        email, email_key = clean_email(request.email)
        phone = normalise_phone(request.phone, ctx.program.region) if request.phone else None
        _check_birthday(request.birthday, day)
        _refuse_duplicates(tx, request.member_id, email_key, phone)
        _refuse_colliding_references(tx, request.member_id, email_key, phone, ctx.program.region)
        referrer = _referrer(tx, request.referred_by, ctx.program)
        enrolment = NewMembers(tx)  # a batch of one: `member import` enrols through the same insert
        (pk,) = enrolment.pks(1)
        member_id = request.member_id.strip() if request.member_id else member_id_for(pk)
        referrer_pk = referrer.pk if referrer else None
        enrolled_at = utc_naive(when)
        new = NewMember(
            pk, member_id, name, email, email_key, phone, request.birthday, request.marketing, enrolled_at, day
        )
        enrolment.insert([new._replace(referred_by_pk=referrer_pk)])
        member = lookup.by_pk(tx, pk)
        assert member is not None
        if request.marketing:
            version = program.program.consent.text_version
            consents.record(tx, member.pk or 0, True, utc_naive(when), request.channel, version)
        signup, expires = signup_bonus(program.program, day)
        if signup:
            from loyaltycli.storage import ledger  # here: showing and listing members need no ledger writer

            booking = ledger.Booking(program.version, "enroll", day, utc_naive(now), ref="signup")
            held = plans.Holdings(member.pk, member.debt)
            ledger.post_plans(tx, [plans.credit(held, "signup", booking, plans.Grant(signup, day, expires))])
        return replace(member_view(tx, member, ctx), signup_points=signup)


def show_member(db: Database, ref: str, now: dt.datetime, follow: bool = True) -> MemberView:
    """One member; `follow=False` shows a merged record itself instead of the member it was merged into."""
    with db.read() as tx:
        ctx = today_in(tx, now)
        return member_view(tx, lookup.resolve(tx, ref, ctx.program.region, follow=follow), ctx)


def export_member(db: Database, ref: str, now: dt.datetime) -> MemberExport:
    """Everything stored about one person (GDPR access)."""
    from loyaltycli.services.exporting import member_export
    from loyaltycli.storage.export import member_rows

    with db.read() as tx:
        ctx = today_in(tx, now)
        member = lookup.resolve(tx, ref, ctx.program.region, follow=False)  # the person's own record
        return member_export(member_rows(tx, member), member_view(tx, member, ctx))


@dataclass(frozen=True)
class AccessBundle:
    """What `member export --bundle` packs: the export, the card to draw, the shop and the day."""

    export: MemberExport
    card: Card | None
    shop: str
    today: dt.date


def access_bundle(db: Database, ref: str, now: dt.datetime) -> AccessBundle:
    """Everything stored about one person, with their card (GDPR access request)."""
    from loyaltycli.services.exporting import member_export
    from loyaltycli.storage.export import member_rows

    with db.read() as tx:
        ctx = today_in(tx, now)
        member = lookup.resolve(tx, ref, ctx.program.region, follow=False)
        view = member_view(tx, member, ctx)
        shop = ctx.program.program.name
        card = Card(view.id, view.name, view.card, shop, view.balances.available) if view.card else None
        return AccessBundle(member_export(member_rows(tx, member), view), card, shop, ctx.today)


@dataclass(frozen=True)
class MemberChanges:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    birthday: dt.date | None = None
    marketing: bool | None = None


def edit_member(db: Database, ref: str, changes: MemberChanges, now: dt.datetime) -> MemberView:
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = _changeable(tx, ref, ctx)
        values: dict[str, object] = {}
        if changes.name is not None:
            values["name"] = clean_name(changes.name, "--name")
        if changes.email is not None:  # checked (and taken from a merged record) before it is set
            email, email_key = clean_email(changes.email or None)
            _refuse_duplicates(tx, None, email_key, None, member.pk)
            _refuse_colliding_references(tx, None, email_key, None, ctx.program.region)
            values.update(email=email, email_key=email_key)
        if changes.phone is not None:
            phone = normalise_phone(changes.phone, ctx.program.region) if changes.phone else None
            _refuse_duplicates(tx, None, None, phone, member.pk)
            _refuse_colliding_references(tx, None, None, phone, ctx.program.region)
            values["phone"] = phone
        if changes.birthday is not None:
            _check_birthday(changes.birthday, ctx.today)
            values["birthday"] = changes.birthday
        if changes.marketing is not None:
            version = ctx.program.consent.text_version
            consents.record(tx, member.pk, changes.marketing, utc_naive(now), "till", version)
        member = lookup.change(tx, member, **values)
        return member_view(tx, member, ctx)


def set_consent(db: Database, ref: str, marketing: bool, channel: str, now: dt.datetime) -> tuple[str, ConsentView]:
    """`consent MEMBER --marketing yes|no`: a consent or its withdrawal as an event; the member's id and it."""
    if channel not in consents.CHANNELS:
        raise BadInputError(
            _("--channel: {channel!r} is not one of {channels}.").format(
                channel=channel, channels=", ".join(consents.CHANNELS)
            )
        )
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = _changeable(tx, ref, ctx)
        version = ctx.program.consent.text_version
        consents.record(tx, member.pk or 0, marketing, utc_naive(now), channel, version)
        return str(member.id), consent_views(tx, member.pk or 0, ctx)[0]


def restrict_member(db: Database, ref: str, now: dt.datetime) -> str:
    """`member erase --restrict` (GDPR Art. 18): the data stays, nothing is done with it: no earning, no
    redeeming, no mailing (status `restricted`, refused like a blocked member), until `member unblock`."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = _changeable(tx, ref, ctx)
        if member.status == "merged":
            raise BlockedError(
                _("Member {id} was merged into another; restrict that member instead.").format(id=member.id)
            )
        lookup.change(tx, member, status="restricted", block_reason=None)
        return str(member.id)


def set_blocked(db: Database, ref: str, blocked: bool, reason: str | None, now: dt.datetime) -> MemberView:
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = _changeable(tx, ref, ctx)
        if blocked and not (reason or "").strip():
            raise BadInputError(_("--reason: say why the member is blocked."))
        problem = control_problem(reason, "--reason")
        if problem is not None:
            raise BadInputError(problem + ".")
        status = "blocked" if blocked else "active"
        member = lookup.change(tx, member, status=status, block_reason=reason.strip() if blocked and reason else None)
        return member_view(tx, member, ctx)


def erase_member(db: Database, ref: str, now: dt.datetime) -> str:
    """Remove the person's data; the ledger stays, anonymous (GDPR erasure).

    The reference names the record itself, never the member it was merged into: erasing a merged duplicate
    erases that duplicate and leaves the kept member alone. Erasing a kept member also erases the records
    merged into it, since a merge said they were the same person."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = lookup.resolve(tx, ref, ctx.program.region, follow=False)
        lookup.overwrite_freed_space(tx)
        for record in (member, *lookup.merged_into(tx, member)):
            _erase_personal_data(tx, record, now)
        member_id = str(member.id)
        _write_off(tx, ctx, member, now)
    db.checkpoint()  # the old values must not live on in SQLite's write-ahead log either
    return member_id


def _write_off(tx: Transaction, ctx: Today, member: MemberRecord, now: dt.datetime) -> None:
    """Nobody can redeem an erased member's points, so they leave the liability: one `erase` entry consumes
    the lots (as an expiry would), and a debt is written off by an `erase` credit that pays it."""
    from loyaltycli.storage import ledger
    from loyaltycli.storage.expiry import lots_held

    held = lots_held(tx, member.pk or 0)
    if held:
        booking = plans.expiry_booking(ctx.current.version, "erase", ctx.today, utc_naive(now))
        ledger.post_plans(tx, plans.expired(held, booking))
    if member.debt > 0:
        booking = ledger.Booking(ctx.current.version, "erase", ctx.today, utc_naive(now), ref="erase")
        written_off = plans.Grant(member.debt, ctx.today, None)
        ledger.post_plans(tx, [plans.credit(ledger.holdings(tx, member.pk), "erase", booking, written_off)])


def _erase_personal_data(tx: Transaction, member: MemberRecord, now: dt.datetime) -> None:
    gone = dict.fromkeys(("email", "email_key", "phone", "birthday", "card", "block_reason"))
    # A merged record stays merged: its points live on with the kept member.
    status = member.status if member.status == "merged" else "erased"
    lookup.change(tx, member, name=ERASED_NAME, marketing=False, status=status, erased_at=utc_naive(now), **gone)


@dataclass(frozen=True)
class ListFilter:
    tier: str | None = None
    status: str | None = None
    lapsed_days: int | None = None
    expiring_days: int | None = None
    birthday_month: int | None = None
    marketing: bool = False
    text: str | None = None
    limit: int | None = None  # at most this many (the counter screen's list of matches)


def list_members(db: Database, filters: ListFilter, now: dt.datetime) -> list[MemberRow]:
    """Members matching every filter, with tier and available points, as aggregates in SQL."""
    if filters.birthday_month is not None and not 1 <= filters.birthday_month <= 12:
        raise BadInputError(
            _("--birthday-month: {birthday_month} is not a month (1-12).").format(birthday_month=filters.birthday_month)
        )
    for name, days in (("--lapsed", filters.lapsed_days), ("--expiring", filters.expiring_days)):
        if days is not None and days < 0:
            raise BadInputError(_("{name}: {days} must not be negative.").format(name=name, days=days))
    with db.read() as tx:
        ctx = today_in(tx, now)
        tiers = ctx.program.tiers
        level = ctx.program.tier(filters.tier) if filters.tier is not None else None
        if filters.tier is not None and level is None:
            known = ", ".join(t.name for t in tiers.levels) if tiers else "none"
            raise BadInputError(
                _("--tier: {tier!r} is not a tier of the programme (tiers: {known}).").format(
                    tier=filters.tier, known=known
                )
            )
        from loyaltycli.storage.listing import member_rows  # here: `member show` and `enroll` list nothing

        rows = member_rows(tx, _criteria(filters, ctx.today), ctx.program, ctx.today, filters.expiring_days)
    if level is not None:
        rows = [row for row in rows if row.tier == level.name]
    return rows


def _criteria(filters: ListFilter, today: dt.date) -> Criteria:
    from loyaltycli.storage.listing import Criteria

    lapsed, expiring = filters.lapsed_days, filters.expiring_days
    return Criteria(
        text=filters.text,
        status=filters.status,
        reachable_only=_for_mailing(filters),
        marketing=filters.marketing,
        birthday_month=filters.birthday_month,
        inactive_before=today - dt.timedelta(days=lapsed) if lapsed is not None else None,
        expiring_by=today + dt.timedelta(days=expiring) if expiring is not None else None,
        limit=filters.limit,
    )


def _for_mailing(filters: ListFilter) -> bool:
    """Lists that pick people to write to leave out those who are gone (erased, merged into another)."""
    return (
        filters.lapsed_days is not None
        or filters.expiring_days is not None
        or filters.birthday_month is not None
        or filters.marketing
    )


def find_members(db: Database, text: str, now: dt.datetime) -> list[MemberRow]:
    if not text.strip():
        raise BadInputError(_("member find: give part of a name, an e-mail or a phone number."))
    return list_members(db, ListFilter(text=text), now)


# ---------------------------------------------------------------- helpers


def member_view(tx: Transaction, member: MemberRecord, ctx: Today) -> MemberView:
    program = ctx.program
    referrer = lookup.by_pk(tx, member.referred_by_pk) if member.referred_by_pk else None
    stamps = stamps_on_cards(tx, member.pk)
    for card in program.stamp_cards:
        stamps.setdefault(card.id, 0)
    return MemberView(
        id=str(member.id),
        name=member.name,
        email=member.email,
        phone=member.phone,
        birthday=member.birthday,
        status=member.status,
        block_reason=member.block_reason,
        marketing=member.marketing,
        enrolled_on=member.enrolled_on,
        last_purchase_on=member.last_purchase_on,
        referred_by=str(referrer.id) if referrer else None,
        tier=current_tier(tx, member, program, ctx.today),
        balances=member_balances(tx, member, ctx.today, lapse_day(member, program)),
        stamps=stamps,
        stamp_sizes={card.id: card.stamps for card in program.stamp_cards},
        vouchers=open_vouchers(tx, member.pk or 0, str(member.id), ctx),
        phone_shown=i18n.shown_phone(member.phone_shown) if member.phone_shown else None,
        card=member.card,
        consents=consent_views(tx, member.pk or 0, ctx),
    )


def consent_views(tx: Transaction, member_pk: int, ctx: Today) -> list[ConsentView]:
    return [
        ConsentView(c.marketing, local_instant(c.at, ctx.program.zone), c.channel, c.text_version)
        for c in consents.history(tx, member_pk)
    ]


def local_instant(stored: dt.datetime, zone: ZoneInfo) -> str:
    """A stored instant (naive UTC) in ISO 8601 with the programme's offset: `2026-06-15T10:00:00+02:00`."""
    return stored.replace(tzinfo=dt.UTC).astimezone(zone).isoformat(timespec="seconds")


def current_tier(tx: Transaction, member: MemberRecord, program: Program, today: dt.date) -> str | None:
    """The tier held today: what qualified in the rolling window up to and including today."""
    tiers = program.tiers
    if tiers is None or member.pk is None:
        return None
    total = lookup.qualifying_total(tx, member.pk, tiers.basis, window_start(tiers, today))
    level = tier_for(tiers, total)
    return level.name if level else None


def lapse_day(member: MemberRecord, program: Program) -> dt.date | None:
    """Inactivity policy: the first day all of the member's points are gone."""
    return expiry_lapse_day(program.expiry, member.last_purchase_on, member.enrolled_on)


def _changeable(tx: Transaction, ref: str, ctx: Today) -> MemberRecord:
    member = lookup.resolve(tx, ref, ctx.program.region)
    if member.status == "erased":
        raise BlockedError(_("Member {id} was erased; their profile can no longer be changed.").format(id=member.id))
    return member


def _check_birthday(birthday: dt.date | None, today: dt.date) -> None:
    if birthday_problem(birthday, today):
        raise BadInputError(_("--birthday: {birthday} is in the future.").format(birthday=i18n.day(birthday)))


def _refuse_duplicates(
    tx: Transaction,
    member_id: str | None,
    email_key: str | None,
    phone: str | None,
    own_pk: int | None = None,
) -> None:
    checks = (
        ("id", "id", member_id.strip() if member_id else None),
        ("e-mail", "email_key", email_key),
        ("phone", "phone", phone),
    )
    for label, field_name, value in checks:
        if value is None:
            continue
        if label == "id" and not value:
            raise BadInputError(_("--id: a member id cannot be empty."))
        other = lookup.holder_of(tx, field_name, value, own_pk)
        if other is not None and own_pk is not None and _merged_into(tx, other, own_pk):
            release(tx, other, field_name)  # a record merged into this member gives it up
            continue
        if other is not None:
            raise DuplicateError(
                _("Another member ({id}) already has the {label} {value}.").format(
                    id=other.id, label=label, value=value
                )
            )


def _merged_into(tx: Transaction, record: MemberRecord, member_pk: int) -> bool:
    """Whether `record` was merged into the member `member_pk` (also through a chain of merges)."""
    return record.status == "merged" and any(m.pk == record.pk for m in lookup.merged_into(tx, _by_pk(tx, member_pk)))


def _by_pk(tx: Transaction, pk: int) -> MemberRecord:
    member = lookup.by_pk(tx, pk)
    assert member is not None
    return member


def release(tx: Transaction, record: MemberRecord, field_name: str) -> None:
    """A merged record lets go of its e-mail or phone, so the member it joined can have it."""
    if field_name == "email_key":
        lookup.change(tx, record, email=None, email_key=None)
    elif field_name == "phone":
        lookup.change(tx, record, phone=None)


def _refuse_colliding_references(
    tx: Transaction, member_id: str | None, email_key: str | None, phone: str | None, region: str | None
) -> None:
    """Ids, e-mails and phones never collide (SPEC §1): an id that is another member's e-mail or phone (in any
    written form), or an e-mail or phone that is another member's id, would make both unreachable."""
    if member_id and member_id.strip():
        found = lookup.matching(tx, member_id, region)
        if found:
            raise DuplicateError(
                _(
                    "--id {strip}: member {id} already answers to it (as id, e-mail or phone); choose another id."
                ).format(strip=member_id.strip(), id=found[0].id)
            )
    for label, value in (("e-mail", email_key), ("phone", phone)):
        if value is None:
            continue
        other = lookup.member_with_id_like(tx, value, region)
        if other is not None:
            raise DuplicateError(
                _("The {label} {value} is the id of member {other}; it cannot name another member.").format(
                    label=label, value=value, other=other
                )
            )


def _referrer(tx: Transaction, ref: str | None, program: Program) -> MemberRecord | None:
    if not ref:
        return None
    referrer = lookup.resolve(tx, ref, program.region)
    if referrer.status != "active":
        raise RefusedError(
            _("Member {id} is {status} and cannot refer anyone.").format(
                id=referrer.id, status=i18n.status_named(referrer.status)
            )
        )
    return referrer


def new_card(db: Database, ref: str, now: dt.datetime) -> MemberView:
    """A new card number for a member (a lost card): the old number then names nobody."""
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = _changeable(tx, ref, ctx)
        member = lookup.change(tx, member, card=lookup.new_cards(tx, 1)[0])
        return member_view(tx, member, ctx)


def duplicates(db: Database, now: dt.datetime) -> list[Any]:
    """Pairs of members who are probably one person; merges nothing (`member merge` does, when asked)."""
    from loyaltycli.domain.duplicates import probable_duplicates

    with db.read() as tx:
        return probable_duplicates(lookup.people(tx))
