"""`report [summary|liability|tiers|campaigns|monthly|members]` and `report --html FILE` (SPEC §5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from loyaltycli import i18n
from loyaltycli.cli.options import CsvOption, JsonOption, day, period
from loyaltycli.cli.output import emit_csv, emit_json, key_values, message, show, table, write_file
from loyaltycli.cli.state import STATE, now
from loyaltycli.domain.money import percent
from loyaltycli.i18n import _

if TYPE_CHECKING:
    from loyaltycli.services.reports import MonthlyReport, Summary

app = typer.Typer(
    help="Figures for the owner: summary (default), liability, tiers, campaigns, monthly, members.",
    rich_markup_mode=None,
)

FromOption = Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: all time).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")]
HtmlOption = Annotated[
    str | None, typer.Option("--html", help="Also write the whole report as one self-contained HTML file.")
]


def _period(since: str | None, until: str | None) -> tuple[Any, Any]:
    return period(since, until)


@app.callback(invoke_without_command=True)
def report(
    ctx: typer.Context,
    since: FromOption = None,
    until: ToOption = None,
    html: HtmlOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Figures for the owner; without a sub-command, the summary."""
    if ctx.invoked_subcommand is None:
        summary(since, until, html, json_out, csv_out)


@app.command("summary")
def summary(
    since: FromOption = None,
    until: ToOption = None,
    html: HtmlOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Members, points issued/redeemed/expired/outstanding, liability, rates and sales."""
    from loyaltycli.services.reports import summary as service

    start, end = _period(since, until)
    figures = service(STATE.database(), start, end, now())
    if html:
        write_html(html, start, end, figures)
    if json_out:
        emit_json(figures.as_json())
    elif csv_out:
        emit_csv(["figure", "value"], flatten(figures.as_json()))
    else:
        render_summary(figures)


def write_html(path: str, start: Any, end: Any, figures: Summary) -> None:
    from loyaltycli.reports.html import owner_report
    from loyaltycli.services import reports

    db = STATE.database()
    document = owner_report(
        figures,
        reports.monthly(db, start, end, now()),
        reports.tiers(db, now()),
        reports.campaigns(db, start, end, now()),
        _program_name(),
        reports.top_members(db, start, end, 10, now()),
    )
    write_file(path, document, "--html")


def _program_name() -> str:
    from loyaltycli.services.programs import show_program

    return show_program(STATE.database(), now()).active.program.program.name


@app.command("liability")
def liability(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The day to state it for, YYYY-MM-DD (a year end; default: today)."),
    ] = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Outstanding points valued at point_value, and by the month they fall due."""
    from loyaltycli.services.reports import liability as service

    figures = service(STATE.database(), now(), day(as_of, "--as-of"))
    if json_out:
        emit_json(figures.as_json())
        return
    rows = [(d.month, d.points, d.value) for d in figures.due]
    if csv_out:
        emit_csv(["month", "points", "value"], rows)
        return
    cur = figures.currency
    key_values(
        _("Liability as of {day}").format(day=i18n.long_day(figures.as_of)),
        [
            (_("available points"), figures.available),
            (_("pending points"), figures.pending),
            (_("outstanding points"), figures.outstanding),
            (_("value"), i18n.money(figures.value, cur) if figures.value else _("- (no point_value)")),
            (_("points that never expire"), figures.never_expire),
            *([(_("of them expired unused later"), _liability_unused(figures))] if as_of is not None else []),
        ],
    )
    shown = [(i18n.month(m), points, i18n.amount(value) if value else value) for m, points, value in rows]
    show(table(_("Falling due"), [_("Month"), _("Points"), _("Value ({cur})").format(cur=cur)], shown))


def _liability_unused(figures: Any) -> str:
    """`120 (2,40 €)`: points a later expiry took, with their value where point_value is set."""
    if not figures.expiring_unused_value:
        return str(figures.expiring_unused)
    return f"{figures.expiring_unused} ({i18n.money(figures.expiring_unused_value, figures.currency)})"


@app.command("tiers")
def tiers(json_out: JsonOption = False, csv_out: CsvOption = False) -> None:
    """Members per tier today."""
    from loyaltycli.services.reports import tiers as service

    figures = service(STATE.database(), now())
    rows = [(t.name, t.threshold, t.multiplier, t.members) for t in figures.tiers]
    shown_rows = [
        (name, i18n.threshold(threshold, figures.basis, figures.currency), i18n.decimal(multiplier), members)
        for name, threshold, multiplier, members in rows
    ]
    if json_out:
        emit_json(figures.as_json())
    elif figures.basis is None and not csv_out:
        message(_("The programme has no tiers; {no_tier} members.").format(no_tier=figures.no_tier))
    elif csv_out:
        emit_csv(["tier", "threshold", "multiplier", "members"], rows)
    else:
        show(
            table(
                _("Members per tier ({basis}, {window_months} months)").format(
                    basis=i18n.basis(figures.basis), window_months=figures.window_months
                ),
                [_("Tier"), _("Threshold"), _("Multiplier"), _("Members")],
                shown_rows + [(_("(none)"), "", "", figures.no_tier)],
            )
        )


@app.command("campaigns")
def campaigns(
    since: FromOption = None, until: ToOption = None, json_out: JsonOption = False, csv_out: CsvOption = False
) -> None:
    """Receipts, revenue and extra points per campaign."""
    from loyaltycli.services.reports import campaigns as service

    figures = service(STATE.database(), *_period(since, until), now())
    rows = [(c.id, c.name, c.starts, c.ends, c.receipts, c.revenue, c.extra_points) for c in figures.campaigns]
    if json_out:
        emit_json(figures.as_json())
    elif csv_out:
        emit_csv(["id", "name", "starts", "ends", "receipts", "revenue", "extra_points"], rows)
    else:
        show(
            table(
                _("Campaigns"),
                [
                    _("Id"),
                    _("Name"),
                    _("When"),
                    _("Receipts"),
                    _("Revenue ({currency})").format(currency=figures.currency),
                    _("Extra points"),
                ],
                [(c.id, c.name, c.when, c.receipts, i18n.amount(c.revenue), c.extra_points) for c in figures.campaigns],
            )
        )


def _finding_detail(finding: Any) -> str:
    """A finding's detail in the reader's language: its message from the catalogue, dates and counts written
    the language's way."""
    detail = _(finding.template).format(**{key: i18n.cell(value) for key, value in finding.values})
    return f"{_(finding.reason)}: {detail}"


@app.command("suspicious")
def suspicious(
    since: FromOption = None, until: ToOption = None, json_out: JsonOption = False, csv_out: CsvOption = False
) -> None:
    """Members over the [abuse] limits and self-referrals; exit 1 when anything is listed (for cron)."""
    from loyaltycli.services.reports import suspicious as service

    result = service(STATE.database(), *_period(since, until), now())
    columns = ["member", "name", "contact", "reason", "date", "detail"]
    rows = [[getattr(f, c) for c in columns] for f in result.findings]
    if json_out:
        emit_json([dict(zip(columns, row, strict=True)) for row in rows])
    elif csv_out:
        emit_csv(columns, rows)
    elif rows:
        # Who stands in one column (id, name and contact on their own lines), so that the reason can wrap in
        # what is left of 80 columns, as a cron mail has them.
        shown = [
            ("\n".join(part for part in (f.member, f.name, i18n.cell(f.contact)) if part), f.date, _finding_detail(f))
            for f in result.findings
        ]
        show(
            table(_("Suspicious activity: {rows}").format(rows=len(rows)), [_("Member"), _("Date"), _("Reason")], shown)
        )
    else:
        message(_("Nothing suspicious."))
    if rows:
        raise typer.Exit(1)


@app.command("monthly")
def monthly(
    since: FromOption = None, until: ToOption = None, json_out: JsonOption = False, csv_out: CsvOption = False
) -> None:
    """Points issued, redeemed and expired, and revenue, per month, as a bar chart."""
    from loyaltycli.services.reports import monthly as service

    figures = service(STATE.database(), *_period(since, until), now())
    rows = [(m.month, m.issued, m.redeemed, m.expired, m.revenue) for m in figures.months]
    if json_out:
        emit_json(figures.as_json())
    elif csv_out:
        emit_csv(["month", "issued", "redeemed", "expired", "revenue"], rows)
    else:
        render_monthly(figures)


@app.command("members")
def members(
    since: FromOption = None,
    until: ToOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many members per list.")] = 10,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Top members by spend and points; who brought most new members (senders)."""
    from loyaltycli.services.reports import top_members

    figures = top_members(STATE.database(), *_period(since, until), top, now())
    if json_out:
        emit_json(figures.as_json())
        return
    if csv_out:
        rows: list[tuple[str, str | None, str, str | int]] = [
            ("spender", r.id, r.name, r.revenue) for r in figures.spenders
        ]
        rows += [("earner", r.id, r.name, r.points) for r in figures.earners]
        rows += [("sender", r.id, r.name, r.referrals) for r in figures.senders]
        emit_csv(["list", "id", "name", "value"], rows)
        return
    show(
        table(
            _("Spenders"),
            [_("Id"), _("Name"), _("Revenue"), _("Receipts")],
            [(r.id, r.name, i18n.amount(r.revenue), r.receipts) for r in figures.spenders],
        )
    )
    show(
        table(
            _("Earners"),
            [_("Id"), _("Name"), _("Points")],
            [(r.id, r.name, r.points) for r in figures.earners],
        )
    )
    show(
        table(
            _("Senders (referrals)"),
            [_("Id"), _("Name"), _("Referrals")],
            [(r.id, r.name, r.referrals) for r in figures.senders],
        )
    )


def flatten(doc: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, name + ".")
        else:
            rows.append((name, value))
    return rows


def render_summary(f: Summary) -> None:
    period = f.period
    p, m, cur = f.points, f.members, f.currency
    no_value = _("- (no point_value)")
    key_values(
        _("Summary, {period}").format(period=i18n.period(period.since, period.until or now().date())),
        [
            (
                _("members"),
                _("{total} ({new} new, {active} active)").format(
                    total=i18n.number(m.total), new=i18n.number(m.new), active=i18n.number(m.active)
                ),
            ),
            (_("points issued"), p.issued),
            (_("points redeemed"), p.redeemed),
            (_("points expired"), p.expired),
            (_("points reversed by refunds"), p.reversed),
            (_("points outstanding"), p.outstanding),
            (_("liability"), i18n.money(f.liability, cur) if f.liability else no_value),
            (_("redemption rate"), percent(f.redemption_rate) or "-"),
            (_("repeat rate"), percent(f.repeat_rate) or "-"),
            (_("sales to members"), _sales(f.sales.members, cur, f.receipts.members)),
            (_("anonymous sales"), _sales(f.sales.anonymous, cur, f.receipts.anonymous)),
            (_("average receipt, members"), _money_or_dash(f.average_receipt.members, cur)),
            (_("average receipt, anonymous"), _money_or_dash(f.average_receipt.anonymous, cur)),
        ],
    )


def _sales(amount: str, currency: str, receipts: int) -> str:
    return f"{i18n.money(amount, currency)} ({i18n.receipts(receipts)})"


def _money_or_dash(amount: str | None, currency: str) -> str:
    return i18n.money(amount, currency) if amount else "-"


def render_monthly(figures: MonthlyReport) -> None:
    """A bar chart in the terminal: one row per month, bars scaled to the largest figure."""
    from decimal import Decimal

    from rich.table import Table
    from rich.text import Text

    months = figures.months
    top = max([max(m.issued, m.redeemed, m.expired) for m in months] + [1])
    top_revenue = max([Decimal(m.revenue) for m in months] + [Decimal(1)])
    chart = Table(title=_("Points and revenue per month"), title_justify="left")
    for name in (
        _("Month"),
        _("Issued"),
        _("Redeemed"),
        _("Expired"),
        _("Revenue ({currency})").format(currency=figures.currency),
    ):
        chart.add_column(name, no_wrap=True)

    def bar(value: int | Decimal, largest: int | Decimal, colour: str) -> Text:
        width = round(10 * max(value, 0) / largest) if largest else 0
        return Text("█" * width, style=colour) + Text(
            " " + (i18n.number(value) if isinstance(value, int) else i18n.amount(value))
        )

    for m in months:
        chart.add_row(
            i18n.month(m.month),
            bar(m.issued, top, "green"),
            bar(m.redeemed, top, "blue"),
            bar(m.expired, top, "red"),
            bar(Decimal(m.revenue), top_revenue, "yellow"),
        )
    show(chart)
