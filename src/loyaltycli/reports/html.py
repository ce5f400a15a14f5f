"""One self-contained HTML file (no network, no CDN): summary figures and SVG bar charts.

Everything is escaped; the charts are inline SVG so the file renders the same
offline, in a browser or when forwarded by e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from loyaltycli import i18n
from loyaltycli.domain.dates import last_valid_day
from loyaltycli.domain.money import percent
from loyaltycli.i18n import N_, _

if TYPE_CHECKING:
    from loyaltycli.services.reports import CampaignReport, MonthlyReport, Summary, TierReport, TopMembers

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}
.sub{color:#666;margin-top:0}.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.8rem}
.fig{border:1px solid #ddd;border-radius:8px;padding:.7rem 1rem;background:#fafafa}
.fig b{display:block;font-size:1.4rem;color:#1b5e20}.fig span{color:#555;font-size:.85rem}
table{border-collapse:collapse;margin-top:.5rem}td,th{border-bottom:1px solid #eee;padding:.3rem .8rem;text-align:left}
td.n,th.n{text-align:right}svg text{font-size:11px;fill:#333}.legend span{display:inline-block;margin-right:1rem}
.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
svg{width:100%;height:auto;max-width:52rem}
@page{size:A4;margin:15mm}
@media print{body{margin:0;font-size:10pt}h2{break-after:avoid}table,svg,.figures{break-inside:avoid}}
"""
COLOURS = ("#2e7d32", "#1565c0", "#c62828", "#f9a825")


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return escape(i18n.cell(value))


def page(title: str, subtitle: str, sections: Sequence[str]) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.language()}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        f'<style>{STYLE}</style>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n<p class="sub">{escape(subtitle)}</p>\n'
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def figures(items: Sequence[tuple[str, Any]]) -> str:
    cells = "".join(f'<div class="fig"><b>{_text(v)}</b><span>{escape(k)}</span></div>' for k, v in items)
    return f'<div class="figures">{cells}</div>'


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f'<th class="{"n" if i in numeric else ""}">{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if i in numeric else ""}">{_text(c)}</td>' for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _number(value: float, money: bool = False) -> str:
    if money:
        return i18n.amount(f"{value:.2f}")
    return i18n.number(int(value)) if float(value).is_integer() else i18n.decimal(f"{value:.2f}")


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    height: int = 240,
    unit: str = "",
    money: bool = False,
) -> str:
    """Grouped vertical bars, one group per label, one colour per series."""
    if not labels:
        return "<p>" + escape(_("No data for this period.")) + "</p>"
    top = max([max(values, default=0) for _name, values in series] + [1])
    group = max(64, 12 * len(series) + 16)
    width = max(640, 60 + group * len(labels))  # a page-wide drawing even for one month
    bars = []
    for i, label in enumerate(labels):
        x0 = 50 + i * group
        for j, (_name, values) in enumerate(series):
            value = max(values[i], 0)
            h = (height - 40) * value / top
            bars.append(
                f'<rect x="{x0 + 6 + j * 12}" y="{height - 20 - h:.1f}" width="10" height="{h:.1f}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(label)}: {_number(value, money)}</title></rect>'
            )
            if value:
                bars.append(
                    f'<text x="{x0 + 11 + j * 12}" y="{height - 24 - h:.1f}" text-anchor="middle" '
                    f'font-size="9">{_number(value, money)}</text>'
                )
        bars.append(f'<text x="{x0 + 6}" y="{height - 5}">{escape(label)}</text>')
    axis = (
        f'<line x1="45" y1="{height - 20}" x2="{width}" y2="{height - 20}" stroke="#999"/>'
        f'<line x1="45" y1="20" x2="45" y2="{height - 20}" stroke="#999"/>'
        f'<text x="0" y="24">{_number(top, money)}</text><text x="0" y="{height - 20}">0</text>'
        + (f'<text x="0" y="12" font-weight="bold">{escape(unit)}</text>' if unit else "")
    )
    legend = "".join(
        f'<span><i class="sw" style="background:{COLOURS[j % len(COLOURS)]}"></i>{escape(name)}</span>'
        for j, (name, _values) in enumerate(series)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{axis}{"".join(bars)}</svg>'
        f'<div class="legend">{legend}</div>'
    )


def owner_report(
    summary: Summary,
    monthly: MonthlyReport,
    tiers: TierReport,
    campaigns: CampaignReport,
    program: str,
    top: TopMembers | None = None,
) -> str:
    """The whole owner's report: figures, the monthly series, tiers, campaigns and the top members."""
    p, m, cur = summary.points, summary.members, summary.currency
    period, as_of = summary.period, dt.date.today()
    span = i18n.period(period.since, period.until or as_of)
    months = monthly.months
    labels = [row.month for row in months]

    def money(amount: str | None) -> str | None:
        return i18n.money(amount, cur) if amount is not None else None

    sections = [
        "<h2>" + escape(_("Summary")) + "</h2>",
        figures(
            [
                (_("members"), m.total),
                (_("new members"), m.new),
                (_("active members"), m.active),
                (_("points issued"), p.issued),
                (_("points redeemed"), p.redeemed),
                (_("points expired"), p.expired),
                (_("points outstanding"), p.outstanding),
                (_("liability"), money(summary.liability)),
                (_("redemption rate"), percent(summary.redemption_rate)),
                (_("repeat rate"), percent(summary.repeat_rate)),
                (_("sales to members"), money(summary.sales.members)),
                (_("anonymous sales"), money(summary.sales.anonymous)),
                (_("average receipt, members"), money(summary.average_receipt.members)),
                (_("average receipt, anonymous"), money(summary.average_receipt.anonymous)),
            ]
        ),
        "<h2>" + escape(_("Points per month")) + "</h2>",
        bar_chart(
            labels,
            [
                (_("Issued"), [r.issued for r in months]),
                (_("Redeemed"), [r.redeemed for r in months]),
                (_("Expired"), [r.expired for r in months]),
            ],
            unit=_("Points"),
        ),
        "<h2>" + escape(_("Revenue per month")) + "</h2>",
        bar_chart(
            labels,
            [(_("Revenue ({currency})").format(currency=cur), [float(r.revenue) for r in months])],
            unit=cur,
            money=True,
        ),
        table(
            [_("Month"), _("Issued"), _("Redeemed"), _("Expired"), _("Revenue ({currency})").format(currency=cur)],
            [(r.month, r.issued, r.redeemed, r.expired, i18n.amount(r.revenue)) for r in months],
            (1, 2, 3, 4),
        ),
    ]
    if tiers.tiers:
        sections += [
            "<h2>" + escape(_("Members per tier")) + "</h2>",
            bar_chart(
                [t.name for t in tiers.tiers],
                [(_("Members"), [t.members for t in tiers.tiers])],
                unit=_("Members"),
            ),
            table(
                [_("Tier"), _("Threshold"), _("Multiplier"), _("Members")],
                [(t.name, t.threshold, i18n.decimal(t.multiplier), t.members) for t in tiers.tiers],
                (1, 2, 3),
            ),
        ]
    if campaigns.campaigns:
        rows = campaigns.campaigns
        sections += [
            "<h2>" + escape(_("Campaigns")) + "</h2>",
            bar_chart([c.id for c in rows], [(_("Extra points"), [c.extra_points for c in rows])], unit=_("Points")),
            table(
                [
                    _("Campaign"),
                    _("From"),
                    _("To"),
                    _("Receipts"),
                    _("Revenue ({currency})").format(currency=cur),
                    _("Extra points"),
                ],
                [(c.name, c.starts, c.ends, c.receipts, i18n.amount(c.revenue), c.extra_points) for c in rows],
                (3, 4, 5),
            ),
        ]
    if top and (top.spenders or top.senders):
        sections += [
            "<h2>" + escape(_("Top members")) + "</h2>",
            "<h3>" + escape(_("Spenders")) + "</h3>",
            table(
                [_("Id"), _("Name"), _("Revenue ({currency})").format(currency=cur), _("Receipts")],
                [(r.id, r.name, i18n.amount(r.revenue), r.receipts) for r in top.spenders],
                (2, 3),
            ),
        ]
        if top.senders:
            sections += [
                "<h3>" + escape(_("Senders (referrals)")) + "</h3>",
                table(
                    [_("Id"), _("Name"), _("Referrals")],
                    [(r.id, r.name, r.referrals) for r in top.senders],
                    (2,),
                ),
            ]
    title = _("{program}: loyalty report, {period}").format(program=program, period=span)
    return page(title, _("As of {day}").format(day=i18n.long_day(as_of)), sections)


def statement_page(statement: Any, program: str, next_rewards: Sequence[tuple[str, int, int]]) -> str:
    """A printable statement for the customer: how points were earned, what expires, what the next reward costs."""
    b = statement.balances
    sections = [
        figures(
            [
                (_("available points"), b.available),
                (_("pending points"), b.pending),
                (_("earned in all"), b.lifetime_earned),
                (_("redeemed"), b.redeemed),
            ]
        ),
        "<h2>" + escape(_("Expiring soon")) + "</h2>",
        table([_("Valid until"), _("Points")], [(last_valid_day(d), p) for d, p in statement.expiring], (1,))
        if statement.expiring
        else "<p>" + escape(_("No points expire in the next {days} days.").format(days=statement.warn_days)) + "</p>",
        *_stamps_and_vouchers(statement),
        "<h2>" + escape(_("Your next rewards")) + "</h2>",
        table([_("Reward"), _("Points"), _("Still needed")], next_rewards, (1, 2)) if next_rewards else "<p>–</p>",
        "<h2>" + escape(_("Your points")) + "</h2>",
        table(
            [_("Date"), _("What"), _("Points"), _("Balance"), _("Receipt"), _("Voucher")],
            [(e.date, _describe(e), e.points, e.balance, e.receipt, e.voucher) for e in statement.entries],
            (2, 3),
        ),
    ]
    as_of = getattr(statement, "as_of", None)
    subtitle = _("Member {member}").format(member=statement.member)
    if as_of is not None:
        subtitle += " · " + _("As of {day}").format(day=i18n.long_day(as_of))
    return page(_("{program}: statement for {name}").format(program=program, name=statement.name), subtitle, sections)


def _stamps_and_vouchers(statement: Any) -> list[str]:
    sections = []
    stamps = getattr(statement, "stamps", [])
    if stamps:
        sections += [
            "<h2>" + escape(_("Stamp cards")) + "</h2>",
            "<ul>"
            + "".join(
                "<li>"
                + escape(_("{card}: {stamps} of {size} stamps").format(card=card, stamps=count, size=size))
                + "</li>"
                for card, count, size in stamps
            )
            + "</ul>",
        ]
    vouchers = getattr(statement, "vouchers", [])
    if vouchers:
        sections += [
            "<h2>" + escape(_("Open vouchers")) + "</h2>",
            table(
                [_("Code"), _("Reward"), _("Valid until"), _("Partner")],
                [(v.code, v.reward, v.valid_until, v.partner) for v in vouchers],
            ),
        ]
    return sections


DESCRIPTIONS = {"redeem": N_("reward"), "action": N_("bonus")}


def _describe(entry: Any) -> str:
    what = _(DESCRIPTIONS[entry.kind]) if entry.kind in DESCRIPTIONS else i18n.entry_kind(entry.kind)
    if entry.kind == "redeem" and entry.ref and entry.ref != "points":
        what += f" ({entry.ref})"
    return what
