"""`loyalty counter`: the screen for the person at the till (SPEC §7).

Type a few letters of a name, an e-mail or a phone number; matches appear as you
type (searched off the UI thread, only the latest query's results are shown).
Pick a member to see points, tier, stamps, vouchers and last receipts, then act
with one key.  Every action opens a small form that writes nothing until it is
confirmed, and then calls the same service as the command would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import threading
import time
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from loyaltycli import i18n
from loyaltycli.domain.cards import LENGTH, is_card_number
from loyaltycli.domain.cells import visible
from loyaltycli.domain.dates import last_valid_day
from loyaltycli.errors import LoyaltyError
from loyaltycli.i18n import N_, _

# (keys, action, description, shown in the footer, the key as printed on the keyboard, priority)
# The actions' keys are priority bindings: the screen handles them in the order the keys came, before the keys
# that follow reach a field (a scanner or a quick cashier sends "0170 123", Enter, F2, "12,50" at once).
KEYS = (
    ("f2", "purchase", N_("Purchase"), True, "F2", True),
    ("f3", "redeem", N_("Redeem"), True, "F3", True),
    ("f4", "voucher", N_("Voucher"), True, "F4", True),
    ("f5", "enrol", N_("New member"), True, "F5", True),
    ("f6", "undo", N_("Undo sale"), True, "F6", True),
    ("f7", "slip", N_("Slip"), False, "F7", True),  # in the help (F1): the footer has no room at 80 columns
    ("f1,question_mark", "help", N_("Help"), True, "F1", False),
    ("escape", "leave", N_("Back"), False, "Esc", False),
    ("ctrl+q", "quit", N_("Quit"), True, N_("Ctrl+Q"), False),
)


class CounterApp(App[None]):
    """Search, a member pane and actions by key; everything in the user's language, at 80x24."""

    TITLE = "loyalty counter"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { layout: vertical; }
    #search { height: 3; }
    #body { height: 1fr; }
    #matches { width: 30; height: 1fr; border: round $primary; }
    #pane { width: 1fr; height: 1fr; border: round $primary; padding: 0 1; overflow-y: auto; }
    #status { height: 1; padding: 0 1; }
    #status.error { color: $error; text-style: bold; }
    """

    def __init__(self, backend: Any = None, opener: Callable[[], Any] | None = None) -> None:
        """`backend`: a `work.Backend`; or `opener`, called off the UI thread after the first frame is drawn
        (opening the database and loading the services is most of a start-up)."""
        super().__init__()
        self.ready = threading.Event()
        self.opener = opener
        self.failure: LoyaltyError | None = None  # the database could not be opened: the screen ends with it
        if backend is not None:
            self.ready.set()
        for keys, action, description, show, key, priority in KEYS:  # bound here: descriptions in today's language
            self._bindings.bind(keys, action, _(description), show=show, key_display=_(key), priority=priority)
        self._bindings.bind("enter", "pick", show=False, priority=True)
        self.backend = backend
        self.member_id: str | None = None
        self.member: Any = None
        self.no_match_said = False
        self.generation = 0  # changes of the search so far: a member read for an older search is not shown
        self.listed_for: str | None = None  # the search text the list of matches stands for
        self.searched = ""  # the search text the screen has last followed
        self.slip_ref: str | None = None  # the receipt or voucher of the last action, for F7
        self.picked_for: str | None = None  # the search text the member on show was picked for
        # Benchmarks set this: seconds from a key (or a confirm) until the screen shows the answer.
        self.latencies: dict[str, list[float]] | None = None
        self._started: dict[str, float] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("Search: name, e-mail or phone"), id="search")
        with Horizontal(id="body"):
            yield OptionList(id="matches")
            with Vertical(id="pane"):
                yield Static(_("Type to find a member, or press F5 to enrol a new one."), id="member")
        yield Static("", id="status")
        yield Footer()

    @work(thread=True, group="open")
    def open_backend(self) -> None:
        assert self.opener is not None
        try:
            self.backend = self.opener()
            self.backend.warm_up()
            # Everything loaded so far (Textual, SQLAlchemy, the programme) lives as long as the screen: keep it
            # out of the collector's full passes, which otherwise stall a keystroke now and then (~100 ms).
            gc.collect()
            gc.freeze()
        except LoyaltyError as exc:
            self.failure = exc
            self.ready.set()  # let waiting searches go (they find no backend and stop)
            self.call_from_thread(self.exit, None, exc.exit_code)
            return
        self.ready.set()

    def on_unmount(self) -> None:
        gc.unfreeze()  # what the screen held may go now (a test runs many screens in one process)

    def on_mount(self) -> None:
        if not self.ready.is_set():
            self.open_backend()
        matches = self.query_one("#matches", OptionList)
        matches.border_title = _("Members")
        # One throw-away option drawn with the first frame: the list's first real answer is then drawn as fast
        # as every later one (the first layout of an option cost ~60 ms, most of a keystroke's budget).
        matches.add_option(Option("[dim]…[/]\n[dim]…[/]", id="-"))
        self.call_after_refresh(matches.clear_options)
        self.query_one("#pane").border_title = _("Member")
        self.query_one("#search", Input).focus()

    # ------------------------------------------------------------------ search

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self._start("keystroke")
        # Changes can reach the screen after an Enter that already picked for the whole text (a scanner's burst):
        # what counts is the field's text now, not the text of this (maybe older) change.
        now_typed = self.query_one("#search", Input).value
        if now_typed != self.searched:
            self.searched = now_typed
            self.generation += 1  # a member asked for before this change is no longer wanted
            if self.member is not None and now_typed != self.picked_for:
                self.forget_member()  # the pane and the keys follow the search, never a member it no longer lists
        self.search(event.value)

    @work(exclusive=True, thread=True, group="search")
    def search(self, text: str) -> None:
        self.ready.wait()
        if self.failure is not None:
            return
        rows = self.backend.search(text)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self.show_matches, text, rows)

    def show_matches(self, text: str, rows: list[Any]) -> None:
        if text != self.query_one("#search", Input).value:
            return  # an older query's answer: the person has typed on
        self.listed_for = text
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        matches.add_options(
            Option(
                Content.assemble(visible(row.name), "\n", (visible(f"{row.id} · {i18n.points(row.points)}"), "dim")),
                id=row.id,
            )
            for row in rows
        )
        if rows:
            matches.highlighted = 0
        if not rows and text.strip() and scanned_card(text) != text.strip():  # a card: Enter says whose it is
            self.say(_("No member matches {text!r}.").format(text=text))
            self.no_match_said = True
        elif self.no_match_said:
            self.say("")
        self._shown("keystroke")

    async def action_pick(self) -> None:
        """Enter in the search field picks a member for the search as typed, also when it comes before the list
        has caught up (a scanner types the number and Enter within milliseconds).

        Enter is a priority binding, so it is handled here, in the order the keys came, before the keys after
        it: the search field is asked for its text once it has taken the keys before Enter, the member is looked
        up off the UI thread, and only then do F2 and the amount that follow get their turn."""
        search = self.query_one("#search", Input)
        if self.screen is not self.screen_stack[0] or self.focused is not search:  # a form's Enter, or the list's
            raise SkipAction()
        self._start("open")
        typed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        search.call_later(lambda: typed.set_result(search.value))  # after the keys already on their way to it
        text = await typed
        scanned = scanned_card(text)
        if scanned is not None and scanned != text.strip():  # a card scanned after what the field held
            text = search.value = scanned
            self.searched = text  # the field's new text needs no search of its own: the card names the member
        matches = self.query_one("#matches", OptionList)
        if self.listed_for == text and matches.option_count:
            member_id: str | None = str(matches.get_option_at_index(matches.highlighted or 0).id)
        else:
            member_id = await asyncio.to_thread(self._first_match, text)
        if member_id is None:
            if scanned is not None:
                self.say(_("No member has the card {card}.").format(card=scanned), True)
            elif text.strip():
                self.say(_("No member matches {text!r}.").format(text=text), True)
            return
        try:
            member = await asyncio.to_thread(self.backend.member, member_id)
        except LoyaltyError as exc:
            self.say(exc.message, True)
            return
        self.show_member(member)

    def _first_match(self, text: str) -> str | None:
        self.ready.wait()
        if self.failure is not None or not text.strip():
            return None
        rows = self.backend.search(text)
        return str(rows[0].id) if rows else None

    def forget_member(self) -> None:
        self.member, self.member_id = None, None
        self.query_one("#member", Static).update(_("Enter picks the first match; ↓ chooses another."))
        self.query_one("#pane").border_title = _("Member")

    @on(OptionList.OptionSelected, "#matches")
    def match_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_member(str(event.option.id))

    def on_key(self, event: Any) -> None:
        """Down from the search field goes to the list of matches."""
        if event.key == "down" and self.focused is self.query_one("#search", Input):
            self.query_one("#matches", OptionList).focus()
            event.stop()

    # ------------------------------------------------------------------ the member pane

    def _start(self, what: str) -> None:
        if self.latencies is not None:
            self._started[what] = time.perf_counter()

    def _shown(self, what: str) -> None:
        """Record, once the screen has been drawn, how long `what` took since it started."""
        if self.latencies is None or what not in self._started:
            return
        latencies, started = self.latencies, self._started.pop(what)
        self.call_after_refresh(lambda: latencies.setdefault(what, []).append(time.perf_counter() - started))

    @work(exclusive=True, thread=True, group="member")
    def open_member(self, member_id: str) -> None:
        self.ready.wait()
        if self.failure is not None:
            return
        generation = self.generation
        try:
            member = self.backend.member(member_id)
        except LoyaltyError as exc:
            self.call_from_thread(self.say, exc.message, True)
            return
        self.call_from_thread(self.show_member, member, generation)

    def show_member(self, member: Any, generation: int | None = None) -> None:
        if generation is not None and generation != self.generation:
            return  # the search changed while the member was read: the list no longer stands for them
        self.member, self.member_id = member, member.view.id
        self.picked_for = self.query_one("#search", Input).value
        self.query_one("#member", Static).update(render_member(member))
        self.query_one("#pane").border_title = plain(f"{member.view.name} ({member.view.id})")
        self._shown("open")
        self._shown("purchase")

    def refresh_member(self) -> None:
        if self.member_id is not None:
            self.open_member(self.member_id)

    # ------------------------------------------------------------------ actions

    def _on_main_screen(self) -> None:
        """The actions' keys do nothing while a form or the help is open (the key goes on to it)."""
        if self.screen is not self.screen_stack[0]:
            raise SkipAction()

    def _need_member(self) -> bool:
        self._on_main_screen()
        if self.member is None:
            self.say(_("Choose a member first (type to search, Enter to pick)."), True)
            return False
        if self.member.view.status != "active":
            self.say(
                _("Member {id} is {status}; they cannot redeem or collect points.").format(
                    id=self.member.view.id, status=i18n.status_named(self.member.view.status)
                ),
                True,
            )
            return False
        return True

    async def action_purchase(self) -> None:
        from loyaltycli.counter.forms import PurchaseForm

        if self._need_member():
            await self.push_screen(PurchaseForm(self.backend, self.member), self.done)

    async def action_redeem(self) -> None:
        from loyaltycli.counter.forms import RedeemForm

        if self._need_member():
            await self.push_screen(RedeemForm(self.backend, self.member), self.done)

    async def action_voucher(self) -> None:
        from loyaltycli.counter.forms import VoucherForm

        self._on_main_screen()
        if self.ready.is_set() and self.failure is None:
            await self.push_screen(VoucherForm(self.backend), self.done)

    async def action_enrol(self) -> None:
        from loyaltycli.counter.forms import EnrolForm

        self._on_main_screen()
        if self.ready.is_set() and self.failure is None:
            await self.push_screen(EnrolForm(self.backend), self.enrolled)

    async def action_undo(self) -> None:
        if not self._need_member():
            return
        if self.member.last_purchase is None:
            self.say(_("{member} has no purchase to undo.").format(member=self.member.view.id), True)
            return
        from loyaltycli.counter.forms import UndoForm

        await self.push_screen(UndoForm(self.backend, self.member), self.done)

    def action_slip(self) -> None:
        """The customer's slip of what was just done here (a purchase, a redemption, a voucher used)."""
        self._on_main_screen()
        if self.slip_ref is None:
            self.say(_("Nothing to print yet: F7 prints the slip of the last purchase, redemption or voucher."), True)
            return
        self.print_slip(self.slip_ref)

    @work(thread=True, group="slip")
    def print_slip(self, ref: str) -> None:
        try:
            sent = self.backend.slip(ref)
        except LoyaltyError as exc:
            self.call_from_thread(self.say, exc.message, True)
            return
        self.call_from_thread(self.say, _("Printed the slip of {ref} ({count} bytes).").format(ref=ref, count=sent))

    def action_help(self) -> None:
        from loyaltycli.counter.forms import HelpScreen

        self.push_screen(HelpScreen())

    def action_leave(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is not search:
            search.focus()
        elif search.value:
            search.value = ""
        self.say("")

    def confirmed(self) -> None:
        """A form's Confirm was pressed (the benchmark measures from here to the updated pane)."""
        self._start("purchase")

    def done(self, outcome: str | None) -> None:
        """A form closed: what it did (None: cancelled, nothing was written)."""
        self.say(outcome if outcome else _("Cancelled; nothing was written."))
        if outcome:
            self.refresh_member()
            self.search(self.query_one("#search", Input).value)  # the list's points are current again

    def enrolled(self, member_id: str | None) -> None:
        if member_id is None:
            self.say(_("Cancelled; nothing was written."))
            return
        self.say(_("Enrolled {id}.").format(id=member_id))
        self.open_member(member_id)

    def say(self, text: str, error: bool = False) -> None:
        self.no_match_said = False
        status = self.query_one("#status", Static)
        status.update(plain(text))
        status.set_class(error, "error")


class _PlainGrid(Table):
    """A Rich grid whose text cells are shown as they are, never read as markup (receipt ids and reward names
    come from files)."""

    def add_row(self, *renderables: Any, **options: Any) -> None:
        super().add_row(*(Text(visible(r)) if isinstance(r, str) else r for r in renderables), **options)


def scanned_card(text: str) -> str | None:
    """The card number a scanner typed at the end of the search field (after whatever was there), or None."""
    tail = text.strip()[-LENGTH:]
    return tail if is_card_number(tail) else None


def plain(text: str) -> Content:
    """Text for the screen as it is: a customer's `[/dim]` is no markup, control characters are written out."""
    return Content(visible(text))


def render_member(member: Any) -> Table:
    """The member pane: balances, tier and progress, stamps, open vouchers, last receipts."""
    view, b = member.view, member.view.balances
    grid = _PlainGrid.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row(_("available"), Text(i18n.points(b.available), style="bold"))
    grid.add_row(_("pending"), i18n.points(b.pending))
    if b.expiring:
        due, points = b.expiring[0]
        grid.add_row(
            _("expiring"),
            _("{points}, valid until {day}").format(points=i18n.points(points), day=i18n.day(last_valid_day(due))),
        )
    tier = view.tier or "-"
    if member.next_tier:
        tier += "  " + _("({missing} to {tier})").format(
            missing=i18n.money(member.to_next_tier, member.currency)
            if member.tier_basis == "spend"
            else i18n.points(int(member.to_next_tier or 0)),
            tier=member.next_tier,
        )
    grid.add_row(_("tier"), tier)
    for card, count in view.stamps.items():
        size = view.stamp_sizes.get(card, 0)
        grid.add_row(_("stamps"), _("{card}: {stamps} of {size} stamps").format(card=card, stamps=count, size=size))
    for voucher in view.vouchers:
        grid.add_row(
            _("voucher"),
            _("{code} {reward}, valid until {day}").format(
                code=voucher.code, reward=voucher.reward_name or voucher.reward, day=i18n.day(voucher.valid_until)
            ),
        )
    if view.status != "active":
        grid.add_row(_("status"), Text(i18n.status(view.status), style="bold"))
    for receipt in member.recent:
        grid.add_row(
            i18n.day(receipt.day),
            f"{receipt.receipt}  {i18n.amount(receipt.total)}  {i18n.points(receipt.points)}"
            + ("" if receipt.kind == "purchase" else f"  ({i18n.entry_kind(receipt.kind)})")
            + ("  (" + _("refunded") + ")" if receipt.refunded else ""),
        )
    return grid


def run(open_database: Callable[[], Any], clock: Callable[[], dt.datetime]) -> None:
    """Start the screen at once; the database is opened while the first frame is on the screen."""

    def opener() -> Any:
        from loyaltycli.counter.work import Backend

        return Backend(open_database(), clock)

    app = CounterApp(opener=opener)
    app.run()
    if app.failure is not None:
        raise app.failure  # said and ended like any command: the same words, the same exit code
