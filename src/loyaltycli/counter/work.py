"""The counter screen's calls into the services: the same functions, with the same arguments, as the commands.

Nothing here knows Textual, so the flows can be tested without a screen and the
ledger after the screen's actions compared with the ledger after the commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loyaltycli.domain.money import parse_money
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.services.counter import CounterMember, categories, counter_member, search
from loyaltycli.services.members import EnrollRequest, MemberView, enroll
from loyaltycli.services.purchases import PurchaseRequest, PurchaseResult, one_line, parse_line, purchase
from loyaltycli.services.redemptions import RedeemResult, VoucherView, redeem_points, redeem_reward, show_voucher
from loyaltycli.services.redemptions import use_voucher as use
from loyaltycli.services.refunds import RefundRequest, RefundResult, refund

if TYPE_CHECKING:
    from loyaltycli.services.members import MemberRow


@dataclass
class Backend:
    db: Any  # a storage.database.Database, opened by the command (the screen itself never touches storage)
    clock: Callable[[], dt.datetime]
    _categories: list[str] | None = field(default=None, repr=False)

    def search(self, text: str) -> list[MemberRow]:
        return search(self.db, text, self.clock())

    def warm_up(self) -> None:
        """One search and the categories before the first key: the database's pages and the compiled
        queries are ready when the first keystroke arrives."""
        self.search("a")
        self.categories()

    def member(self, member_id: str) -> CounterMember:
        return counter_member(self.db, member_id, self.clock())

    def categories(self) -> list[str]:
        if self._categories is None:
            self._categories = categories(self.db, self.clock())
        return self._categories

    def purchase(self, member_id: str, amount: str, category: str | None, dry_run: bool = False) -> PurchaseResult:
        """`loyalty purchase MEMBER AMOUNT [--category C] [--dry-run]`."""
        value = parse_money(amount, _("amount"))  # a negative amount is refused by `purchase`, as for the command
        request = PurchaseRequest(member_id, one_line(value, category or None, None), dry_run=dry_run)
        return purchase(self.db, request, self.clock())

    def purchase_lines(
        self, member_id: str, lines: list[tuple[str, str, str | None]], dry_run: bool = False
    ) -> PurchaseResult:
        """`loyalty purchase MEMBER - --line :CATEGORY:QTY:PRICE ...`; one line of quantity 1 is the plain
        `loyalty purchase MEMBER AMOUNT [--category C]`."""
        if len(lines) == 1 and lines[0][0].strip() in ("", "1"):
            return self.purchase(member_id, lines[0][1], lines[0][2], dry_run)
        parsed = tuple(parse_line(f":{category or ''}:{quantity}:{price}") for quantity, price, category in lines)
        return purchase(self.db, PurchaseRequest(member_id, parsed, dry_run=dry_run), self.clock())

    def redeem_reward(self, member_id: str, reward_id: str) -> RedeemResult:
        """`loyalty redeem MEMBER REWARD`."""
        return redeem_reward(self.db, member_id, reward_id, None, self.clock(), None)

    def redeem_points(self, member_id: str, points: str) -> RedeemResult:
        """`loyalty redeem MEMBER --points N`."""
        try:
            count = int(points.strip())
        except ValueError:
            raise BadInputError(
                _("--points: {points} must be a positive number of points.").format(points=points)
            ) from None
        return redeem_points(self.db, member_id, count, None, self.clock(), None)

    def show_voucher(self, code: str) -> VoucherView:
        return show_voucher(self.db, code, self.clock())

    def use_voucher(self, code: str) -> VoucherView:
        """`loyalty voucher use CODE`."""
        return use(self.db, code, None, self.clock())

    def enrol(self, name: str, email: str, phone: str, marketing: bool) -> MemberView:
        """`loyalty enroll NAME [--email E] [--phone P] [--marketing]`."""
        request = EnrollRequest(
            name=name, email=email.strip() or None, phone=phone.strip() or None, marketing=marketing, channel="counter"
        )
        return enroll(self.db, request, self.clock())

    def slip(self, ref: str) -> int:
        """`loyalty slip RECEIPT|VOUCHER` on the printer of `LOYALTY_PRINTER`; the bytes sent."""
        import os

        from loyaltycli.reports.slip import no_printer, send_slip
        from loyaltycli.services.slips import slip_for

        uri = os.environ.get("LOYALTY_PRINTER")
        if not uri:
            raise BadInputError(no_printer())
        return send_slip(slip_for(self.db, ref, self.clock()), uri)

    def undo(self, receipt_id: str) -> RefundResult:
        """`loyalty refund RECEIPT` (the whole receipt)."""
        return refund(self.db, RefundRequest(receipt_id, None, None, None), self.clock())


def describe(result: Any) -> str:
    """One line for the status bar about what a confirmed action did."""
    from loyaltycli import i18n

    if isinstance(result, PurchaseResult):
        return _("Receipt {receipt}: {points} for {member}").format(
            receipt=result.receipt, points=i18n.points(result.points), member=result.member
        )
    if isinstance(result, RedeemResult):
        if result.voucher:
            return _("Voucher {voucher} for {reward}, valid until {valid_until}").format(
                voucher=result.voucher,
                reward=result.reward_name or result.reward,
                valid_until=i18n.day(result.valid_until),
            ) + _("; {balance} left.").format(balance=i18n.points(result.balance))
        return _("Discount {discount} for {points}; {balance} left.").format(
            discount=i18n.money(result.discount or "0", result.currency) if result.currency else result.discount,
            points=i18n.points(result.points),
            balance=i18n.points(result.balance),
        )
    if isinstance(result, RefundResult):
        return _("Refund {refund} of {amount} on receipt {receipt}: {points_reversed} reversed.").format(
            refund=result.refund,
            amount=result.amount,
            receipt=result.receipt,
            points_reversed=i18n.points(result.points_reversed),
        )
    if isinstance(result, VoucherView):
        return _("Voucher {code} used.").format(code=result.code)
    return str(result)
