"""`member import`: a shop's existing customers, with opening balances (SPEC §4a).

Rows are read by `importers/customers.py`, checked with the same rules as `enroll` (e-mail, phone,
ids that collide), and booked in batches: members, their opening points (one ledger entry of kind
`opening` whose lot expires by the programme's policy from `points_date` (default: the day of the import),
or on `expires`), and the
qualifying spend they carry into the tier window (a receipt of kind `opening`, dated `points_date`, that
counts for tiers but not as revenue). A row whose id, e-mail or phone is already a member's changes
nothing (`existing`), so the same list twice is safe. No signup bonus for existing customers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loyaltycli import i18n
from loyaltycli.domain.contacts import clean_email
from loyaltycli.domain.dates import NOON, implausible, utc_naive, written_day
from loyaltycli.domain.enrolment import birthday_problem, member_id_for
from loyaltycli.domain.expiry import lapse_day, lot_expiry
from loyaltycli.domain.money import to_cents
from loyaltycli.domain.phones import forms_of, phone_and_number
from loyaltycli.domain.purchase_plans import opening_plans
from loyaltycli.errors import LoyaltyError
from loyaltycli.i18n import _
from loyaltycli.importers.csvfile import UnreadableRow, inspect_file, rows
from loyaltycli.importers.customers import (
    CUSTOMER_FIELDS,
    Customer,
    customer_columns,
    read_customer,
    unread_columns,
)
from loyaltycli.importers.formats import parse_overrides
from loyaltycli.importers.values import ValueProblem
from loyaltycli.services.batch_import import FileOptions, ImportHaltedError, Rejects, batched, run_batches
from loyaltycli.services.context import Today, today_in
from loyaltycli.storage import consents
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import Database
from loyaltycli.storage.members import NewMember, NewMembers
from loyaltycli.storage.records import Transaction
from loyaltycli.storage.writer import PurchaseWriter

BATCH = 2000


@dataclass(frozen=True)
class MemberImportOptions(FileOptions):
    """`member import`: the options of every file import (SPEC §4a names no others)."""


@dataclass
class MemberImportSummary:
    rows: int = 0
    enrolled: int = 0
    existing: int = 0
    rejected: int = 0
    points: int = 0
    expired_at_once: int = 0  # opening points whose expiry (by their date or `expires`) is today or earlier
    dry_run: bool = False
    existing_rows: list[ExistingRow] = field(default_factory=list)  # every row not enrolled as existing, and why
    unread_columns: list[str] = field(default_factory=list)  # columns of the file that no field reads


@dataclass(frozen=True)
class ExistingRow:
    """A row that changed nothing because its id, e-mail or phone is a member's already."""

    row: int
    member: str | None  # the member it names (None: a row earlier in the same list)
    by: list[str]  # which of its values matched: id, email, phone
    reason: str
    partly: bool  # some of its values are not that member's (another person with the same phone, say)


@dataclass(frozen=True)
class RejectedCustomer:
    row: int
    reason: str


@dataclass(frozen=True)
class _Checked:
    customer: Customer
    email: str | None
    email_key: str | None
    phone: str | None
    phone_number: Any  # the phone as phonenumbers parsed it (its written forms are made for new members only)
    enrolled: dt.date
    points_date: dt.date


def import_members(
    db: Database, options: MemberImportOptions, now: dt.datetime, on_reject: Callable[[RejectedCustomer], None]
) -> MemberImportSummary:
    """Import a customer list; a file that cannot be read at all raises before anything is written."""
    overrides = parse_overrides(list(options.maps), options.mapping_file, CUSTOMER_FIELDS)
    listing = inspect_file(options.path, options.delimiter)
    index = customer_columns(options.format, listing.header, overrides, options.path)
    summary = MemberImportSummary(dry_run=options.dry_run, unread_columns=unread_columns(listing.header, index))
    with db.read() as tx:
        ctx = today_in(tx, now)
    rejects = Rejects(options.rejects_path, listing)

    def reject(number: int, cells: list[str], reason: str) -> None:
        summary.rejected += 1
        rejects.write(cells, reason)
        on_reject(RejectedCustomer(number, reason))

    def book(tx: Transaction, batch: list[tuple[int, list[str]]]) -> None:
        summary.rows += len(batch)
        _book(tx, ctx, batch, index, options, summary, reject, now)

    committed = 0  # members enrolled by batches already committed

    def remember() -> None:
        nonlocal committed
        committed = summary.enrolled

    try:
        run_batches(db, options.dry_run, batched(rows(listing), BATCH), book, remember)
    except KeyboardInterrupt as exc:
        exc.kept = _kept(committed, options.path)  # type: ignore[attr-defined]
        raise
    except Exception as exc:
        if committed == 0 or isinstance(exc, LoyaltyError):
            raise
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImportHaltedError(
            _("The member import stopped at row {rows} ({reason}); {kept}.").format(
                rows=i18n.number(summary.rows), reason=reason, kept=_kept(committed, options.path)
            )
        ) from exc
    finally:
        rejects.close()
    return summary


def _kept(members: int, path: str) -> str:
    """What an interrupted or halted member import kept: the batches committed before it stopped."""
    if not members:
        return _("nothing of this import was written")
    return _("{members} of {path} were enrolled before that; run the same command again to import the rest").format(
        members=i18n.members(members), path=path
    )


def _book(
    tx: Transaction,
    ctx: Today,
    batch: list[tuple[int, list[str]]],
    index: dict[str, int],
    options: MemberImportOptions,
    summary: MemberImportSummary,
    reject: Callable[[int, list[str], str], None],
    now: dt.datetime,
) -> None:
    checked: list[tuple[_Checked, list[str]]] = []
    for number, cells in batch:
        try:
            if isinstance(cells, UnreadableRow):
                raise ValueProblem(cells.problem)
            customer = read_customer(number, cells, index, options.date_order, options.decimal_comma)
            checked.append((_check(customer, ctx), cells))
        except (ValueProblem, LoyaltyError) as exc:
            reject(number, cells, exc.message if isinstance(exc, LoyaltyError) else str(exc))
    _write(tx, ctx, checked, summary, reject, now)


def _check(customer: Customer, ctx: Today) -> _Checked:
    """The same checks as `enroll`: e-mail, phone of the programme's region, dates that can be meant."""
    email, email_key = clean_email(customer.email, "email")
    phone, number = phone_and_number(customer.phone, ctx.program.region) if customer.phone else (None, None)
    if customer.birthday is not None and birthday_problem(customer.birthday, ctx.today):
        raise ValueProblem(_("birthday {isoformat} is in the future").format(isoformat=written_day(customer.birthday)))
    enrolled = customer.enrolled or ctx.today
    for name, day in (("enrolled", enrolled), ("points_date", customer.points_date)):
        why = implausible(day, ctx.today) if day is not None else None
        if why is not None:
            raise ValueProblem(_("{field} {why}").format(field=name, why=why))
    if customer.member_id is not None and len(customer.member_id) > 64:
        raise ValueProblem(_("id is longer than 64 characters"))
    # Opening points count as earned on the day of the import unless the list dates them: a customer of
    # 2019 brings the points they hold now, which an expiry counted from 2019 would take at once.
    return _Checked(customer, email, email_key, phone, number, enrolled, customer.points_date or ctx.today)


def _write(
    tx: Any,
    ctx: Today,
    checked: list[tuple[_Checked, list[str]]],
    summary: MemberImportSummary,
    reject: Callable[[int, list[str], str], None],
    now: dt.datetime,
) -> None:
    """Members who are not there yet, with their opening points and spend; referrals resolved last.

    A customer named twice in one batch is caught by `seen`; in an earlier batch, by the database (those
    rows are written, and a dry run reads its own writes), so memory does not grow with the list."""
    refs = {ref for c, _ in checked for ref in _keys(c) if ref}
    refs |= {c.customer.referred_by for c, _ in checked if c.customer.referred_by}
    e164 = frozenset(c.phone for c, _ in checked if c.phone)
    found = lookup.find_many(tx, refs, ctx.program.region, e164) if refs else {}
    fresh: list[tuple[_Checked, list[str]]] = []
    seen: set[str] = set()
    for item, cells in checked:
        keys = [k for k in _keys(item) if k]
        if any(found.get(k) for k in keys) or any(k.lower() in seen for k in keys):
            summary.existing += 1
            summary.existing_rows.append(_existing(item, found))
            continue
        seen.update(k.lower() for k in keys)
        fresh.append((item, cells))
    if not fresh:
        return
    enrolment = NewMembers(tx)
    pks = enrolment.pks(len(fresh))
    created: dict[str, int] = {}
    members = []
    writer = PurchaseWriter(tx, now, "member-import")
    for pk, (item, cells) in zip(pks, fresh, strict=True):
        c = item.customer
        referrer = _referrer(c.referred_by, found, created) if c.referred_by else None
        if c.referred_by and referrer is None:
            reject(
                c.row,
                cells,
                _("referred_by {ref!r} is no member (list the referrer before the customer)").format(ref=c.referred_by),
            )
            continue
        member_id = c.member_id or member_id_for(pk)
        enrolled_at = dt.datetime.combine(item.enrolled, NOON, tzinfo=ctx.program.zone)
        members.append(
            NewMember(
                pk,
                member_id,
                c.name,
                item.email,
                item.email_key,
                item.phone,
                c.birthday,
                c.marketing,
                utc_naive(enrolled_at),
                item.enrolled,
                referrer,
                forms_of(item.phone_number) if item.phone_number is not None else None,
            )
        )
        for key in (member_id, item.email_key, item.phone):
            if key:
                created[key.lower()] = pk
        _opening(writer, ctx, pk, member_id, item, summary)
    enrolment.insert(members)
    version = ctx.program.consent.text_version
    consents.record_many(tx, [(m.pk, True, utc_naive(now), "import", version) for m in members if m.marketing])
    writer.flush([])
    summary.enrolled += len(members)


def _existing(item: _Checked, found: dict[str, list[Any]]) -> ExistingRow:
    """Which member a row names already, and by which of its values (a row whose phone is another
    member's, say, would otherwise vanish in a count)."""
    by = {label: found.get(key or "") or [] for label, key in zip(("id", "email", "phone"), _keys(item), strict=True)}
    named = sorted({str(m.id) for hits in by.values() for m in hits})
    matched = [label for label, hits in by.items() if hits]
    if not named:
        reason = _("its id, e-mail or phone is also in an earlier row of the list")
    else:
        reason = _("already a member: {members} (same {values})").format(
            members=", ".join(named), values=", ".join(matched)
        )
    given = [label for label, key in zip(("id", "email", "phone"), _keys(item), strict=True) if key]
    partly = len(named) != 1 or matched != given
    return ExistingRow(item.customer.row, named[0] if len(named) == 1 else None, matched, reason, partly)


def _keys(item: _Checked) -> tuple[str | None, ...]:
    return (item.customer.member_id, item.email_key, item.phone)


def _opening(
    writer: PurchaseWriter, ctx: Today, pk: int, member_id: str, item: _Checked, summary: MemberImportSummary
) -> None:
    c, day = item.customer, item.points_date
    version = ctx.version_on(day)
    expiry = version.program.expiry
    expires = c.expires or lot_expiry(expiry, day)
    at = utc_naive(dt.datetime.combine(day, NOON, tzinfo=ctx.program.zone))
    spend = to_cents(c.spend) if c.spend else 0
    for plan in opening_plans(pk, member_id, c.points or 0, spend, day, at, expires, version.version):
        writer.add(plan)
    if c.points:
        summary.points += c.points
        lapses = lapse_day(expiry, None, item.enrolled)  # no purchase yet: inactivity counts from enrolment
        if any(due is not None and due <= ctx.today for due in (expires, lapses)):
            summary.expired_at_once += c.points


def _referrer(ref: str, found: dict[str, list[Any]], created: dict[str, int]) -> int | None:
    """The member a `referred_by` names: in the database, or earlier in this list."""
    matches = found.get(ref) or []
    if len(matches) == 1:
        return int(matches[0].pk)
    return created.get(ref.strip().lower())
