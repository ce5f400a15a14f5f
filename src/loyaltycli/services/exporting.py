"""`member export`: every row that concerns one member, as one typed result (`--json` prints it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from loyaltycli.storage.export import MemberRows, Row

if TYPE_CHECKING:
    from loyaltycli.services.members import MemberView


@dataclass(frozen=True)
class MemberExport:
    member: Row
    tier: str | None
    points: dict[str, Any]
    stamps: dict[str, int]
    receipts: list[Row]
    ledger: list[Row]
    lots: list[Row]
    vouchers: list[Row]
    stamp_cards: list[Row]
    consents: list[Row]


def member_export(rows: MemberRows, view: MemberView) -> MemberExport:
    """The member's stored rows, with what `member show` says of them (tier, balances, stamps)."""
    return MemberExport(
        member=rows.member | {"referred_by": view.referred_by},
        tier=view.tier,
        points=asdict(view.balances),
        stamps=view.stamps,
        receipts=rows.receipts,
        ledger=rows.ledger,
        lots=rows.lots,
        vouchers=rows.vouchers,
        stamp_cards=rows.stamp_cards,
        consents=[asdict(event) for event in view.consents],
    )
