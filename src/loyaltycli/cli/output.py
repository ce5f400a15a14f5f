"""Rendering: one JSON document, Rich tables, CSV rows on stdout; messages on stderr."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from loyaltycli.domain.cells import FORMULA_STARTS, neutralise, visible
from loyaltycli.i18n import N_, _
from loyaltycli.i18n import cell as as_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, default=_default, ensure_ascii=False, indent=2) + "\n")


_CONSOLE: Console | None = None


def console() -> Console:
    global _CONSOLE
    if _CONSOLE is None:
        from rich.console import Console

        class PipedConsole(Console):
            def on_broken_pipe(self) -> None:
                """The reader went away (`| head -1`): Rich would exit 1; the command ends quietly with 0
                (SPEC §1), as every other write into a closed pipe does (cli/errors.py)."""
                self.quiet = True
                raise BrokenPipeError()

        _CONSOLE = PipedConsole(highlight=False, soft_wrap=False, emoji=False)
    return _CONSOLE


def message(text: str) -> None:
    """A note for the person at the terminal (stderr, so stdout stays clean for scripts); control characters
    of names or cells it quotes are written out, never obeyed."""
    sys.stderr.write(visible(text.rstrip()) + "\n")


def error(text: str) -> None:
    sys.stderr.write(visible(_("error: {message}").format(message=text.rstrip())) + "\n")


def plain(text: str) -> Text:
    """Text for a Rich table or title, shown as it is: `[bold]` in a customer's name is not markup, and
    control characters are written out."""
    from rich.text import Text

    return Text(visible(text))


def table(
    title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], optional: Sequence[str] = ()
) -> Table:
    """A table that fits the terminal: the `optional` columns are left out, last first, while it is too
    wide, and values (ids, e-mails, phones, dates) are never broken across lines; only `Name` and free
    text may wrap."""
    cells = [[as_text(cell) for cell in row] for row in rows]
    shown = list(columns)
    result = _table(title, columns, shown, cells)
    for column in reversed(optional):
        if _natural_width(result) <= console().width:
            break
        shown.remove(column)
        result = _table(title, columns, shown, cells)
    # Measuring the layout costs as much as drawing it: a list of thousands keeps Rich's own layout.
    if len(cells) <= 1000 and _fits(columns, shown, cells) and _rendered_width(result) <= console().width:
        return result
    return _table(title, columns, shown, cells, room_for_words=False)


def _rendered_width(table: Table) -> int:
    """How wide Rich lays the table out at the terminal's width: more than the terminal when the columns'
    minimum widths push it out, and then Rich crops it (Rich has no public call for this)."""
    widths = table._calculate_column_widths(console(), console().options)
    return sum(widths) + table._extra_width


def _fits(columns: Sequence[str], shown: list[str], cells: list[list[str]]) -> bool:
    """Whether every value keeps its whole width and free text its room for a word (borders and padding
    included): only then are the wrapping columns given that room, else Rich would crop the table."""
    wrapping = {_(name) for name in WRAPPING}
    need = 1
    for column in shown:
        index = columns.index(column)
        values = [row[index] for row in cells]
        if column in wrapping:
            width = max(len(column), min(max((len(w) for v in values for w in v.split()), default=0), 14))
        else:
            width = max([len(column), *(len(line) for v in values for line in v.splitlines())])
        need += width + 3
    return need <= console().width


def _natural_width(renderable: Any) -> int:
    """How wide `renderable` would like to be, not capped at the terminal's width."""
    from rich.measure import Measurement

    wide = console().options.update(width=10_000)
    return Measurement.get(console(), wide, renderable).maximum


# Columns of free text, which may wrap (their headings as the catalogue has them); every other value is kept whole.
WRAPPING = (N_("Name"), N_("Note"), N_("Reason"), N_("Detail"), N_("When"), N_("Description"), N_("Rule"))
_NUMBER = re.compile(r"^[-+]?\d[\d.,]*(?:[\s\xa0]?(?:%|€|[A-Z]{3}))?$|^-?[€$£][\d.,]+$")
_DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}")


def _table(
    title: str | None, columns: Sequence[str], shown: list[str], cells: list[list[str]], room_for_words: bool = True
) -> Table:
    from rich.table import Table

    keep = [columns.index(c) for c in shown]
    result = Table(title=plain(title) if title else None, title_justify="left", show_edge=True)
    wrapping = {_(name) for name in WRAPPING}
    for column, index in zip(shown, keep, strict=True):
        values = [row[index] for row in cells if row[index]]
        numeric = bool(values) and all(_NUMBER.match(v) and not _DATE.match(v) for v in values)  # either language
        wraps = column in wrapping
        # Free text wraps but keeps room for a word; every other value keeps its whole width.
        longest = max((len(word) for v in values for word in v.split()), default=0)
        result.add_column(
            column,
            justify="right" if numeric else "left",
            overflow="fold",
            no_wrap=not wraps,
            min_width=min(longest, 14) if wraps and room_for_words else None,
        )
    for row in cells:
        result.add_row(*(plain(row[i]) for i in keep))
    return result


def show(renderable: Any) -> None:
    console().print(renderable)


def key_values(title: str, pairs: Sequence[tuple[str, Any]]) -> None:
    from rich.table import Table

    grid = Table(title=plain(title), title_justify="left", show_header=False, box=None, padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in pairs:
        grid.add_row(plain(key), plain(as_text(value)))
    show(grid)


def stamp_progress(card: str, stamps: int, size: int) -> str:
    """`coffee-card: 7 of 9 stamps`."""
    return _("{card}: {stamps} of {size} stamps").format(card=card, stamps=stamps, size=size)


def open_vouchers_table(vouchers: Sequence[Any]) -> None:
    """The vouchers a member can still use: code, reward, valid until, partner (where the reward has one)."""
    if not vouchers:
        return
    partners = any(v.partner for v in vouchers)
    show(
        table(
            _("Open vouchers"),
            [_("Code"), _("Reward"), _("Valid until"), *([_("Partner")] if partners else [])],
            [(v.code, v.reward_name or v.reward, v.valid_until, *([v.partner] if partners else [])) for v in vouchers],
        )
    )


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet will not run as a formula; numbers stay numbers."""
    return neutralise(value)


def emit_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    starts = FORMULA_STARTS
    for row in rows:
        # The guard only looks at text that begins like a formula (cheap for 100,000 rows).
        writer.writerow(
            [
                "" if cell is None else neutralise(cell) if type(cell) is str and cell[:1] in starts else cell
                for cell in row
            ]
        )


def write_file(path: str, text: str, option: str) -> None:
    """Write an output file the user named; a folder that does not exist is their mistake (exit 2)."""
    import os

    from loyaltycli.errors import BadInputError

    try:
        # Readable by its owner only, like the database: statements and reports name customers.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise BadInputError(
            _("{option} {path}: cannot be written ({strerror}).").format(
                option=option, path=path, strerror=exc.strerror
            )
        ) from None
    message(_("Wrote {path}.").format(path=path))


class RejectPrinter:
    """The first rejected rows of an import on stderr, then how many more there were (a file of
    thousands of bad rows must not flood the terminal; `--rejects` keeps them all)."""

    LIMIT = 20

    def __init__(self, path: str, rejects_path: str | None) -> None:
        self.path = path
        self.rejects_path = rejects_path
        self.count = 0

    def show(self, row: int, reason: str, receipt: str | None = None) -> None:
        self.count += 1
        if self.count <= self.LIMIT:
            where = _("row {row}").format(row=row) + (
                _(" (receipt {receipt})").format(receipt=receipt or "?") if receipt is not None else ""
            )
            message(f"{self.path}: {where}: {reason}")

    def finish(self) -> None:
        if self.count > self.LIMIT:
            kept = _(" (all in {path})").format(path=self.rejects_path) if self.rejects_path else ""
            message(_("... and {value} more rejected rows{kept}").format(value=self.count - self.LIMIT, kept=kept))
