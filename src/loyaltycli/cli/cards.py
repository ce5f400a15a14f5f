"""`loyalty card`: printable member cards and Catima links (SPEC §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    catima: Annotated[
        bool, typer.Option("--catima", help="Catima share links (stdout) and a catima.csv beside the cards.")
    ] = False,
    catima_qr: Annotated[
        bool, typer.Option("--catima-qr", help="The card's QR code opens the card in Catima (with --catima).")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Member cards with the shop's name, the member's name, and the card number as barcode and QR code."""
    from loyaltycli.services.cards import cards_for

    outputs = sum(option is not None for option in (pdf, png, svg))
    if outputs > 1 or (outputs == 0 and not catima):
        raise BadInputError(_("card: give one of --pdf FILE, --png DIR or --svg DIR (or --catima)."))
    if catima_qr and not catima:
        raise BadInputError(_("--catima-qr: give --catima too."))
    cards = cards_for(STATE.database(), list(members or []), every_member, now())
    links = [catima_link(c) for c in cards] if catima else [None] * len(cards)
    if catima_qr:
        cards = [c._replace(qr=link) for c, link in zip(cards, links, strict=True)]
    folder = Path(png or svg or (Path(pdf).parent if pdf else "."))
    try:
        files = _draw(cards, pdf, png, svg)
        if catima:
            (folder / "catima.csv").write_text(catima_csv(cards), encoding="utf-8")
    except OSError as exc:
        raise BadInputError(
            _("{path}: cannot be written ({strerror}).").format(path=pdf or png or svg or folder, strerror=exc.strerror)
        ) from None
    if json_out:
        emit_json(
            [
                {"member": c.member, "card": c.number, "file": f, "catima": link}
                for c, f, link in zip(cards, files, links, strict=True)
            ]
        )
        return
    for drawn, link in zip(cards, links, strict=True):
        if link is not None:
            print(f"{drawn.member}\t{link}")
    if outputs:
        message(_("Wrote {count} cards to {path}.").format(count=len(cards), path=pdf or png or svg))
    if catima:
        message(_("Wrote {path}.").format(path=folder / "catima.csv"))


def _draw(cards: list[Any], pdf: str | None, png: str | None, svg: str | None) -> list[str | None]:
    """The cards drawn where asked; the file of each (None when only Catima links were asked for)."""
    from loyaltycli.reports import cards as draw

    if pdf is not None:
        draw.write_pdf(cards, Path(pdf))
        return [str(pdf)] * len(cards)
    if png is not None:
        return [str(path) for path in draw.write_pngs(cards, Path(png))]
    if svg is not None:
        return [str(path) for path in draw.write_svgs(cards, Path(svg))]
    return [None] * len(cards)


def _wallet(card: Any) -> Any:
    from loyaltycli.domain.catima import WalletCard

    return WalletCard(card.shop, f"{card.name} ({card.member})", card.number, card.points)


def catima_link(card: Any) -> str:
    from loyaltycli.domain.catima import share_link

    return share_link(_wallet(card))


def catima_csv(cards: list[Any]) -> str:
    from loyaltycli.domain.catima import export_csv

    return export_csv(_wallet(c) for c in cards)


def register(app: typer.Typer) -> None:
    app.command("card")(card)
