"""The counter screen (SPEC §7), driven by Textual's pilot: every flow, both languages, 80x24, and the ledger
it writes compared with the ledger the same commands write."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from loyaltycli.i18n import set_language
from tests.conftest import Cli, query

pytestmark = pytest.mark.slow  # each test starts the screen: about a second apiece

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"
SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZE = (80, 24)


def shop(tmp_path: Path, name: str = "counter.db") -> Cli:
    cli = Cli(tmp_path / name)
    cli("init", "--program", str(PROGRAMS / "cafe.toml"))
    cli("enroll", "Anna Berg", "--email", "anna@example.com", "--phone", "+491701234567", "--id", "M000001")
    cli("enroll", "Jürgen Müller", "--phone", "+491719876543", "--id", "M000002")
    for n in range(7):
        cli("purchase", "anna@example.com", "3.20", "--category", "coffee", "--receipt", f"R{n}")
    return cli


def run_app(cli: Cli, script: Callable[[Any, Any], Awaitable[None]]) -> Any:
    """Start the counter on `cli`'s database at 80x24, run `script(app, pilot)`, and return the app."""
    from loyaltycli.counter.app import CounterApp
    from loyaltycli.counter.work import Backend
    from loyaltycli.storage.database import open_database
    from loyaltycli.storage.location import resolve

    db = open_database(resolve(str(cli.db)))
    app = CounterApp(Backend(db, lambda: dt.datetime.now(dt.UTC)))

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await script(app, pilot)

    try:
        asyncio.run(main())
    finally:
        db.dispose()
    return app


async def settle(pilot: Any, app: Any) -> None:
    """Let the workers (search, preview, writes) finish and the screen catch up."""
    for _round in range(40):
        await pilot.pause(0.02)
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.pause(0.02)


async def find(pilot: Any, app: Any, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)


def text_of(widget: Any) -> str:
    """What a Static shows, as plain text."""
    from rich.console import Console

    content = widget.content
    if isinstance(content, str):
        return content
    if hasattr(content, "plain"):  # Textual's Content: the text as it is
        return str(content.plain)
    import io

    console = Console(width=60, record=True, no_color=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def pane(app: Any) -> str:
    return text_of(app.query_one("#member"))


def status(app: Any) -> str:
    return text_of(app.query_one("#status"))


def form_line(app: Any, name: str) -> str:
    return text_of(app.screen.query_one(f"#{name}"))


def ledger(cli: Cli) -> list[tuple[Any, ...]]:
    """The ledger and receipts as they would compare between two shops (no generated ids, no clock)."""
    entries = query(
        cli.db,
        "SELECT m.id, e.kind, e.points, e.business_date, e.ref FROM ledger_entry e JOIN member m ON m.pk = e.member_pk "
        "ORDER BY e.pk",
    )
    receipts = query(
        cli.db,
        "SELECT r.kind, m.id, r.total_cents, r.points, r.stamps, r.lines FROM receipt r "
        "LEFT JOIN member m ON m.pk = r.member_pk ORDER BY r.pk",
    )
    lots = query(cli.db, "SELECT earned, remaining, available_on, expires_on FROM point_lot ORDER BY pk")
    vouchers = query(cli.db, "SELECT reward_id, status, source FROM voucher ORDER BY pk")
    members = query(cli.db, "SELECT id, name, email, phone, marketing, status FROM member ORDER BY pk")
    return [*entries, ("receipts",), *receipts, ("lots",), *lots, ("vouchers",), *vouchers, ("members",), *members]


@pytest.fixture
def counter_shop(tmp_path: Path, clock: Any) -> Cli:
    return shop(tmp_path)


def test_search_as_you_type_then_open_a_member(counter_shop: Cli) -> None:
    async def script(app: Any, pilot: Any) -> None:
        await pilot.press(*"mull")  # accents and case ignored, as `member find`
        await settle(pilot, app)
        assert app.query_one("#matches").option_count == 1
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"0170 123")  # a phone, as written
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        text = pane(app)
        assert "41 points" in text and "coffee-card: 7 of 9 stamps" in text and "R6" in text

    run_app(counter_shop, script)


def test_purchase_with_preview_and_confirm_writes_what_the_command_writes(tmp_path: Path, clock: Any) -> None:
    screen, commands = shop(tmp_path, "screen.db"), shop(tmp_path, "commands.db")

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2")
        await pilot.press(*"12,50")
        await settle(pilot, app)
        preview = form_line(app, "preview")
        assert "Preview: 12 points for M000001" in preview
        assert query(screen.db, "SELECT count(*) FROM receipt")[0][0] == 7  # nothing written yet
        await pilot.press("enter")
        await settle(pilot, app)
        assert "12 points for M000001" in status(app)
        assert "53 points" in pane(app)

    run_app(screen, script)
    commands("purchase", "anna@example.com", "12.50")
    assert ledger(screen) == ledger(commands)


def test_cancel_before_confirm_writes_nothing(counter_shop: Cli) -> None:
    before = query(counter_shop.db, "SELECT count(*), sum(points) FROM ledger_entry")

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2", *"99", "escape")
        await settle(pilot, app)
        assert "nothing was written" in status(app)
        await pilot.press("f5", *"Someone", "escape")
        await settle(pilot, app)

    run_app(counter_shop, script)
    assert query(counter_shop.db, "SELECT count(*), sum(points) FROM ledger_entry") == before


def test_redeem_use_voucher_enrol_and_undo_match_the_commands(tmp_path: Path, clock: Any) -> None:
    screen, commands = shop(tmp_path, "screen.db"), shop(tmp_path, "commands.db")
    for cli in (screen, commands):
        cli("adjust", "anna@example.com", "200", "--reason", "opening")
        cli("purchase", "anna@example.com", "3.20", "--category", "coffee", "--receipt", "R8")
        cli("purchase", "anna@example.com", "3.20", "--category", "coffee", "--receipt", "R9")  # a full card
    stamp_voucher = screen.json("member", "show", "anna@example.com")
    assert stamp_voucher["stamps"]["coffee-card"] == 0
    code = query(screen.db, "SELECT code FROM voucher WHERE source = 'stamp_card'")[0][0]

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f3")  # redeem: the rewards she can afford are offered
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert "Voucher" in status(app) and "Free coffee of your choice" in status(app)
        await pilot.press("f4", *code, "enter")  # voucher: Enter shows it ...
        await settle(pilot, app)
        assert "Enter again to use it" in form_line(app, "preview")
        await pilot.press("enter")  # ... a second Enter uses it
        await settle(pilot, app)
        assert f"Voucher {code} used." in status(app)
        await pilot.press("f6")  # undo the last purchase (R9)
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert "on receipt R9" in status(app)
        await pilot.press("f5", *"Clara New", "tab", *"clara@example.com", "tab", "tab", "space", "enter")
        await settle(pilot, app)
        assert "Enrolled M000003" in status(app) and "Clara New" in str(app.query_one("#pane").border_title)

    run_app(screen, script)
    commands("redeem", "anna@example.com", "free-coffee")
    commands("voucher", "use", query(commands.db, "SELECT code FROM voucher WHERE source = 'stamp_card'")[0][0])
    commands("refund", "R9")
    commands("enroll", "Clara New", "--email", "clara@example.com", "--marketing")
    assert ledger(screen) == ledger(commands)


def test_refusals_show_the_commands_words_in_the_screen(counter_shop: Cli) -> None:
    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2", *"12.5x", "enter")
        await settle(pilot, app)
        assert "is not an amount of money" in form_line(app, "problem")
        await pilot.press("escape", "f4", *"NOPE-CODE", "enter")
        await settle(pilot, app)
        assert "There is no voucher NOPE-CODE; check the code." in form_line(app, "problem")

    run_app(counter_shop, script)


def test_a_locked_database_is_waited_for_and_said(counter_shop: Cli) -> None:
    """A cron run holding the write lock: the form says it waits, and the purchase goes through afterwards."""
    blocker = sqlite3.connect(counter_shop.db, isolation_level=None)

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2", *"5.00")
        await settle(pilot, app)
        blocker.execute("BEGIN IMMEDIATE")
        await pilot.press("enter")
        await pilot.pause(0.8)
        assert "Waiting for the database" in form_line(app, "preview")
        blocker.execute("COMMIT")
        await settle(pilot, app)
        assert "5 points for M000001" in status(app)

    try:
        run_app(counter_shop, script)
    finally:
        blocker.close()


def test_the_counter_in_german(counter_shop: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        text = pane(app)
        assert "verfügbar" in text and "41 Punkte" in text and "7 von 9 Stempeln" in text
        await pilot.press("f2", *"3,20")
        await settle(pilot, app)
        assert "Vorschau: 3 Punkte für M000001" in form_line(app, "preview")
        await pilot.press("escape")
        await settle(pilot, app)
        assert "nichts wurde geschrieben" in status(app)

    run_app(counter_shop, script)


@pytest.mark.parametrize("language", ["en", "de"])
def test_main_screen_snapshot_at_80x24(counter_shop: Cli, monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    """The member pane at 80x24 as text (colours aside), compared with the stored snapshot.
    LOYALTY_UPDATE_SNAPSHOTS=1 writes the snapshots anew."""
    monkeypatch.setenv("LOYALTY_LANG", language)
    set_language(None)
    shots: list[str] = []

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2", *"3,20")
        await settle(pilot, app)
        shots.append(_screen_text(app))

    app = run_app(counter_shop, script)
    assert app is not None
    expected = SNAPSHOTS / f"counter_purchase_{language}.txt"
    if os.environ.get("LOYALTY_UPDATE_SNAPSHOTS") == "1":
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(shots[0], encoding="utf-8")
    assert expected.exists(), f"no snapshot {expected.name}: run with LOYALTY_UPDATE_SNAPSHOTS=1 once and look at it"
    assert shots[0] == expected.read_text(encoding="utf-8")
    assert all(len(line) <= SIZE[0] for line in shots[0].splitlines())


def _screen_text(app: Any) -> str:
    """What the terminal shows, as plain text lines (the SVG export without its markup)."""
    import re
    from html import unescape

    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text class="[^"]*-r\d+"[^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), unescape(re.sub(r"<[^>]+>", "", text))))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            column = round(x / 12.2)
            line = line.ljust(column) + text
        lines.append(line.rstrip().replace("\xa0", " "))
    return "\n".join(lines) + "\n"


def _in_terminal(args: list[str], keys: list[tuple[bytes, bytes]], timeout: float = 20) -> tuple[int, bytes]:
    """Run `python -m loyaltycli ARGS` in a pseudo-terminal of 80x24; for each (wait for, then type) pair, wait
    until the output shows the first and type the second. Returns the exit code and everything shown."""
    import fcntl
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "LOYALTY_LANG": "en"}
    process = subprocess.Popen(
        [sys.executable, "-m", "loyaltycli", *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    seen = b""

    def read_until(marker: bytes) -> bool:
        nonlocal seen
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    return marker in seen
            if marker in seen:
                return True
        return False

    try:
        for marker, typed in keys:
            assert read_until(marker), seen[-500:]
            os.write(leader, typed)
        end = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < end:  # read on: a full terminal would block it
            if select.select([leader], [], [], 0.1)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
        return process.wait(timeout=5), seen
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)


def test_a_missing_database_ends_the_screen_with_the_commands_message(tmp_path: Path) -> None:
    code, shown = _in_terminal(["--db", str(tmp_path / "none.db"), "counter"], [])
    assert code == 1
    assert b"no database here" in shown


def test_loyalty_counter_starts_in_a_terminal_finds_and_quits(counter_shop: Cli) -> None:
    """The installed command in a pseudo-terminal of 80x24: it draws, a typed search shows the member, Ctrl+Q ends it."""
    code, _shown = _in_terminal(
        ["--db", str(counter_shop.db), "counter"], [(b"Search", b"anna"), (b"Anna Berg", b"\x11")]
    )
    assert code == 0


def burst(app: Any, keys: list[str]) -> None:
    """Keys as a scanner sends them: all posted at once, as the terminal driver posts what it reads, with no
    wait for the screen in between (the pilot's `press` waits after each key)."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(_character_to_key(key) if character else key, character))


def test_a_scanner_types_the_number_and_enter_with_no_pause(tmp_path: Path, clock: Any) -> None:
    """Search, Enter, F2 and the amount arrive within milliseconds: Enter picks for the search as typed, and the
    purchase form opens for that member, not the search field (issue 25)."""
    screen = shop(tmp_path, "scan.db")

    async def script(app: Any, pilot: Any) -> None:
        await settle(pilot, app)
        burst(app, [*"0170 123", "enter", "f2", *"12,50"])
        await settle(pilot, app)
        assert app.member is not None and app.member.view.id == "M000001"
        assert app.query_one("#search").value == "0170 123"  # the amount went into the form, not the search
        await pilot.press("enter")
        await settle(pilot, app)
        assert "12 points for M000001" in status(app)

    run_app(screen, script)
    assert query(screen.db, "SELECT count(*) FROM receipt")[0][0] == 8


def test_the_pane_and_the_keys_follow_the_search(counter_shop: Cli) -> None:
    """Pick Anna, then search for Jürgen: the pane no longer shows Anna and F2 acts on nobody (issue 27)."""

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        assert app.member.view.id == "M000001"
        await pilot.press("escape", *"0171 987")
        await settle(pilot, app)
        assert app.member is None and "Anna" not in pane(app)
        await pilot.press("f2")
        await settle(pilot, app)
        assert "Choose a member first" in status(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.member.view.id == "M000002" and "Jürgen" in app.query_one("#pane")._border_title.plain

    run_app(counter_shop, script)


def test_a_purchase_of_lines_with_quantities(tmp_path: Path, clock: Any) -> None:
    """Two coffees and a cake at the counter: two lines, two stamps, as `purchase --line` books them (issue 27)."""
    screen, commands = shop(tmp_path, "lines.db"), shop(tmp_path, "lines-commands.db")

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2")
        await settle(pilot, app)
        app.screen.query_one("#quantity").value = "2"
        app.screen.query_one("#category").value = "coffee"
        await pilot.press(*"3,20", "ctrl+n", *"3,90")
        await settle(pilot, app)
        assert "2 x 3,20  coffee" in text_of(app.screen.query_one("#lines"))
        assert "Preview" in form_line(app, "preview")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "for M000001" in status(app) and "Stamp card full" in status(app)

    run_app(screen, script)
    commands("purchase", "anna@example.com", "-", "--line", ":coffee:2:3.20", "--line", "::1:3.90")
    assert ledger(screen) == ledger(commands)


def test_keys_in_one_burst_after_tab_land_in_the_next_field(counter_shop: Cli) -> None:
    """The new member form typed in one go (issue 27: the e-mail and phone landed in the name)."""

    async def script(app: Any, pilot: Any) -> None:
        await settle(pilot, app)
        burst(app, ["f5", *"Hans Wurst", "tab", *"hans@wurst.de", "tab", *"0171 9998887", "enter"])
        await settle(pilot, app)
        assert "Enrolled" in status(app), status(app)

    run_app(counter_shop, script)
    shown = counter_shop.json("member", "show", "hans@wurst.de")
    assert (shown["name"], shown["phone"]) == ("Hans Wurst", "+491719998887")


def test_enter_on_the_category_field_books_the_purchase(counter_shop: Cli) -> None:
    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2", *"3,20", "tab")
        await settle(pilot, app)
        assert app.focused.id == "category"
        await pilot.press("enter")
        await settle(pilot, app)
        assert "points for M000001" in status(app)

    run_app(counter_shop, script)


def test_the_consent_box_looks_different_ticked_without_colours(counter_shop: Cli) -> None:
    seen: list[str] = []

    async def script(app: Any, pilot: Any) -> None:
        await pilot.press("f5")
        await settle(pilot, app)
        box = app.screen.query_one("#marketing")
        seen.append(box.render().plain)
        box.value = True
        await settle(pilot, app)
        seen.append(box.render().plain)

    run_app(counter_shop, script)
    assert seen[0] != seen[1] and "X" in seen[1] and "X" not in seen[0], seen


@pytest.mark.slow
def test_a_scanner_burst_in_a_real_terminal_books_for_the_member_it_named(counter_shop: Cli) -> None:
    """The installed command in a pseudo-terminal of 80x24, the keys written in one go as a scanner (and tmux's
    send-keys) sends them: the number, Enter, F2 (ESC O Q), the amount, Enter; then Ctrl+Q."""
    before = query(counter_shop.db, "SELECT count(*) FROM receipt")[0][0]
    code, _shown = _in_terminal(
        ["--db", str(counter_shop.db), "counter"],
        [(b"Search", b"0170 123\r\x1bOQ12,50\r"), (b"12 points for M000001", b"\x11")],
    )
    assert code == 0
    assert query(counter_shop.db, "SELECT count(*) FROM receipt")[0][0] == before + 1


def test_a_scanned_card_opens_its_member_whatever_the_search_field_held(counter_shop: Cli) -> None:
    """Issue 30: a member is shown, the field still holds the search; the scanner types 13 digits and Enter."""
    card = counter_shop.json("member", "show", "M000002")["card"]

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        assert app.member.view.id == "M000001"
        burst(app, [*card, "enter"])
        await settle(pilot, app)
        assert app.member is not None and app.member.view.id == "M000002", status(app)
        assert app.query_one("#search").value == card
        burst(app, [*"2000000000008", "enter"])  # a card number nobody has
        await settle(pilot, app)
        assert "No member has the card 2000000000008." in status(app)

    run_app(counter_shop, script)


def test_f7_prints_the_slip_of_the_last_purchase(
    counter_shop: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 30: after a purchase at the counter, F7 prints the customer's slip; without a printer it says how."""

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f7")
        await settle(pilot, app)
        assert "Nothing to print yet" in status(app)
        await pilot.press("f2", *"3,20", "enter")
        await settle(pilot, app)
        monkeypatch.delenv("LOYALTY_PRINTER", raising=False)
        await pilot.press("f7")
        await settle(pilot, app)
        assert "LOYALTY_PRINTER" in status(app)
        monkeypatch.setenv("LOYALTY_PRINTER", f"file:{tmp_path / 'slip.bin'}")
        await pilot.press("f7")
        await settle(pilot, app)
        assert "Printed the slip" in status(app), status(app)

    run_app(counter_shop, script)
    sent = (tmp_path / "slip.bin").read_bytes()
    assert b"Anna Berg" in sent and sent.endswith(b"\x1dV\x00")


def test_a_card_scanned_into_an_open_form_asks_first(counter_shop: Cli) -> None:
    """Issue 30: the purchase form is open, the scanner types a card and Enter into the amount: nothing is
    booked, the form says what happened and what to do."""
    card = counter_shop.json("member", "show", "M000002")["card"]
    before = query(counter_shop.db, "SELECT count(*) FROM receipt")[0][0]

    async def script(app: Any, pilot: Any) -> None:
        await find(pilot, app, "anna")
        await pilot.press("f2")
        await settle(pilot, app)
        burst(app, [*card, "enter"])
        await settle(pilot, app)
        assert "A member card was scanned" in form_line(app, "problem")

    run_app(counter_shop, script)
    assert query(counter_shop.db, "SELECT count(*) FROM receipt")[0][0] == before
