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
    pkpass: Annotated[
        str | None, typer.Option("--pkpass", help="A wallet pass (.pkpass) of one member's card.")
    ] = None,
    sign_cert: Annotated[str | None, typer.Option("--sign-cert", help="The shop's pass certificate (PEM).")] = None,
    sign_key: Annotated[str | None, typer.Option("--sign-key", help="Its private key (PEM, no password).")] = None,
    wwdr: Annotated[str | None, typer.Option("--wwdr", help="Apple's WWDR intermediate certificate (PEM).")] = None,
    pass_type: Annotated[
        str, typer.Option("--pass-type", help="The pass type identifier (the shop's, from Apple, when signed).")
    ] = "pass.loyaltycli.card",
    team: Annotated[str, typer.Option("--team", help="The shop's Apple team identifier (when signed).")] = "",
    json_out: JsonOption = False,
) -> None:
    """Member cards with the shop's name, the member's name, and the card number as barcode and QR code."""
    from loyaltycli.services.cards import cards_for

    if pkpass is not None:
        wallet_pass(list(members or []), every_member, pkpass, (sign_cert, sign_key, wwdr), (pass_type, team), json_out)
        return
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


def wallet_pass(
    members: list[str],
    every_member: bool,
    path: str,
    signing: tuple[str | None, str | None, str | None],
    identity: tuple[str, str],
    json_out: bool,
) -> None:
    """`--pkpass FILE`: one member's card as a wallet pass, signed only with the shop's own certificate."""
    from loyaltycli.reports.wallet import PassCard, Signer, write_pkpass
    from loyaltycli.services.cards import cards_for

    if len(members) != 1 or every_member:
        raise BadInputError(_("--pkpass: name one member; a pass holds one card."))
    given = [part for part in signing if part]
    if given and len(given) != 3:
        raise BadInputError(_("--pkpass: signing needs --sign-cert, --sign-key and --wwdr together."))
    try:
        signer = Signer(*(Path(part).read_bytes() for part in signing)) if given else None  # type: ignore[arg-type]
    except OSError as exc:
        raise BadInputError(
            _("{path}: cannot be read ({strerror}).").format(path=exc.filename, strerror=exc.strerror)
        ) from None
    [drawn] = cards_for(STATE.database(), members, False, now())
    card = PassCard(drawn.shop, drawn.name, drawn.member, drawn.number, drawn.points, *identity)
    try:
        write_pkpass(card, Path(path), signer)
    except OSError as exc:
        raise BadInputError(
            _("{path}: cannot be written ({strerror}).").format(path=path, strerror=exc.strerror)
        ) from None
    except ValueError as exc:  # a certificate or key that cannot be read as PEM
        raise BadInputError(_("--pkpass: the certificate or key cannot be used ({exc}).").format(exc=exc)) from None
    if json_out:
        emit_json([{"member": card.member, "card": card.number, "file": path, "catima": None, "signed": bool(signer)}])
        return
    message(_("Wrote {path}.").format(path=path))
    if signer is None:
        message(
            _(
                "The pass is not signed: Apple Wallet will refuse it, while Catima and Android pass readers open it. "
                "Sign it with your own pass certificate (--sign-cert, --sign-key, --wwdr)."
            )
        )


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


def slip(
    ref: Annotated[str, typer.Argument(help="A receipt id or a voucher code.")],
    printer: Annotated[
        str | None,
        typer.Option(
            "--printer",
            help="usb:VID:PID, tcp://HOST[:PORT] or a device path (/dev/usb/lp0); default $LOYALTY_PRINTER.",
        ),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Print the customer's slip: balance, this receipt's points, what expires, a voucher's code as a barcode."""
    import os

    from loyaltycli.reports.slip import no_printer, send_slip
    from loyaltycli.services.slips import slip_for

    uri = printer or os.environ.get("LOYALTY_PRINTER")
    if not uri:
        raise BadInputError(no_printer())
    sent = send_slip(slip_for(STATE.database(), ref, now()), uri)
    if json_out:
        emit_json({"printed": True, "bytes": sent})
    else:
        message(_("Printed the slip of {ref} ({count} bytes).").format(ref=ref, count=sent))


def register(app: typer.Typer) -> None:
    app.command("card")(card)
    app.command("slip")(slip)
