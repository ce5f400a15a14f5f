"""`return`: goods brought back without their receipt (SPEC §2 "Returns without a receipt").

The points the same goods would earn today (base and category rates, exclusions, the member's tier; no
campaigns, minimum spend or bonuses) are taken back like a refund's: pending lots first, then by expiry,
and what is not there becomes a debt. The return is a receipt of kind `return`: revenue counts it as
negative and it lowers the member's qualifying spend from its date. `import` books a receipt with a
negative total and no `refund_of` the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from loyaltycli.domain import plans
from loyaltycli.domain.dates import local_date, utc_naive
from loyaltycli.domain.money import format_cents, to_cents
from loyaltycli.domain.points import return_points
from loyaltycli.domain.purchase_plans import LineRow, encode_lines, quantity_milli
from loyaltycli.domain.receipts import Line
from loyaltycli.errors import BadInputError, DuplicateError
from loyaltycli.i18n import _
from loyaltycli.services.codes import receipt_id as new_receipt_id
from loyaltycli.services.context import Today, today_in
from loyaltycli.services.members import current_tier, lapse_day
from loyaltycli.services.purchases import same_lines
from loyaltycli.storage import ledger
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import member_balances
from loyaltycli.storage.database import Database
from loyaltycli.storage.receipts import AddedReceipt, ReceiptIdTaken, add_receipt, receipt_with_id
from loyaltycli.storage.records import MemberRecord, ReceiptRecord, Transaction


@dataclass(frozen=True)
class ReturnRequest:
    member: str
    lines: tuple[Line, ...]  # the goods brought back, as positive amounts
    when: dt.datetime | None = None
    receipt_id: str | None = None
    channel: str | None = None
    store: str | None = None


@dataclass(frozen=True)
class ReturnResult:
    receipt: str
    member: str | None
    amount: str
    points_reversed: int
    balance: int | None
    repeated: bool = False


def record_return(db: Database, request: ReturnRequest, now: dt.datetime) -> ReturnResult:
    """Book a return for a member; a repeated `--receipt` with the same data prints the original result."""
    if not request.lines or sum((line.amount for line in request.lines), Decimal(0)) <= 0:
        raise BadInputError(_("AMOUNT: a return needs the amount of the goods brought back (more than 0)."))
    with db.write() as tx:
        ctx = today_in(tx, now)
        member = lookup.resolve(tx, request.member, ctx.program.region)
        assert member.pk is not None
        member = lookup.locked(tx, member)
        return return_in(tx, ctx, member, request, now, "return")


def return_in(
    tx: Transaction, ctx: Today, member: MemberRecord | None, request: ReturnRequest, now: dt.datetime, command: str
) -> ReturnResult:
    """The return inside an open transaction (also `import`'s receipts with a negative total)."""
    when = request.when or now
    day = ctx.written_day(local_date(when, ctx.program.zone), "--date")
    receipt_id = (request.receipt_id or "").strip() or new_receipt_id("RT")
    member_pk = member.pk if member is not None else None
    existing = receipt_with_id(tx, receipt_id)
    if existing is not None:
        if (
            existing.kind != "return"
            or existing.member_pk != member_pk
            or not same_lines(existing.lines, request.lines)
        ):
            raise DuplicateError(
                _("Receipt {receipt_id} is already recorded with other data; use another --receipt id.").format(
                    receipt_id=receipt_id
                )
            )
        return _result(tx, ctx, existing, member, day, repeated=True)
    version = ctx.version_on(day)
    program = version.program
    tier = current_tier(tx, member, program, day) if member is not None else None
    level = next((t for t in program.tiers.levels if t.name == tier), None) if program.tiers else None
    points, eligible = return_points(program, request.lines, level) if member is not None else (0, Decimal(0))
    total = sum((line.amount for line in request.lines), Decimal(0))
    try:
        row = add_receipt(
            tx,
            receipt_id=receipt_id,
            kind="return",
            member_pk=member_pk,
            occurred_at=utc_naive(when),
            local_date=day,
            program_version=version.version,
            channel=request.channel,
            store=request.store,
            total_cents=to_cents(total),
            eligible_cents=to_cents(eligible),
            points=points,
            tier=tier,
            source="import" if command == "import" else "cli",
            created_at=utc_naive(now),
            lines=encode_lines([_line_row(line) for line in request.lines]),
        )
    except ReceiptIdTaken:  # stored by another till a moment ago
        raise DuplicateError(
            _("Receipt {receipt_id} is already recorded with other data; use another --receipt id.").format(
                receipt_id=receipt_id
            )
        ) from None
    if member is not None and points > 0:
        booking = ledger.Booking(version.version, command, day, utc_naive(now), receipt_pk=row.pk, ref="return")
        held = ledger.holdings(tx, member.pk)
        ledger.post_plans(tx, [plans.debit(held, "refund", booking, points, day, "pending_first", into_debt=True)])
    return _result(tx, ctx, row, member, day)


def _line_row(line: Line) -> LineRow:
    return LineRow(line.sku, line.category or None, quantity_milli(line.quantity), to_cents(line.amount), True, None)


def _result(
    tx: Transaction,
    ctx: Today,
    row: ReceiptRecord | AddedReceipt,
    member: MemberRecord | None,
    day: dt.date,
    repeated: bool = False,
) -> ReturnResult:
    balance = None
    if member is not None:
        program = ctx.version_on(day).program
        balance = member_balances(tx, member, ctx.today, lapse_day(member, program)).available
    return ReturnResult(
        row.receipt_id,
        str(member.id) if member is not None else None,
        format_cents(row.total_cents),
        row.points,
        balance,
        repeated,
    )
