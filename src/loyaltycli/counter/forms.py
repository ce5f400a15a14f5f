"""The counter screen's forms: each collects what one action needs, shows what would happen, and writes only
when the person confirms (Enter or the Confirm button).  Esc leaves without writing anything.

A form's write runs off the UI thread; when the database is busy (a cron run writing), the form says that it
is waiting instead of freezing.  A refusal is shown in the form, in the same words as the command's message.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from loyaltycli import i18n
from loyaltycli.counter.app import plain, scanned_card
from loyaltycli.counter.work import Backend, describe
from loyaltycli.errors import LoyaltyError
from loyaltycli.i18n import N_, _

WAIT_NOTICE_AFTER = 0.4  # seconds

FORM_CSS = """
Form { align: center middle; }
Form > Vertical { width: 72; height: auto; max-height: 22; border: thick $primary; background: $surface; padding: 0 1; }
Form .title { text-style: bold; height: auto; }
Form .preview { height: auto; min-height: 1; }
Form .problem { color: $error; text-style: bold; height: auto; }
Form Horizontal { height: auto; align-horizontal: right; }
Form Button { margin: 0 0 0 1; min-width: 12; }
Form Input, Form Select { margin: 0; }
Form OptionList { height: auto; max-height: 8; }
Form Horizontal.line { align-horizontal: left; }
Form #quantity { width: 12; }
Form #amount { width: 1fr; }
Form #lines { height: auto; }
"""

FORM_KEYS = (("escape", "cancel", N_("Cancel"), True, "Esc"),)


class Form(ModalScreen[Any]):
    """A modal form with a title, fields, a preview line, a problem line, and Confirm / Cancel."""

    DEFAULT_CSS = FORM_CSS
    # Enter confirms wherever the focused field does not use it itself (a list, an open drop-down, a button).
    # Enter and Tab are priority bindings: handled in the order the keys came, so that the keys after a Tab
    # typed in one burst land in the next field, not the one before (a scanner, a quick cashier).
    BINDINGS = [
        Binding("enter", "submit", show=False, priority=True),
        Binding("tab", "next_field", show=False, priority=True),
        Binding("shift+tab", "previous_field", show=False, priority=True),
    ]

    def __init__(self, backend: Backend, title: str) -> None:
        super().__init__()
        self.backend = backend
        self.title_text = title
        self.busy = False
        self.wait_timer: Timer | None = None
        for keys, action, description, show, key in FORM_KEYS:
            self._bindings.bind(keys, action, description=_(description), show=show, key_display=key)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="title")
            yield from self.fields()
            yield Static("", classes="preview", id="preview")
            yield Static("", classes="problem", id="problem")
            with Horizontal():
                yield Button(_("Cancel"), id="cancel")
                yield Button(_("Confirm"), id="confirm", variant="primary")

    def fields(self) -> ComposeResult:
        yield from ()

    # what a form does, given by each form
    def perform(self) -> Any:
        raise NotImplementedError

    def outcome(self, result: Any) -> Any:
        return describe(result)

    # ------------------------------------------------------------------ confirm, cancel, wait

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    @on(Button.Pressed, "#confirm")
    @on(Input.Submitted)
    def confirm(self) -> None:
        if self.busy:
            return
        self.busy = True
        confirmed = getattr(self.app, "confirmed", None)
        if confirmed is not None:
            confirmed()
        self.problem("")
        self.wait_timer = self.set_timer(WAIT_NOTICE_AFTER, self.waiting)
        self.write()

    async def action_submit(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList | Button):  # a list (also an open drop-down) or a button: its Enter
            raise SkipAction()
        if isinstance(focused, Input):
            # The field's text once it has taken the keys before Enter (a scanner's burst is still on its way).
            typed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            focused.call_later(lambda: typed.set_result(focused.value))
            card = scanned_card(await typed)
            if card is not None:  # a member card scanned into a form's field is no amount or name: ask first
                self.problem(
                    _(
                        "A member card was scanned ({card}): Esc closes this form, then scan it again to open its member."
                    ).format(card=card)
                )
                return
        self.confirm()

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def waiting(self) -> None:
        if self.busy:
            self.preview(_("Waiting for the database (another program is writing to it)..."))

    @work(thread=True, exclusive=True, group="write")
    def write(self) -> None:
        try:
            result = self.perform()
        except LoyaltyError as exc:
            self.app.call_from_thread(self.refused, exc.message)
            return
        self.app.call_from_thread(self.finished, result)

    def finished(self, result: Any) -> None:
        self.busy = False
        ref = getattr(result, "receipt", None) or getattr(result, "voucher", None) or getattr(result, "code", None)
        if isinstance(ref, str) and hasattr(self.app, "slip_ref"):
            self.app.slip_ref = ref  # F7 prints the customer's slip of it
        if self.wait_timer is not None:
            self.wait_timer.stop()
        self.dismiss(self.outcome(result))

    def refused(self, text: str) -> None:
        self.busy = False
        if self.wait_timer is not None:
            self.wait_timer.stop()
        self.preview("")
        self.problem(text)

    def preview(self, text: str) -> None:
        self.query_one("#preview", Static).update(plain(text))

    def problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(plain(text))


class PurchaseForm(Form):
    """Lines of quantity, price and category (as `purchase --line`), with a preview of the points (the rules,
    as `purchase --dry-run`) before confirming. Ctrl+N keeps the line and starts another: two coffees and a
    cake are two lines, and the coffees earn two stamps."""

    BINDINGS = [Binding("ctrl+n", "next_line", N_("Another line"), key_display="Ctrl+N")]
    AUTO_FOCUS = "#amount"  # focused as the form opens, before the keys typed after F2 arrive

    def __init__(self, backend: Backend, member: Any) -> None:
        view = member.view
        super().__init__(backend, _("Purchase for {name} ({id})").format(name=view.name, id=view.id))
        self.member_id = view.id
        self.lines: list[tuple[str, str, str | None]] = []  # lines kept with Ctrl+N: quantity, price, category

    def fields(self) -> ComposeResult:
        yield Static(_("Quantity and price each; Ctrl+N keeps this line and adds another."), id="lines")
        with Horizontal(classes="line"):
            yield Input("1", placeholder=_("Qty"), id="quantity")
            yield Input(placeholder=_("Amount, e.g. 12,50"), id="amount")
        options = [(category, category) for category in self.backend.categories()]
        yield Select(options, prompt=_("Category (none)"), id="category", allow_blank=True)

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def category(self) -> str | None:
        value = self.query_one("#category", Select).value
        return value if isinstance(value, str) else None

    def current(self) -> tuple[str, str, str | None] | None:
        """The line being typed (quantity, price each, category), or None while it has no price."""
        amount = self.query_one("#amount", Input).value
        if not amount.strip():
            return None
        return self.query_one("#quantity", Input).value.strip() or "1", amount, self.category()

    def all_lines(self) -> list[tuple[str, str, str | None]]:
        line = self.current()
        return [*self.lines, *([line] if line else [])]

    def action_next_line(self) -> None:
        line = self.current()
        if line is None:
            return
        self.lines.append(line)
        self.query_one("#lines", Static).update(
            plain("\n".join(f"{q} x {a}  {c or ''}".rstrip() for q, a, c in self.lines))
        )
        self.query_one("#quantity", Input).value = "1"
        self.query_one("#amount", Input).value = ""
        self.query_one("#category", Select).clear()
        self.query_one("#amount", Input).focus()

    @on(Input.Changed, "#amount")
    @on(Input.Changed, "#quantity")
    @on(Select.Changed, "#category")
    def changed(self) -> None:
        if scanned_card(self.query_one("#amount", Input).value) is None:  # a scanned card's warning stays
            self.problem("")
        self.show_preview(self.all_lines())

    @work(thread=True, exclusive=True, group="preview")
    def show_preview(self, lines: list[tuple[str, str, str | None]]) -> None:
        if not lines:
            self.app.call_from_thread(self.preview, "")
            return
        try:
            result = self.backend.purchase_lines(self.member_id, lines, dry_run=True)
        except LoyaltyError as exc:
            text = exc.message
        else:
            text = _("Preview: {points} for {member}").format(
                points=i18n.points(result.points), member=result.member
            ) + "".join(
                " · "
                + _("{card}: {stamps} of {size} stamps").format(card=card, stamps=n, size=result.stamp_sizes[card])
                for card, n in result.stamps.items()
                if card in result.stamp_sizes
            )
        if not get_current_worker().is_cancelled and not self.busy:
            self.app.call_from_thread(self.preview, text)

    def perform(self) -> Any:
        return self.backend.purchase_lines(self.member_id, self.all_lines())

    def outcome(self, result: Any) -> Any:
        text = describe(result)
        if result.vouchers:
            text += " " + " ".join(_("Stamp card full: voucher {code}.").format(code=c) for c in result.vouchers)
        return text


def _why_not(refusal: Any) -> str:
    """What a member still needs for a reward: the tier, more points (how many), or it is out of stock."""
    if refusal.kind == "stock":
        return _("(out of stock)")
    if refusal.kind == "tier":
        return _("(not yet: needs {what})").format(what=_("tier {tier}").format(tier=refusal.tier))
    return _("(not yet: needs {what})").format(what=_("{points} more").format(points=i18n.points(refusal.missing)))


class RedeemForm(Form):
    """The rewards the member can take (others are shown greyed with the reason), or points as a discount."""

    def __init__(self, backend: Backend, member: Any) -> None:
        view = member.view
        super().__init__(
            backend,
            _("Redeem for {name} ({id}): {points} available").format(
                name=view.name, id=view.id, points=i18n.points(view.balances.available)
            ),
        )
        self.member = member

    def fields(self) -> ComposeResult:
        options = []
        for reward in self.member.rewards:
            label = f"{reward.title}  ·  {i18n.points(reward.points)}"
            if reward.refusal is not None:
                label += "  " + _why_not(reward.refusal)
            options.append(Option(plain(label), id=reward.id, disabled=not reward.allowed))
        yield OptionList(*options, id="rewards")
        yield Input(placeholder=_("...or points to spend as a discount"), id="points")

    def on_mount(self) -> None:
        rewards = self.query_one("#rewards", OptionList)
        if any(not option.disabled for option in rewards.options):
            rewards.focus()
        else:
            self.query_one("#points", Input).focus()

    @on(OptionList.OptionSelected, "#rewards")
    def chosen(self) -> None:
        self.confirm()

    def perform(self) -> Any:
        points = self.query_one("#points", Input).value.strip()
        if points:
            return self.backend.redeem_points(self.member.view.id, points)
        rewards = self.query_one("#rewards", OptionList)
        index = rewards.highlighted
        if index is None or rewards.get_option_at_index(index).disabled:
            from loyaltycli.errors import BadInputError

            raise BadInputError(_("Choose a reward, or type the points to spend."))
        return self.backend.redeem_reward(self.member.view.id, str(rewards.get_option_at_index(index).id))


class VoucherForm(Form):
    """A typed or scanned code; Enter shows the voucher, a second Enter uses it."""

    AUTO_FOCUS = "#code"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend, _("Use a voucher"))
        self.checked: str | None = None

    def fields(self) -> ComposeResult:
        yield Input(placeholder=_("Voucher code"), id="code")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    @on(Input.Changed, "#code")
    def changed(self) -> None:
        self.checked = None
        self.problem("")
        self.preview("")

    def perform(self) -> Any:
        code = self.query_one("#code", Input).value.strip()
        if self.checked != code:
            voucher = self.backend.show_voucher(code)
            return ("checked", code, voucher)
        return self.backend.use_voucher(code)

    def finished(self, result: Any) -> None:
        if isinstance(result, tuple) and result[0] == "checked":
            self.busy = False
            if self.wait_timer is not None:
                self.wait_timer.stop()
            _kind, code, voucher = result
            self.checked = code
            partner = f" · {voucher.partner}" if voucher.partner else ""
            self.preview(
                _("{reward} for {member}, valid until {day}{partner}. Enter again to use it.").format(
                    reward=voucher.reward_name or voucher.reward,
                    member=voucher.member,
                    day=i18n.day(voucher.valid_until),
                    partner=partner,
                )
            )
            if voucher.status != "valid":
                self.problem(
                    _("Voucher {code} cannot be used (it is {status}).").format(
                        code=voucher.code, status=i18n.status_named(voucher.status)
                    )
                )
            return
        super().finished(result)


class ConsentBox(Checkbox, inherit_bindings=False):
    """A checkbox that Space ticks; Enter is left to the form (confirm). Ticked it shows an X, unticked a blank:
    without colours (NO_COLOR, a plain terminal) the two must still look different."""

    BINDINGS = [Binding("space", "toggle_button", show=False)]

    @property
    def _button(self) -> Any:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class EnrolForm(Form):
    """A new customer: name, e-mail, phone and consent to marketing (`enroll`)."""

    AUTO_FOCUS = "#name"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend, _("New member"))

    def fields(self) -> ComposeResult:
        yield Input(placeholder=_("Name"), id="name")
        yield Input(placeholder=_("E-mail (optional)"), id="email")
        yield Input(placeholder=_("Phone (optional)"), id="phone")
        yield ConsentBox(_("Agrees to marketing messages"), id="marketing")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def perform(self) -> Any:
        name, email, phone = (self.query_one(f"#{field}", Input).value for field in ("name", "email", "phone"))
        return self.backend.enrol(name, email, phone, self.query_one("#marketing", Checkbox).value)

    def outcome(self, result: Any) -> Any:
        return result.id


class UndoForm(Form):
    """Refund the member's last purchase in full (`refund RECEIPT`)."""

    def __init__(self, backend: Backend, member: Any) -> None:
        last = member.last_purchase
        super().__init__(
            backend,
            _("Undo the last purchase: receipt {receipt} of {day}, {amount}, {points}?").format(
                receipt=last.receipt,
                day=i18n.day(last.day),
                amount=i18n.money(last.total, member.currency),
                points=i18n.points(last.points),
            ),
        )
        self.receipt = last.receipt

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def perform(self) -> Any:
        return self.backend.undo(self.receipt)


HELP_KEYS = (
    ("F2", N_("Purchase: amount and category, with a preview of the points")),
    ("F3", N_("Redeem a reward or points")),
    ("F4", N_("Use a voucher (typed or scanned code)")),
    ("F5", N_("Enrol a new customer")),
    ("F6", N_("Undo the last purchase (a full refund)")),
    ("F7", N_("Print the customer's slip of the last action (LOYALTY_PRINTER)")),
    ("Enter", N_("Pick the highlighted member; confirm a form")),
    ("↓ ↑", N_("Move from the search field into the list of matches")),
    ("Esc", N_("Back: close a form without writing, or clear the search")),
    ("F1 ?", N_("This help")),
    (N_("Ctrl+Q"), N_("Quit")),
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Static { width: 72; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,question_mark,enter", "close", show=False)]

    def compose(self) -> ComposeResult:
        lines = [_("Keys at the counter"), ""] + [f"{_(key):<7} {_(text)}" for key, text in HELP_KEYS]
        lines += ["", _("Nothing is written until you confirm. Esc closes this help.")]
        yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)
