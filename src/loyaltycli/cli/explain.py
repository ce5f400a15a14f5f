"""`explain RECEIPT|MEMBER`: how points came about, for the owner to read to a customer (SPEC §3)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from loyaltycli import i18n
from loyaltycli.cli.options import JsonOption
from loyaltycli.cli.output import emit_json, plain, show, table
from loyaltycli.cli.state import STATE, now
from loyaltycli.domain.dates import last_valid_day
from loyaltycli.i18n import _


def explain(
    ref: Annotated[str, typer.Argument(help="A receipt id, or a member (id, card number, e-mail or phone).")],
    json_out: JsonOption = False,
) -> None:
    """How a receipt's points were worked out and what became of them, or how a member's balance comes about."""
    from loyaltycli.services.explain import ReceiptExplanation
    from loyaltycli.services.explain import explain as service

    found = service(STATE.database(), ref, now())
    if json_out:
        emit_json(found.as_json())
        return
    if isinstance(found, ReceiptExplanation):
        _show_receipt(found)
    else:
        _show_member(found)


def _show_receipt(found: Any) -> None:
    title = _("Receipt {receipt} of {day}: {total}, {points} for {member}").format(
        receipt=found.receipt,
        day=i18n.day(found.date),
        total=i18n.amount(found.total),
        points=i18n.points(found.points),
        member=found.member or _("anonymous"),
    )
    if found.lines:
        rows = [
            (
                b.line,
                b.category or "",
                i18n.amount(b.amount),
                _rule(b),
                i18n.decimal(b.points),
            )
            for b in found.lines
        ]
        show(table(title, [_("Line"), _("Category"), _("Amount"), _("Rule"), _("Points")], rows))
    else:
        show(plain(title))
    for step in found.steps:
        show(plain(step.text))


def _rule(line: Any) -> str:
    """What applied to a line: its rate (and campaign multiplier), or why it earns nothing."""
    if line.reason == "below minimum spend":
        return _("below the minimum spend")
    if not line.eligible:
        return _("earns nothing: {reason}").format(reason=_reason(line.reason or ""))
    rule = _("{rate} per unit").format(rate=i18n.decimal(line.rate))
    if line.campaign:
        rule += " " + _("x {multiplier} (campaign {campaign})").format(
            multiplier=i18n.decimal(line.multiplier), campaign=line.campaign
        )
    return rule


def _reason(reason: str) -> str:
    """Why a line earns nothing, as `domain.points` says it (`category tobacco excluded`), in words."""
    kind, _space, rest = reason.partition(" ")
    if reason == "gift card":
        return _("a gift card")
    if kind == "category" and rest.endswith(" excluded"):
        return _("category {category} is excluded").format(category=rest.removesuffix(" excluded"))
    if kind == "SKU" and rest.endswith(" excluded"):
        return _("SKU {sku} is excluded").format(sku=rest.removesuffix(" excluded"))
    return reason


def _show_member(found: Any) -> None:
    rows = [
        (
            i18n.entry_kind(lot.origin),
            i18n.day(lot.date),
            lot.receipt or "",
            lot.earned,
            i18n.day(lot.available_on),
            i18n.day(last_valid_day(lot.expires_on)) if lot.expires_on else _("never"),
            lot.remaining,
            "; ".join(step.text for step in lot.taken),
        )
        for lot in found.lots
    ]
    columns = [_("From"), _("Date"), _("Receipt"), _("Earned"), _("Usable from"), _("Valid until"), _("Left")]
    columns.append(_("Detail"))  # what took from the lot: free text, which wraps
    title = _("How {member}'s points come about").format(member=found.member)
    show(table(title, columns, rows, optional=[_("Receipt"), _("Usable from")]))
    for step in found.steps:
        show(plain(step.text))


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)
