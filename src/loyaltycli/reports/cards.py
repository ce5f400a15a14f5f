"""Member cards as a shop prints them: credit-card size, the shop's and the member's name, the card number as a
Code128 barcode (what a till's scanner reads) and as a QR code (what a phone's camera reads).

One renderer draws a card as a 300 dpi picture (Pillow); `--png` saves those, `--pdf` lays them on A4 sheets of
ten with cut marks (fpdf2). `--svg` draws the same card in vectors (python-barcode's and segno's SVG). The
barcode libraries are made for the job: python-barcode for Code128, segno for QR.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from loyaltycli.domain.cards import Card

CARD_MM = (85.6, 53.98)  # ISO/IEC 7810 ID-1, a bank card's size
DPI = 300
A4_MM = (210.0, 297.0)
COLUMNS, ROWS = 2, 5  # ten cards a sheet
CUT_MARK_MM = 4.0


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _barcode_image(number: str) -> Any:
    import barcode
    from barcode.writer import ImageWriter

    code = barcode.get("code128", number, writer=ImageWriter())
    options = {"module_width": 0.33, "module_height": 12.0, "quiet_zone": 3.0, "font_size": 9, "text_distance": 4.0}
    return code.render(options | {"dpi": DPI})


def _qr_image(number: str, side: int) -> Any:
    """The QR code at the largest whole number of pixels per module that fits `side` (scaling by a fraction
    would give modules of unequal width, which readers misread)."""
    import segno
    from PIL import Image

    buffer = io.BytesIO()
    # make_qr: a full QR code (segno's `make` would choose a Micro QR for 13 digits, which phones do not read).
    qr = segno.make_qr(number, error="m")
    modules = qr.symbol_size(scale=1, border=4)[0]  # the quiet zone of four modules the standard asks
    qr.save(buffer, kind="png", scale=max(1, side // modules), border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def card_image(card: Card) -> Any:
    """The card as a picture at 300 dpi: names on top, the barcode below left, the QR code right."""
    from PIL import Image, ImageDraw

    width, height = _px(CARD_MM[0]), _px(CARD_MM[1])
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(200, 200, 200), width=3)
    margin = _px(4)
    draw.text((margin, margin), _fitted(card.shop, 28), fill="black", font=_font(50))
    draw.text((margin, margin + 78), _fitted(card.name, 34), fill="black", font=_font(40))
    side = _px(26)
    qr = _qr_image(card.qr or card.number, side)
    image.paste(qr, (width - qr.width - margin, height - qr.height - margin))
    bars = _barcode_image(card.number)  # 0.33 mm modules: about 52 mm for 13 digits, beside the QR code
    image.paste(bars, (margin, height - bars.height - margin))
    return image


def _font(size: int) -> Any:
    """DejaVu, which python-barcode ships for the number under the bars: it has é, ß, Ł and the rest that names
    hold (Pillow's own default font lacks some)."""
    import barcode
    from PIL import ImageFont

    return ImageFont.truetype(str(Path(barcode.__file__).parent / "fonts" / "DejaVuSansMono.ttf"), size)


def _fitted(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def write_pngs(cards: Iterable[Card], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for card in cards:
        path = folder / f"card-{_file_name(card.member)}.png"
        card_image(card).save(path, dpi=(DPI, DPI))
        written.append(path)
    return written


def write_pdf(cards: Sequence[Card], path: Path) -> None:
    """A4 sheets of ten cards, two columns of five, with cut marks at every card's corners."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_image_filter("FlateDecode")  # lossless: JPEG's blur at the bars' edges is what scanners misread
    pdf.set_auto_page_break(False)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    left = (A4_MM[0] - COLUMNS * CARD_MM[0]) / 2
    top = (A4_MM[1] - ROWS * CARD_MM[1]) / 2
    for index, card in enumerate(cards):
        if index % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        column, row = index % COLUMNS, (index // COLUMNS) % ROWS
        x, y = left + column * CARD_MM[0], top + row * CARD_MM[1]
        pdf.image(card_image(card), x=x, y=y, w=CARD_MM[0], h=CARD_MM[1])
        _cut_marks(pdf, x, y)
    path.write_bytes(bytes(pdf.output()))


def _cut_marks(pdf: Any, x: float, y: float) -> None:
    """Short lines outside the card's corners, along its edges, where the scissors go."""
    width, height, mark = CARD_MM[0], CARD_MM[1], CUT_MARK_MM
    for cx, cy, dx, dy in (
        (x, y, -1, -1),
        (x + width, y, 1, -1),
        (x, y + height, -1, 1),
        (x + width, y + height, 1, 1),
    ):
        pdf.line(cx + dx * 1, cy, cx + dx * mark, cy)
        pdf.line(cx, cy + dy * 1, cx, cy + dy * mark)


def card_svg(card: Card) -> str:
    """The card as an SVG document in millimetres: texts, the Code128 barcode and the QR code as vectors."""
    import barcode
    import segno
    from barcode.writer import SVGWriter

    bars = barcode.get("code128", card.number, writer=SVGWriter()).render(
        {"module_width": 0.33, "module_height": 12.0, "quiet_zone": 3.0, "font_size": 9, "text_distance": 4.0}
    )
    bars_svg = _in_millimetres(bars.decode("utf-8") if isinstance(bars, bytes) else str(bars))
    qr = segno.make_qr(card.qr or card.number, error="m").svg_inline(scale=1, border=2, omitsize=True)
    width, height = CARD_MM
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}">\n'
        f'<rect x="0.2" y="0.2" width="{width - 0.4}" height="{height - 0.4}" rx="3" fill="white" stroke="#ccc" '
        'stroke-width="0.3"/>\n'
        f'<text x="4" y="9" font-family="sans-serif" font-size="4.5" font-weight="bold">{escape(card.shop)}</text>\n'
        f'<text x="4" y="16" font-family="sans-serif" font-size="3.6">{escape(card.name)}</text>\n'
        f"{bars_svg}\n"
        f'<svg x="{width - 28}" y="{height - 28}" width="24" height="24">{qr}</svg>\n'
        "</svg>\n"
    )


def _in_millimetres(document: str) -> str:
    """python-barcode's SVG, placed on the card: its `mm` lengths become the card's user units (millimetres),
    its size a viewBox, and the text's point size millimetres (9 pt is about 3.2 mm)."""
    import re

    width = float(re.search(r'width="([\d.]+)mm"', document).group(1))  # type: ignore[union-attr]
    height = float(re.search(r'height="([\d.]+)mm"', document).group(1))  # type: ignore[union-attr]
    body = document[document.index("<g") : document.rindex("</svg>")]
    body = re.sub(r'="([\d.]+)mm"', r'="\1"', body).replace("font-size:9pt", "font-size:3.2px")
    return (
        f'<svg x="3" y="{CARD_MM[1] - height - 3:.2f}" width="{width:.2f}" height="{height:.2f}" '
        f'viewBox="0 0 {width:.3f} {height:.3f}">{body}</svg>'
    )


def write_svgs(cards: Iterable[Card], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for card in cards:
        path = folder / f"card-{_file_name(card.member)}.svg"
        path.write_text(card_svg(card), encoding="utf-8")
        written.append(path)
    return written


def _file_name(member_id: str) -> str:
    """A member id as a file name: letters, digits, `-` and `_` only."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in member_id)
