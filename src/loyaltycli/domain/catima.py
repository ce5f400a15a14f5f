"""Catima, the free loyalty-card wallet for Android: a share link that opens a member's card in it, and the
`catima.csv` of its export format (version 2), for a list of members. Pure: text in, text out.

The layouts are Catima's own documents: `docs/CARD_SHARING_URL_FORMAT.md` (the parameters url-encoded, then
the whole fragment url-encoded again, so nothing reaches a server), `docs/EXPORT_FORMAT.md` and
`docs/CARD_FIELDS.md` (balancetype left empty means points; CODE_128 names the barcode).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import quote_plus, urlencode

SHARE_URL = "https://catima.app/share#"
BARCODE = "CODE_128"
CARD_COLUMNS = (
    "_id",
    "store",
    "note",
    "validfrom",
    "expiry",
    "balance",
    "balancetype",
    "cardid",
    "barcodeid",
    "barcodetype",
    "headercolor",
    "starstatus",
    "lastused",
    "archive",
)


class WalletCard(NamedTuple):
    """What Catima shows of a member's card: the shop, a note (whose card it is), the number, the points."""

    store: str
    note: str
    card: str
    points: int


def share_link(card: WalletCard) -> str:
    """`https://catima.app/share#...`: opening it on a phone with Catima adds the card, with its balance."""
    fields = urlencode(
        [
            ("store", card.store),
            ("note", card.note),
            ("balance", str(card.points)),
            ("cardid", card.card),
            ("barcodetype", BARCODE),
        ]
    )
    return SHARE_URL + quote_plus(fields)


def export_csv(cards: Iterable[WalletCard]) -> str:
    """`catima.csv` (version 2): no groups, one card a line, no links between cards and groups."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write("2\n\n_id\n\n")
    writer.writerow(CARD_COLUMNS)
    for number, card in enumerate(cards, start=1):
        writer.writerow([number, card.store, card.note, "", "", card.points, "", card.card, "", BARCODE, "", 0, "", 0])
    out.write("\ncardId,groupId\n")
    return out.getvalue()
