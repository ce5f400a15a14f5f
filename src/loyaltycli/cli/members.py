"""`enroll` and `member show|find|list|edit|block|unblock|export|erase`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from loyaltycli import i18n
from loyaltycli.cli.options import (
    CsvOption,
    DateOption,
    DateOrderOption,
    DecimalCommaOption,
    DelimiterOption,
    DryRunOption,
    JsonOption,
    MapOption,
    MappingOption,
    RejectsOption,
    day,
    instant,
)
from loyaltycli.cli.options import date_order as order
from loyaltycli.cli.output import (
    RejectPrinter,
    emit_csv,
    emit_json,
    key_values,
    message,
    open_vouchers_table,
    show,
    stamp_progress,
    table,
)
from loyaltycli.cli.state import STATE, now
from loyaltycli.domain.dates import last_valid_day
from loyaltycli.i18n import _
from loyaltycli.importers import CUSTOMER_PRESETS, named_list

if TYPE_CHECKING:
    from loyaltycli.services.members import MemberRow, MemberView

app = typer.Typer(help="Find, list, change, block and erase members.", no_args_is_help=True, rich_markup_mode=None)

MemberArgument = Annotated[str, typer.Argument(help="Member id, e-mail or phone number.")]
MarketingOption = Annotated[
    bool | None, typer.Option("--marketing/--no-marketing", help="Consent to marketing messages.")
]


def enroll(
    name: Annotated[str, typer.Argument(help="The member's name.")],
    email: Annotated[str | None, typer.Option("--email", help="E-mail address (unique).")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Phone number (unique; stored as E.164).")] = None,
    birthday: Annotated[str | None, typer.Option("--birthday", help="Birthday, YYYY-MM-DD.")] = None,
    member_id: Annotated[str | None, typer.Option("--id", help="Member id; default a generated M000123.")] = None,
    referred_by: Annotated[str | None, typer.Option("--referred-by", help="The member who referred them.")] = None,
    date: DateOption = None,
    marketing: MarketingOption = None,
    json_out: JsonOption = False,
) -> None:
    """Enrol a new member (with the signup bonus)."""
    from loyaltycli.services.members import EnrollRequest, enroll

    request = EnrollRequest(
        name=name,
        email=email,
        phone=phone,
        birthday=day(birthday, "--birthday"),
        member_id=member_id,
        referred_by=referred_by,
        date=instant(date),
        marketing=bool(marketing),
    )
    view = enroll(STATE.database(), request, now())
    if json_out:
        emit_json(member_document(view) | {"points": view.signup_points, "balance": _points(view)})
    elif view.signup_points:
        message(
            _("Enrolled {name} as {id}; signup bonus: {signup_points}.").format(
                name=view.name, id=view.id, signup_points=i18n.points(view.signup_points)
            )
        )
    else:  # a programme without a signup bonus: say nothing of one
        message(_("Enrolled {name} as {id}.").format(name=view.name, id=view.id))


@app.command("import")
def import_members(
    path: Annotated[str, typer.Argument(help="The customer list (CSV).")],
    fmt: Annotated[str, typer.Option("--format", help=named_list(CUSTOMER_PRESETS))] = "generic",
    maps: MapOption = None,
    mapping: MappingOption = None,
    delimiter: DelimiterOption = None,
    decimal_comma: DecimalCommaOption = False,
    date_order: DateOrderOption = "dmy",
    rejects: RejectsOption = None,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    """Bring an existing customer list, with opening points; rejected rows exit 1."""
    from dataclasses import asdict

    from loyaltycli.services.customer_import import MemberImportOptions, RejectedCustomer
    from loyaltycli.services.customer_import import import_members as service

    options = MemberImportOptions(
        path,
        format=fmt,
        maps=tuple(maps or ()),
        mapping_file=mapping,
        delimiter=delimiter,
        decimal_comma=True if decimal_comma else None,
        date_order=order(date_order),
        rejects_path=rejects,
        dry_run=dry_run,
    )
    printer = RejectPrinter(path, rejects)

    def on_reject(rejected: RejectedCustomer) -> None:
        printer.show(rejected.row, rejected.reason)

    summary = service(STATE.database(), options, now(), on_reject)
    printer.finish()
    partly = [row for row in summary.existing_rows if row.partly]  # all are in --json; these also here
    for row in partly[: RejectPrinter.LIMIT]:
        message(f"{path}: " + _("row {row}").format(row=row.row) + f": {row.reason}")
    if len(partly) > RejectPrinter.LIMIT:
        message(
            _("... and {value} more rows that name a member in part").format(value=len(partly) - RejectPrinter.LIMIT)
        )
    if json_out:
        emit_json(asdict(summary))
    message(
        (_("Dry run: ") if dry_run else "")
        + _(
            "{rows}: {enrolled} enrolled, {existing} already members, {rejected} rejected, {points} as opening balances."
        ).format(
            rows=i18n.rows(summary.rows),
            enrolled=i18n.number(summary.enrolled),
            existing=i18n.number(summary.existing),
            rejected=i18n.number(summary.rejected),
            points=i18n.points(summary.points),
        )
    )
    if summary.unread_columns:
        message(
            _(
                "Not read (no field of a customer list): {columns}; name one with --map FIELD=COLUMN if it matters."
            ).format(columns=", ".join(summary.unread_columns))
        )
    if summary.expired_at_once:
        message(
            _(
                "{points} of the opening balances are past expiry already (by their points_date or expires, or "
                "by the enrolment date under the inactivity policy) and go with the next `loyalty expire`."
            ).format(points=i18n.points(summary.expired_at_once))
        )
    if summary.rejected:
        raise typer.Exit(1)


@app.command("merge")
def merge(
    keep: Annotated[str, typer.Argument(help="The member who stays (id, e-mail or phone).")],
    other: Annotated[str, typer.Argument(help="The duplicate that is merged into KEEP.")],
    yes: Annotated[bool, typer.Option("--yes", help="Yes, merge them (it cannot be undone).")] = False,
    json_out: JsonOption = False,
) -> None:
    """Merge a duplicate: OTHER's points, stamps, vouchers, history and referrals move to KEEP."""
    from dataclasses import asdict

    from loyaltycli.errors import BadInputError
    from loyaltycli.services.merge import merge_members

    if not yes:
        raise BadInputError(_("member merge cannot be undone; add --yes to merge OTHER into KEEP."))
    result = merge_members(STATE.database(), keep, other, now())
    if json_out:
        emit_json(asdict(result))
        return
    message(
        _("Merged {merged} into {member}: {points}").format(
            merged=result.merged, member=result.member, points=i18n.points(result.points)
        )
        + (_(", a debt of {debt}").format(debt=i18n.points(result.debt)) if result.debt else "")
        + _(", {vouchers} open vouchers; {member} has {balance} available.").format(
            vouchers=result.vouchers, member=result.member, balance=i18n.number(result.balance)
        )
    )
    for code in result.new_vouchers:
        message(_("Stamp card full: voucher {code}.").format(code=code))
    if result.carried:
        message(
            _("{member} took over {what} of {merged}, who had them.").format(
                member=result.member,
                merged=result.merged,
                what=_(" and ").join(_("the e-mail") if c == "email" else _("the phone") for c in result.carried),
            )
        )


@app.command("duplicates")
def duplicates(json_out: JsonOption = False, csv_out: CsvOption = False) -> None:
    """Pairs of members who are probably one person, with the reason; merges nothing."""
    from loyaltycli.services.members import duplicates as service

    pairs = service(STATE.database(), now())
    columns = ["a", "b", "reason", "score"]
    if json_out:
        emit_json([{c: getattr(p, c) for c in columns} for p in pairs])
    elif csv_out:
        emit_csv(columns, ([getattr(p, c) for c in columns] for p in pairs))
    elif not pairs:
        message(_("No probable duplicates."))
    else:
        show(
            table(
                _("Probable duplicates: {pairs}").format(pairs=len(pairs)),
                ["A", "B", _("Reason"), _("Score")],
                [
                    [p.a, p.b, _(p.template).format(**dict(p.values)) if p.template else p.reason, p.score]
                    for p in pairs
                ],
            )
        )
        message(_("Merge one into the other with `loyalty member merge KEEP OTHER --yes`."))


@app.command("show")
def show_member(
    member: MemberArgument,
    merged: Annotated[
        bool, typer.Option("--merged", help="Show a merged duplicate's own record, not the member it joined.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Profile, tier, balances, next expiries and stamps."""
    from loyaltycli.services.members import show_member as service

    view = service(STATE.database(), member, now(), follow=not merged)
    if json_out:
        emit_json(member_document(view))
    else:
        render_member(view)


@app.command("find")
def find(
    text: Annotated[str, typer.Argument(help="Part of a name, e-mail or phone number.")],
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Members whose name, e-mail or phone contains TEXT."""
    from loyaltycli.services.members import find_members

    rows = find_members(STATE.database(), text, now())
    render_rows(
        rows,
        json_out,
        csv_out,
        _("Members matching {text!r}").format(text=text),
        _("No member matches {text!r}.").format(text=text),
    )


@app.command("list")
def list_(
    tier: Annotated[str | None, typer.Option("--tier", help="Only members in this tier.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="active, blocked, erased or merged.")] = None,
    lapsed: Annotated[int | None, typer.Option("--lapsed", help="No purchase for this many days.")] = None,
    expiring: Annotated[int | None, typer.Option("--expiring", help="Points expiring within this many days.")] = None,
    birthday_month: Annotated[int | None, typer.Option("--birthday-month", help="Birthday in month 1-12.")] = None,
    marketing: Annotated[bool, typer.Option("--marketing", help="Only members who consented to marketing.")] = False,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """A filtered list of members (--csv for mailing tools)."""
    from loyaltycli.services.members import ListFilter, list_members

    statuses = ("active", "blocked", "restricted", "erased", "merged")
    if status is not None:
        if status.strip().lower() not in statuses:
            raise typer.BadParameter(
                _("{status!r} is not one of {statuses}.").format(status=status, statuses=", ".join(statuses)),
                param_hint="--status",
            )
        status = status.strip().lower()
    filters = ListFilter(tier, status, lapsed, expiring, birthday_month, marketing)
    rows = list_members(STATE.database(), filters, now())
    render_rows(
        rows,
        json_out,
        csv_out,
        _("Members"),
        _("No member matches these filters.") if filters != ListFilter() else _("No members yet."),
        expiring=expiring is not None,
    )


@app.command("edit")
def edit(
    member: MemberArgument,
    name: Annotated[str | None, typer.Option("--name")] = None,
    email: Annotated[str | None, typer.Option("--email", help="New e-mail; empty to remove.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="New phone; empty to remove.")] = None,
    birthday: Annotated[str | None, typer.Option("--birthday", help="YYYY-MM-DD.")] = None,
    marketing: MarketingOption = None,
    json_out: JsonOption = False,
) -> None:
    """Change a member's profile."""
    from loyaltycli.services.members import MemberChanges, edit_member

    changes = MemberChanges(name, email, phone, day(birthday, "--birthday"), marketing)
    _done(edit_member(STATE.database(), member, changes, now()), json_out, _("Updated {name} ({id})."))


def consent(
    member: MemberArgument,
    marketing: Annotated[
        str, typer.Option("--marketing", help="yes to record a consent, no to record its withdrawal (ja/nein too).")
    ],
    channel: Annotated[
        str, typer.Option("--channel", help="Where it was given: till (default), counter, web or import.")
    ] = "till",
    json_out: JsonOption = False,
) -> None:
    """Record a marketing consent or its withdrawal, with the time, channel and consent text version."""
    from loyaltycli.errors import BadInputError
    from loyaltycli.services.members import set_consent

    answer = marketing.strip().lower()
    if answer not in YES_NO:
        raise BadInputError(_("--marketing: {value!r} is not yes or no.").format(value=marketing))
    member_id, event = set_consent(STATE.database(), member, YES_NO[answer], channel.strip().lower(), now())
    if json_out:
        emit_json({"member": member_id, **asdict(event)})
        return
    said = _("{id} agreed to marketing messages") if event.marketing else _("{id} withdrew consent to marketing")
    message(said.format(id=member_id) + " " + _consent_detail(event) + ".")


YES_NO = {"yes": True, "ja": True, "y": True, "j": True, "no": False, "nein": False, "n": False}


def _consent_detail(event: Any) -> str:
    """`(on 15.06.2026 10:00, at the till, text 2026-11)`."""
    text = _(", text {version}").format(version=event.text_version) if event.text_version else ""
    return _("(on {when}, {channel}{text})").format(
        when=i18n.day_time(event.at), channel=i18n.channel_named(event.channel), text=text
    )


@app.command("block")
def block(
    member: MemberArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the member).")],
    json_out: JsonOption = False,
) -> None:
    """Block a member: no earning, no redeeming."""
    from loyaltycli.services.members import set_blocked

    _done(set_blocked(STATE.database(), member, True, reason, now()), json_out, _("Blocked {name} ({id})."))


@app.command("unblock")
def unblock(member: MemberArgument, json_out: JsonOption = False) -> None:
    """Unblock a member."""
    from loyaltycli.services.members import set_blocked

    _done(set_blocked(STATE.database(), member, False, None, now()), json_out, _("Unblocked {name} ({id})."))


@app.command("card")
def card(
    member: MemberArgument,
    new: Annotated[
        bool, typer.Option("--new", help="Give a new card number (a lost card); the old one then names nobody.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """The member's card number, or a new one with --new."""
    from loyaltycli.services.members import new_card, show_member

    view = new_card(STATE.database(), member, now()) if new else show_member(STATE.database(), member, now())
    if json_out:
        emit_json({"member": view.id, "card": view.card})
    elif new:
        message(
            _("{member} has the card number {card} now; the old number names nobody.").format(
                member=view.id, card=view.card
            )
        )
    else:
        print(view.card or "")


@app.command("export")
def export(
    member: MemberArgument,
    bundle: Annotated[
        str | None,
        typer.Option("--bundle", help="Write a zip for the person instead: JSON, CSV, the card, a readme (0600)."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Everything stored about the member, as JSON (GDPR access request)."""
    from loyaltycli.services.members import export_member

    if bundle is None:
        emit_json(asdict(export_member(STATE.database(), member, now())))
        return
    files = _write_bundle(member, bundle)
    if json_out:
        emit_json({"file": bundle, "files": files})
    else:
        message(_("Wrote {path} ({count} files), readable by you only.").format(path=bundle, count=len(files)))


def _write_bundle(member: str, path: str) -> list[str]:
    import io
    from pathlib import Path

    from loyaltycli.cli.cards import catima_link
    from loyaltycli.errors import BadInputError
    from loyaltycli.reports.bundle import bundle_files, write_bundle
    from loyaltycli.reports.cards import card_image
    from loyaltycli.services.members import access_bundle

    found = access_bundle(STATE.database(), member, now())
    png = None
    if found.card is not None:
        buffer = io.BytesIO()
        card_image(found.card).save(buffer, "PNG")
        png = buffer.getvalue()
    link = catima_link(found.card) if found.card is not None else None
    files = bundle_files(found.export, found.shop, found.today, png, link)
    try:
        write_bundle(Path(path), files)
    except OSError as exc:
        raise BadInputError(
            _("--bundle {path}: cannot be written ({strerror}).").format(path=path, strerror=exc.strerror)
        ) from None
    return list(files)


@app.command("erase")
def erase(
    member: MemberArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the personal data cannot be restored.")] = False,
    restrict: Annotated[
        bool,
        typer.Option("--restrict", help="Block all processing instead, keeping the data (which the shop must keep)."),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Remove the member's personal data; the ledger stays, anonymous (GDPR erasure)."""
    from loyaltycli.services.members import erase_member, restrict_member

    if restrict:
        member_id = restrict_member(STATE.database(), member, now())
        if json_out:
            emit_json({"member": member_id, "status": "restricted"})
        else:
            message(
                _(
                    "Restricted member {member_id}: nothing is earned, redeemed or mailed any more, and the data stays "
                    "stored as the shop must keep it, until `loyalty member unblock {member_id}`."
                ).format(member_id=member_id)
            )
        return
    if not yes:
        raise typer.BadParameter(_("erasing cannot be undone; add --yes to confirm."), param_hint="--yes")
    member_id = erase_member(STATE.database(), member, now())
    if json_out:
        emit_json({"id": member_id, "member": member_id, "status": "erased"})
    else:
        message(
            _(
                "Erased member {member_id}: name, e-mail, phone, birthday, card and block reason are removed; the receipts "
                "and points stay under the bare number, as the books must be kept for up to 10 years."
            ).format(member_id=member_id)
        )


def register(root: typer.Typer) -> None:
    root.command("enroll")(enroll)
    root.command("consent")(consent)


# ---------------------------------------------------------------- rendering


def _points(view: MemberView) -> dict[str, Any]:
    b = view.balances
    return {
        "available": b.available,
        "pending": b.pending,
        "lifetime_earned": b.lifetime_earned,
        "redeemed": b.redeemed,
        "expired": b.expired,
        "past_expiry": b.past_expiry,
    }


def member_document(view: MemberView) -> dict[str, Any]:
    """The `member show --json` document of SPEC §3."""
    return {
        "id": view.id,
        "name": view.name,
        "email": view.email,
        "phone": view.phone,
        "birthday": view.birthday,
        "status": view.status,
        "block_reason": view.block_reason,
        "marketing": view.marketing,
        "enrolled_on": view.enrolled_on,
        "last_purchase_on": view.last_purchase_on,
        "referred_by": view.referred_by,
        "tier": view.tier,
        "points": _points(view),
        "expiring": [{"date": due, "points": points} for due, points in view.balances.expiring],
        "stamps": view.stamps,
        "vouchers": [{"code": v.code, "reward": v.reward, "valid_until": v.valid_until} for v in view.vouchers],
        "card": view.card,
        "consents": [asdict(event) for event in view.consents],
    }


def render_member(view: MemberView) -> None:
    b = view.balances
    status = i18n.status(view.status) + (f" ({view.block_reason})" if view.block_reason else "")
    key_values(
        f"{view.name} ({view.id})",
        [
            (_("e-mail"), view.email),
            (_("phone"), view.phone_shown or view.phone),
            (_("card"), view.card),
            (_("birthday"), view.birthday),
            (_("status"), status),
            (_("tier"), view.tier or "-"),
            (_("available"), b.available),
            (_("pending"), b.pending),
            (
                _("earned / redeemed / expired"),
                " / ".join(i18n.number(n) for n in (b.lifetime_earned, b.redeemed, b.expired)),
            ),
            (_("marketing"), view.marketing),
            (_("enrolled"), view.enrolled_on),
            (_("last purchase"), view.last_purchase_on or "-"),
        ]
        + [
            (_("stamps"), stamp_progress(card, count, view.stamp_sizes.get(card, 0)))
            if card in view.stamp_sizes
            else (_("stamps {card}").format(card=card), count)
            for card, count in view.stamps.items()
        ],
    )
    if b.expiring:
        valid = [(last_valid_day(due), points) for due, points in b.expiring]
        show(table(_("Expiring"), [_("Valid until"), _("Points")], _next_expiries(valid)))
    open_vouchers_table(view.vouchers)
    if view.consents:
        rows = [
            (
                i18n.day_time(c.at),
                _("given") if c.marketing else _("withdrawn"),
                i18n.channel_named(c.channel),
                c.text_version or "-",
            )
            for c in view.consents
        ]
        show(table(_("Marketing consent"), [_("When"), _("Consent"), _("Channel"), _("Text version")], rows))


EXPIRIES_SHOWN = 10  # `member show` lists the next expiry days; `--json` and `statement` give every one


def _next_expiries(expiring: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """The next EXPIRIES_SHOWN days with points expiring, then one row for all later days together."""
    if len(expiring) <= EXPIRIES_SHOWN + 1:
        return expiring
    later = expiring[EXPIRIES_SHOWN:]
    summary = _("{count} later days").format(count=i18n.number(len(later)))
    return [*expiring[:EXPIRIES_SHOWN], (summary, sum(points for _day, points in later))]


ROW_COLUMNS = [
    "id",
    "name",
    "email",
    "phone",
    "status",
    "tier",
    "points",
    "expiring_points",
    "expiring_on",
    "birthday",
    "last_purchase_on",
    "marketing",
]


def render_rows(
    rows: list[MemberRow], json_out: bool, csv_out: bool, title: str, empty: str, expiring: bool = False
) -> None:
    """A list of members; `expiring` (member list --expiring) shows what expires and its last valid day too."""
    from dataclasses import asdict

    if json_out:
        emit_json([asdict(row) for row in rows])
    elif csv_out:
        emit_csv(ROW_COLUMNS, (_csv_row(row) for row in rows))
    elif not rows:
        message(empty)
    else:
        soon = [_("Expiring"), _("Valid until")] if expiring else []
        show(
            table(
                f"{title}: {i18n.number(len(rows))}",
                [_("Id"), _("Name"), _("E-mail"), _("Phone"), _("Status"), _("Tier"), _("Points"), *soon],
                [
                    (
                        r.id,
                        r.name,
                        r.email,
                        r.phone,
                        i18n.status(r.status),
                        r.tier,
                        r.points,
                        *(
                            [r.expiring_points, last_valid_day(_as_day(r.expiring_on)) if r.expiring_on else None]
                            if expiring
                            else []
                        ),
                    )
                    for r in rows
                ],
                optional=[_("E-mail"), _("Phone"), _("Status"), _("Tier")]
                if expiring
                else [_("Phone"), _("Status"), _("Tier")],
            )
        )


def _as_day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _csv_row(row: MemberRow) -> list[Any]:
    """A member as mailing tools read it: `marketing` as yes or no, not Python's True and False."""
    values = [getattr(row, column) for column in ROW_COLUMNS]
    values[ROW_COLUMNS.index("marketing")] = "yes" if row.marketing else "no"
    return values


def _done(view: MemberView, json_out: bool, said: str) -> None:
    """The member as it is now (`--json`), or `said` (a message with `{name}` and `{id}`) on stderr."""
    if json_out:
        emit_json(member_document(view))
    else:
        message(said.format(name=view.name, id=view.id))
