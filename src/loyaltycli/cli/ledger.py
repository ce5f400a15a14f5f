"""Commands that move points: purchase, refund, redeem, voucher, award, adjust, statement,
expire, birthdays, verify."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from loyaltycli import i18n
from loyaltycli.cli.options import CsvOption, DateOption, DryRunOption, JsonOption, day, instant, period
from loyaltycli.cli.output import (
    emit_csv,
    emit_json,
    error,
    key_values,
    message,
    open_vouchers_table,
    show,
    stamp_progress,
    table,
    write_file,
)
from loyaltycli.cli.parsing import NumberFriendlyCommand
from loyaltycli.cli.state import STATE, now
from loyaltycli.domain.dates import last_valid_day
from loyaltycli.i18n import _

MemberArgument = Annotated[str, typer.Argument(help="Member id, e-mail or phone number.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="The day to run for, YYYY-MM-DD; default today.")]

voucher_app = typer.Typer(help="Check and use vouchers.", no_args_is_help=True, rich_markup_mode=None)


def purchase(
    member: MemberArgument,
    amount: Annotated[str, typer.Argument(help="The receipt total (12.50 or 12,50); `-` with --line.")],
    receipt: Annotated[str | None, typer.Option("--receipt", help="Receipt id (makes a retry safe).")] = None,
    date: DateOption = None,
    category: Annotated[str | None, typer.Option("--category", help="Category of the amount.")] = None,
    sku: Annotated[str | None, typer.Option("--sku", help="SKU of the amount.")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="store, online, ...")] = None,
    store: Annotated[str | None, typer.Option("--store", help="Which store or till.")] = None,
    line: Annotated[
        list[str] | None, typer.Option("--line", help="SKU:CATEGORY:QTY:UNIT_PRICE; repeat for each line.")
    ] = None,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    """Record a receipt and earn its points."""
    from loyaltycli.domain.money import parse_money
    from loyaltycli.errors import BadInputError
    from loyaltycli.services.purchases import PurchaseRequest, one_line, parse_line
    from loyaltycli.services.purchases import purchase as service

    if line:
        lines = tuple(parse_line(text) for text in line)
        if amount.strip() != "-":
            given = parse_money(amount, "AMOUNT")
            if given != sum(item.amount for item in lines):
                raise BadInputError(
                    _("AMOUNT {amount} is not the sum of the --line amounts; give `-` instead.").format(amount=amount)
                )
    else:
        if amount.strip() == "-":
            raise BadInputError(_("AMOUNT `-` needs at least one --line."))
        value = parse_money(amount, "AMOUNT")
        if value < 0:
            raise BadInputError(
                _("AMOUNT: {amount} is negative; record a refund with `loyalty refund RECEIPT --amount X`.").format(
                    amount=amount
                )
            )
        lines = one_line(value, category, sku)
    request = PurchaseRequest(member, lines, instant(date, dry_run), receipt, channel, store, dry_run)
    result = service(STATE.database(), request, now())
    if json_out:
        emit_json(asdict(result))
        return
    if result.dry_run:
        message(_("Dry run: nothing was recorded."))
    elif result.repeated:
        message(_("Receipt {receipt} was already recorded; nothing changed.").format(receipt=result.receipt))
    show(
        table(
            (
                _("Receipt {receipt}: {points} for {member}").format(
                    receipt=result.receipt, points=i18n.points(result.points), member=result.member
                )
                if result.receipt
                else _("{points} for {member}").format(points=i18n.points(result.points), member=result.member)
            )
            + (_(" (tier {tier})").format(tier=result.tier) if result.tier else ""),
            [_("Line"), _("Category"), _("Amount"), _("Eligible"), _("Campaign"), _("Points")],
            [
                (b.line, b.category, i18n.amount(b.amount), b.eligible, b.campaign, i18n.decimal(b.points))
                for b in result.breakdown
            ],
        )
    )
    for said in _how_it_adds_up(result):
        message(said)
    if result.pending_until and result.day and result.pending_until > result.day:
        message(_("Usable from {pending_until}.").format(pending_until=i18n.day(result.pending_until)))
    if result.balance is not None and not result.dry_run:
        message(
            _("{member} now has {points} available.").format(member=result.member, points=i18n.points(result.balance))
        )
    for card, stamps in result.stamps.items():
        if card in result.stamp_sizes:
            message(stamp_progress(card, stamps, result.stamp_sizes[card]) + ".")
    for code in result.vouchers:
        message(_("Stamp card full: voucher {code}.").format(code=code))


def _how_it_adds_up(result: Any) -> list[str]:
    """What the table's lines do not show: the tier multiplier and the one rounding, campaign bonuses, and the
    referral bonuses this purchase paid."""
    said = []
    if result.tier_multiplier != "1":
        said.append(
            _("The lines' points x {multiplier} for tier {tier} = {exact}, {rounding}: {points}.").format(
                multiplier=i18n.decimal(result.tier_multiplier),
                tier=result.tier,
                exact=i18n.decimal(result.exact),
                rounding=i18n.rounding(result.rounding),
                points=i18n.points(result.points - sum(result.campaign_bonus.values())),
            )
        )
    for campaign, points in result.campaign_bonus.items():
        said.append(_("Campaign {campaign}: bonus of {points}.").format(campaign=campaign, points=i18n.points(points)))
    for ref, points in result.bonuses.items():
        if ref == "referee":
            said.append(_("Referral bonus for this first purchase: {points}.").format(points=i18n.points(points)))
        else:
            said.append(
                _("Referral bonus for the member who referred {member}: {points}.").format(
                    member=result.member, points=i18n.points(points)
                )
            )
    return said


def refund(
    receipt: Annotated[str, typer.Argument(help="The purchase's receipt id.")],
    amount: Annotated[str | None, typer.Option("--amount", help="Refund only this much (default: all).")] = None,
    refund_id: Annotated[str | None, typer.Option("--receipt", help="Id of the refund itself.")] = None,
    date: DateOption = None,
    json_out: JsonOption = False,
) -> None:
    """Reverse the points of a receipt, wholly or by the refunded share."""
    from loyaltycli.domain.money import parse_money
    from loyaltycli.errors import BadInputError
    from loyaltycli.services.refunds import RefundRequest
    from loyaltycli.services.refunds import refund as service

    value = parse_money(amount, "--amount") if amount is not None else None
    if value is not None and value <= 0:
        raise BadInputError(_("--amount: {amount} must be positive.").format(amount=amount))
    result = service(STATE.database(), RefundRequest(receipt, value, refund_id, instant(date)), now())
    if json_out:
        emit_json(asdict(result))
    else:
        message(
            _("Refund {refund} of {amount} on receipt {receipt}: {points_reversed} reversed.").format(
                refund=result.refund,
                amount=result.amount,
                receipt=result.receipt,
                points_reversed=i18n.points(result.points_reversed),
            )
        )


def return_(
    member: MemberArgument,
    amount: Annotated[
        str,
        typer.Argument(help="What the goods brought back cost (12.50; -12.50 as a till writes it); `-` with --line."),
    ],
    receipt: Annotated[str | None, typer.Option("--receipt", help="Id of the return (makes a retry safe).")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Category of the goods.")] = None,
    sku: Annotated[str | None, typer.Option("--sku", help="SKU of the goods.")] = None,
    line: Annotated[
        list[str] | None, typer.Option("--line", help="SKU:CATEGORY:QTY:UNIT_PRICE; repeat for each line.")
    ] = None,
    date: DateOption = None,
    json_out: JsonOption = False,
) -> None:
    """A return without its receipt: takes back the points the goods would earn today."""
    from loyaltycli.domain.money import parse_money
    from loyaltycli.errors import BadInputError
    from loyaltycli.services.purchases import one_line, parse_line
    from loyaltycli.services.returns import ReturnRequest, record_return

    if line:
        if amount.strip() != "-":
            raise BadInputError(_("AMOUNT: give `-` with --line (the lines make the amount)."))
        lines = tuple(parse_line(text) for text in line)
    else:
        lines = one_line(abs(parse_money(amount, "AMOUNT")), category, sku)
    result = record_return(STATE.database(), ReturnRequest(member, lines, instant(date), receipt), now())
    if json_out:
        emit_json(asdict(result))
        return
    if result.repeated:
        message(_("Return {receipt} was already recorded; nothing changed.").format(receipt=result.receipt))
    message(
        _("Return {receipt} of {amount} for {member}: {points_reversed} taken back; {balance} available.").format(
            receipt=result.receipt,
            amount=result.amount,
            member=result.member,
            points_reversed=i18n.points(result.points_reversed),
            balance=i18n.number(result.balance or 0),
        )
    )


def redeem(
    member: MemberArgument,
    reward: Annotated[str | None, typer.Argument(help="The reward id.")] = None,
    points: Annotated[int | None, typer.Option("--points", help="Spend N points as a discount instead.")] = None,
    date: DateOption = None,
    key: Annotated[
        str | None, typer.Option("--key", help="An id for this redemption: a retry with it prints the original.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Spend points on a reward (a voucher code) or, with --points, on a discount."""
    from loyaltycli.errors import BadInputError
    from loyaltycli.services.redemptions import redeem_points, redeem_reward

    if (reward is None) == (points is None):
        raise BadInputError(_("redeem needs either a REWARD or --points N."))
    when = instant(date)
    if reward is not None:
        result = redeem_reward(STATE.database(), member, reward, when, now(), key)
    else:
        assert points is not None
        result = redeem_points(STATE.database(), member, points, when, now(), key)
    if result.repeated and not json_out:
        message(_("Redemption --key {key} was already made; nothing changed. It gave:").format(key=key))
    if json_out:
        emit_json(asdict(result))
    elif result.voucher:
        message(
            _("Voucher {voucher} for {reward}, valid until {valid_until}").format(
                voucher=result.voucher,
                reward=result.reward_name or result.reward,
                valid_until=i18n.day(result.valid_until),
            )
            + (_(" at {partner}").format(partner=result.partner) if result.partner else "")
            + _("; {balance} left.").format(balance=i18n.points(result.balance))
        )
    else:
        message(
            _("Discount {discount} for {points}; {balance} left.").format(
                discount=i18n.money(result.discount or "0", result.currency) if result.currency else result.discount,
                points=i18n.points(result.points),
                balance=i18n.points(result.balance),
            )
        )


@voucher_app.command("show")
def voucher_show(code: Annotated[str, typer.Argument(help="The voucher code.")], json_out: JsonOption = False) -> None:
    """Check a voucher: its reward, status and validity."""
    from loyaltycli.services.redemptions import show_voucher

    _voucher(show_voucher(STATE.database(), code, now()), json_out)


@voucher_app.command("use")
def voucher_use(
    code: Annotated[str, typer.Argument(help="The voucher code.")],
    receipt: Annotated[str | None, typer.Option("--receipt", help="The receipt it was used on.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Use a voucher (once)."""
    from loyaltycli.services.redemptions import use_voucher

    _voucher(use_voucher(STATE.database(), code, receipt, now()), json_out)


@voucher_app.command("cancel")
def voucher_cancel(
    code: Annotated[str, typer.Argument(help="The voucher code.")], json_out: JsonOption = False
) -> None:
    """Cancel an unused voucher from redeem; its points come back with their old dates."""
    from loyaltycli.services.redemptions import cancel_voucher

    result = cancel_voucher(STATE.database(), code, now())
    if json_out:
        emit_json(asdict(result))
    else:
        message(
            _("Voucher {code} cancelled: {points} back; {member} has {balance} available.").format(
                code=result.code,
                points=i18n.points(result.points),
                member=result.member,
                balance=i18n.number(result.balance),
            )
        )


VOUCHER_COLUMNS = ["code", "member", "reward", "status", "source", "issued_on", "valid_until", "used_at", "partner"]


@voucher_app.command("list")
def voucher_list(
    member: Annotated[str | None, typer.Argument(help="Only this member's vouchers (id, e-mail or phone).")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Only vouchers that are valid, used, expired or cancelled.")
    ] = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Vouchers, newest first."""
    from loyaltycli.services.redemptions import list_vouchers

    rows = list_vouchers(STATE.database(), member, status, now())
    if json_out:
        emit_json([asdict(r) for r in rows])
    elif csv_out:
        emit_csv(VOUCHER_COLUMNS, ([getattr(r, c) for c in VOUCHER_COLUMNS] for r in rows))
    elif not rows:
        message(_("No voucher matches.") if member or status else _("No vouchers yet."))
    else:
        show(
            table(
                _("Vouchers: {rows}").format(rows=len(rows)),
                [_("Code"), _("Member"), _("Reward"), _("Status"), _("Valid until")],
                [(r.code, r.member, r.reward_name or r.reward, i18n.status(r.status), r.valid_until) for r in rows],
            )
        )


def _voucher(view: Any, json_out: bool) -> None:
    if json_out:
        emit_json(asdict(view))
    else:
        shown = {
            "status": i18n.status(view.status),
            "reward": view.reward_name or view.reward,
            "kind": i18n.reward_kind(view.kind),
            "value": i18n.reward_value(view.kind, view.value, view.currency) if view.currency else view.value,
        }
        key_values(
            _("Voucher {code}").format(code=view.code),
            [
                (i18n.field(k), shown.get(k, v))
                for k, v in asdict(view).items()
                if k not in ("code", "reward_name", "currency")
            ],
        )


def award(
    member: MemberArgument,
    action: Annotated[str, typer.Argument(help="The action id.")],
    ref: Annotated[str | None, typer.Option("--ref", help="What it was for (kept with the entry).")] = None,
    json_out: JsonOption = False,
) -> None:
    """Points for an action, within its limit."""
    from loyaltycli.services.redemptions import award as service

    result = service(STATE.database(), member, action, ref, now())
    if json_out:
        emit_json(asdict(result))
    else:
        message(
            _("{points} for {action}; {member} has {balance} available.").format(
                points=i18n.points(result.points),
                action=result.action,
                member=result.member,
                balance=i18n.number(result.balance),
            )
        )


def adjust(
    member: MemberArgument,
    points: Annotated[int, typer.Argument(help="Points to add (negative: to take away).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the entry).")],
    json_out: JsonOption = False,
) -> None:
    """A manual correction (never below 0 available)."""
    from loyaltycli.services.redemptions import adjust as service

    result = service(STATE.database(), member, points, reason, now())
    if json_out:
        emit_json(asdict(result))
    else:
        message(
            _("Adjusted {member} by {points}; {balance} available.").format(
                member=result.member, points=i18n.number(result.points), balance=i18n.number(result.balance)
            )
        )


def statement(
    member: MemberArgument,
    since: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    html: Annotated[str | None, typer.Option("--html", help="Write a printable statement for the customer.")] = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Every ledger entry with a running balance, pending and expiring points."""
    from loyaltycli.services.statements import statement as service

    result = service(STATE.database(), member, *period(since, until), now())
    if html:
        _statement_html(html, result)
    columns = ["date", "kind", "points", "balance", "receipt", "voucher", "ref", "note"]
    if json_out:
        emit_json(
            {
                "member": result.member,
                "opening": result.opening,
                "entries": [asdict(e) for e in result.entries],
                "balance": asdict(result.balances),
                "expiring": [{"date": d, "points": p} for d, p in result.expiring],
            }
        )
    elif csv_out:
        emit_csv(columns, ([getattr(e, c) for c in columns] for e in result.entries))
    else:
        show(
            table(
                _("Statement of {name} ({member})").format(name=result.name, member=result.member),
                # The receipt or voucher an entry belongs to share a column (an entry has one of them), and the
                # note wraps, so that 80 columns show them all; --csv and --json keep every field apart.
                [_("Date"), _("Kind"), _("Points"), _("Balance"), _("Receipt / voucher"), _("Note")],
                [
                    (e.date, i18n.entry_kind(e.kind), e.points, e.balance, e.receipt or e.voucher, e.note)
                    for e in result.entries
                ],
            )
        )
        b = result.balances
        message(
            _("Available {available}, pending {pending}").format(
                available=i18n.number(b.available), pending=i18n.number(b.pending)
            )
            + "".join(
                _("; {points} valid until {day}").format(points=i18n.points(p), day=i18n.day(last_valid_day(d)))
                for d, p in result.expiring
            )
        )
        for card, stamps, size in result.stamps:
            message(stamp_progress(card, stamps, size) + ".")
        open_vouchers_table(result.vouchers)


def _statement_html(path: str, result: Any) -> None:
    from loyaltycli.reports.html import statement_page
    from loyaltycli.services.programs import show_program

    program = show_program(STATE.database(), now()).active.program
    available = result.balances.available
    upcoming = [
        (r.title, r.points, max(0, r.points - available)) for r in sorted(program.rewards, key=lambda r: r.points)
    ]
    write_file(path, statement_page(result, program.program.name, upcoming), "--html")


def expire(as_of: AsOfOption = None, dry_run: DryRunOption = False, json_out: JsonOption = False) -> None:
    """Remove points whose expiry date has come (the nightly cron job; idempotent)."""
    from loyaltycli.services.jobs import expire as service

    result = service(STATE.database(), day(as_of, "--as-of"), dry_run, now())
    _job(
        result,
        json_out,
        _("Dry run: {points} would expire for {members} (as of {as_of}).")
        if result.dry_run
        else _("{points} expired for {members} (as of {as_of})."),
    )


def birthdays(as_of: AsOfOption = None, dry_run: DryRunOption = False, json_out: JsonOption = False) -> None:
    """Birthday bonus for members born in the as-of month, once per year (cron; idempotent)."""
    from loyaltycli.services.jobs import birthdays as service

    result = service(STATE.database(), day(as_of, "--as-of"), dry_run, now())
    _job(
        result,
        json_out,
        _("Dry run: {points} would be given as birthday bonus to {members} (as of {as_of}).")
        if result.dry_run
        else _("{points} given as birthday bonus to {members} (as of {as_of})."),
    )


def _job(result: Any, json_out: bool, text: str) -> None:
    if json_out:
        emit_json(asdict(result))
    else:
        message(
            text.format(
                points=i18n.points(result.points), members=i18n.members(result.members), as_of=i18n.day(result.as_of)
            )
        )


def verify(json_out: JsonOption = False) -> None:
    """Check every invariant of the ledger; exit 1 with a list if one fails."""
    from loyaltycli.services.verify import verify as service

    result = service(STATE.database(), now())
    if json_out:
        emit_json(asdict(result))
    elif result.ok:
        counts = ", ".join(i18n.checked(k, n) for k, n in result.checked.items())
        message(_("All invariants hold ({counts}).").format(counts=counts))
    for problem in result.problems:
        error(problem)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    for name, command in (
        ("purchase", purchase),
        ("refund", refund),
        ("return", return_),
        ("redeem", redeem),
        ("award", award),
        ("adjust", adjust),
        ("statement", statement),
        ("expire", expire),
        ("birthdays", birthdays),
        ("verify", verify),
    ):
        app.command(name, cls=NumberFriendlyCommand)(command)
    app.add_typer(voucher_app, name="voucher")
