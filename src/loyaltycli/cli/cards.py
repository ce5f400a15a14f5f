"""`loyalty card`: printable member cards (SPEC §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loyaltycli.cli.options import JsonOption
from loyaltycli.cli.output import emit_json, message
from loyaltycli.cli.state import STATE, now
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _


def card(
    members: Annotated[list[str] | None, typer.Argument(help="The members (id, card, e-mail or phone).")] = None,
    every_member: Annotated[bool, typer.Option("--all", help="Every member who can use a card.")] = False,
    pdf: Annotated[str | None, typer.Option("--pdf", help="An A4 PDF of ten cards a sheet, with cut marks.")] = None,
    png: Annotated[str | None, typer.Option("--png", help="A folder for one PNG a card (300 dpi).")] = None,
    svg: Annotated[str | None, typer.Option("--svg", help="A folder for one SVG a card.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Member cards with the shop's name, the member's name, and the card number as barcode and QR code."""
    from loyaltycli.reports import cards as draw
    from loyaltycli.services.cards import cards_for

    if sum(option is not None for option in (pdf, png, svg)) != 1:
        raise BadInputError(_("card: give one of --pdf FILE, --png DIR or --svg DIR."))
    cards = cards_for(STATE.database(), list(members or []), every_member, now())
    try:
        if pdf is not None:
            draw.write_pdf(cards, Path(pdf))
            files = [str(pdf)] * len(cards)
        else:
            writer = draw.write_pngs if png is not None else draw.write_svgs
            files = [str(path) for path in writer(cards, Path(png or svg or "."))]
    except OSError as exc:
        raise BadInputError(
            _("{path}: cannot be written ({strerror}).").format(path=pdf or png or svg, strerror=exc.strerror)
        ) from None
    if json_out:
        emit_json(
            [
                {"member": c.member, "card": c.number, "file": f, "catima": None}
                for c, f in zip(cards, files, strict=True)
            ]
        )
    else:
        message(_("Wrote {count} cards to {path}.").format(count=len(cards), path=pdf or png or svg))


def register(app: typer.Typer) -> None:
    app.command("card")(card)
