"""One self-contained HTML file (no network, no CDN): summary figures and SVG bar charts.

Everything is escaped; the charts are inline SVG so the file renders the same
offline, in a browser or when forwarded by e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from loyaltycli.domain.money import percent

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}
.sub{color:#666;margin-top:0}.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.8rem}
.fig{border:1px solid #ddd;border-radius:8px;padding:.7rem 1rem;background:#fafafa}
.fig b{display:block;font-size:1.4rem;color:#1b5e20}.fig span{color:#555;font-size:.85rem}
table{border-collapse:collapse;margin-top:.5rem}td,th{border-bottom:1px solid #eee;padding:.3rem .8rem;text-align:left}
td.n,th.n{text-align:right}svg text{font-size:11px;fill:#333}.legend span{display:inline-block;margin-right:1rem}
.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
@media print{body{margin:0}}
"""
COLOURS = ("#2e7d32", "#1565c0", "#c62828", "#f9a825")


def _text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape(str(value))


def page(title: str, subtitle: str, sections: Sequence[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
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


def bar_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], height: int = 220) -> str:
    """Grouped vertical bars, one group per label, one colour per series."""
    if not labels:
        return "<p>No data for this period.</p>"
    top = max([max(values, default=0) for _, values in series] + [1])
    group = max(64, 12 * len(series) + 16)
    width = 50 + group * len(labels)
    bars = []
    for i, label in enumerate(labels):
        x0 = 50 + i * group
        for j, (_, values) in enumerate(series):
            value = max(values[i], 0)
            h = (height - 40) * value / top
            bars.append(
                f'<rect x="{x0 + 6 + j * 12}" y="{height - 20 - h:.1f}" width="10" height="{h:.1f}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(label)}: {value:g}</title></rect>'
            )
        bars.append(f'<text x="{x0 + 6}" y="{height - 5}">{escape(label)}</text>')
    axis = (
        f'<line x1="45" y1="{height - 20}" x2="{width}" y2="{height - 20}" stroke="#999"/>'
        f'<text x="0" y="20">{top:g}</text><text x="0" y="{height - 20}">0</text>'
    )
    legend = "".join(
        f'<span><i class="sw" style="background:{COLOURS[j % len(COLOURS)]}"></i>{escape(name)}</span>'
        for j, (name, _) in enumerate(series)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{axis}{"".join(bars)}</svg>'
        f'<div class="legend">{legend}</div>'
    )


def owner_report(
    summary: dict[str, Any], monthly: dict[str, Any], tiers: dict[str, Any], campaigns: dict[str, Any], program: str
) -> str:
    """The whole owner's report: figures, the monthly series, tiers and campaigns."""
    p, m, cur = summary["points"], summary["members"], summary["currency"]
    period = summary["period"]
    span = f"{period['from'] or 'the start'} to {period['to'] or 'today'}"
    months = monthly["months"]
    labels = [row["month"] for row in months]
    sections = [
        "<h2>Summary</h2>",
        figures(
            [
                ("members", m["total"]),
                ("new members", m["new"]),
                ("active members", m["active"]),
                ("points issued", p["issued"]),
                ("points redeemed", p["redeemed"]),
                ("points expired", p["expired"]),
                ("points outstanding", p["outstanding"]),
                ("liability", f"{summary['liability']} {cur}" if summary["liability"] else None),
                ("redemption rate", percent(summary["redemption_rate"])),
                ("repeat rate", percent(summary["repeat_rate"])),
                ("sales to members", f"{summary['sales']['members']} {cur}"),
                ("anonymous sales", f"{summary['sales']['anonymous']} {cur}"),
            ]
        ),
        "<h2>Points per month</h2>",
        bar_chart(
            labels,
            [
                ("issued", [r["issued"] for r in months]),
                ("redeemed", [r["redeemed"] for r in months]),
                ("expired", [r["expired"] for r in months]),
            ],
        ),
        "<h2>Revenue per month</h2>",
        bar_chart(labels, [(f"revenue ({cur})", [float(r["revenue"]) for r in months])]),
        table(
            ["Month", "Issued", "Redeemed", "Expired", f"Revenue ({cur})"],
            [(r["month"], r["issued"], r["redeemed"], r["expired"], r["revenue"]) for r in months],
            (1, 2, 3, 4),
        ),
    ]
    if tiers["tiers"]:
        sections += [
            "<h2>Members per tier</h2>",
            bar_chart([t["name"] for t in tiers["tiers"]], [("members", [t["members"] for t in tiers["tiers"]])]),
            table(
                ["Tier", "Threshold", "Multiplier", "Members"],
                [(t["name"], t["threshold"], t["multiplier"], t["members"]) for t in tiers["tiers"]],
                (1, 2, 3),
            ),
        ]
    if campaigns["campaigns"]:
        rows = campaigns["campaigns"]
        sections += [
            "<h2>Campaigns</h2>",
            bar_chart([c["id"] for c in rows], [("extra points", [c["extra_points"] for c in rows])]),
            table(
                ["Campaign", "From", "To", "Receipts", f"Revenue ({cur})", "Extra points"],
                [(c["name"], c["starts"], c["ends"], c["receipts"], c["revenue"], c["extra_points"]) for c in rows],
                (3, 4, 5),
            ),
        ]
    return page(f"{program}: loyalty report", span, sections)


def statement_page(statement: Any, program: str, next_rewards: Sequence[tuple[str, int, int]]) -> str:
    """A printable statement for the customer: how points were earned, what expires, what the next reward costs."""
    b = statement.balances
    sections = [
        figures(
            [
                ("available points", b.available),
                ("pending points", b.pending),
                ("earned in all", b.lifetime_earned),
                ("redeemed", b.redeemed),
            ]
        ),
        "<h2>Expiring soon</h2>",
        table(["Date", "Points"], statement.expiring, (1,))
        if statement.expiring
        else f"<p>No points expire in the next {statement.warn_days} days.</p>",
        "<h2>Your next rewards</h2>",
        table(["Reward", "Points", "Still needed"], next_rewards, (1, 2)) if next_rewards else "<p>–</p>",
        "<h2>Your points</h2>",
        table(
            ["Date", "What", "Points", "Balance", "Receipt", "Voucher"],
            [(e.date, _describe(e), e.points, e.balance, e.receipt, e.voucher) for e in statement.entries],
            (2, 3),
        ),
    ]
    return page(f"{program}: statement for {statement.name}", f"Member {statement.member}", sections)


DESCRIPTIONS = {
    "earn": "purchase",
    "signup": "welcome bonus",
    "birthday": "birthday bonus",
    "referral": "referral bonus",
    "action": "bonus",
    "adjust": "correction",
    "redeem": "reward",
    "refund": "refund",
    "expire": "expired",
}


def _describe(entry: Any) -> str:
    what = str(DESCRIPTIONS.get(entry.kind, entry.kind))
    if entry.kind == "redeem" and entry.ref and entry.ref != "points":
        what += f" ({entry.ref})"
    return what
