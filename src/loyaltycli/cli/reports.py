"""`report [summary|...]`: the owner's figures (SPEC §5)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from loyaltycli.cli.options import CsvOption, JsonOption, day
from loyaltycli.cli.output import emit_csv, emit_json, key_values
from loyaltycli.cli.state import STATE, now

app = typer.Typer(help="Figures for the owner: summary (default), ...", rich_markup_mode=None)

FromOption = Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: all time).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")]


@app.callback(invoke_without_command=True)
def report(
    ctx: typer.Context,
    since: FromOption = None,
    until: ToOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Figures for the owner; without a sub-command, the summary."""
    if ctx.invoked_subcommand is None:
        summary(since, until, json_out, csv_out)


@app.command("summary")
def summary(
    since: FromOption = None, until: ToOption = None, json_out: JsonOption = False, csv_out: CsvOption = False
) -> None:
    """Members, points issued/redeemed/expired/outstanding, liability, rates and sales."""
    from loyaltycli.services.reports import summary as service

    figures = service(STATE.database(), day(since, "--from"), day(until, "--to"), now())
    if json_out:
        emit_json(figures)
    elif csv_out:
        emit_csv(["figure", "value"], flatten(figures))
    else:
        render_summary(figures)


def flatten(doc: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, name + ".")
        else:
            rows.append((name, value))
    return rows


def render_summary(f: dict[str, Any]) -> None:
    period = f["period"]
    span = f"{period['from'] or 'the start'} to {period['to'] or 'today'}"
    p, m = f["points"], f["members"]
    key_values(
        f"Summary, {span}",
        [
            ("members", f"{m['total']} ({m['new']} new, {m['active']} active)"),
            ("points issued", p["issued"]),
            ("points redeemed", p["redeemed"]),
            ("points expired", p["expired"]),
            ("points reversed by refunds", p["reversed"]),
            ("points outstanding", p["outstanding"]),
            ("liability", f"{f['liability']} {f['currency']}" if f["liability"] else "- (no point_value)"),
            ("redemption rate", _percent(f["redemption_rate"])),
            ("repeat rate", _percent(f["repeat_rate"])),
            ("sales to members", f"{f['sales']['members']} {f['currency']} ({f['receipts']['members']} receipts)"),
            ("anonymous sales", f"{f['sales']['anonymous']} {f['currency']} ({f['receipts']['anonymous']} receipts)"),
            ("average receipt, members", f["average_receipt"]["members"] or "-"),
            ("average receipt, anonymous", f["average_receipt"]["anonymous"] or "-"),
        ],
    )


def _percent(ratio: str | None) -> str:
    if ratio is None:
        return "-"
    from decimal import Decimal

    return f"{Decimal(ratio) * 100:.1f} %"
