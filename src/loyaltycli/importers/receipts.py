"""A sales file read into receipts: rows grouped by receipt id and their cells read into values.

Pure apart from reading the file: no database, no clock (`today` is given).  The
import books what this yields; a receipt that cannot be read carries the row and
the reason that rejects it.  Every row, from any preset, is read by the same code:
a preset's adapter works on a `Row`, and its fields are then handed on as a
tuple in `ColumnMap.names` order, as a plain file's cells are.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from loyaltycli.domain.cells import has_control
from loyaltycli.domain.dates import implausible, local_date
from loyaltycli.domain.receipts import Line
from loyaltycli.i18n import _
from loyaltycli.importers.csvfile import SalesFile, UnreadableRow, rows
from loyaltycli.importers.formats import ColumnMap, generic_kind
from loyaltycli.importers.values import (
    ONE,
    ValueProblem,
    line_amount,
    parse_amount,
    parse_quantity,
    parse_unit_price,
    parse_when,
    zone_for,
)


class Record(NamedTuple):
    """A row of the file as it was read: its number (the header is row 1) and its cells (for the rejects file)."""

    number: int
    cells: list[str]


# A named tuple's own constructor is a Python function; building the tuple directly is a third of the cost,
# which counts once per row of a file.
_record = functools.partial(tuple.__new__, Record)
_line = functools.partial(tuple.__new__, Line)


@dataclass(slots=True)
class Draft:
    """One receipt of the file: its rows read into lines, or the problem that rejects it."""

    receipt_id: str
    records: list[Record]
    kinds: set[str]
    kind: str = "purchase"  # or "refund"
    when: dt.datetime | None = None
    date_text: str = ""
    member_ref: str = ""
    name: str = ""
    lines: list[Line] = field(default_factory=list)
    channel: str | None = None
    store: str | None = None
    refund_of: str = ""
    refund_amount: Decimal | None = None
    problem: tuple[int, str] | None = None  # the row number that rejects the receipt, and why
    key_values: tuple[str | None, ...] | None = None  # its first row's fields, while `--receipt-key` needs them

    def reject(self, reason: str, number: int | None = None) -> None:
        """Reject the receipt because of row `number` (its first row when not given)."""
        self.problem = (self.records[0].number if number is None else number, reason)


@dataclass(frozen=True)
class ReadSettings:
    zone: ZoneInfo  # the programme's: a date without an offset is a time there
    today: dt.date  # the shop's today: a receipt after it is refused
    date_order: str = "dmy"
    decimal_comma: bool | None = None
    receipt_key: tuple[str, ...] = ()  # parts besides the number that make a receipt's id (`--receipt-key`)


@dataclass
class ReadCounts:
    rows: int = 0
    skipped: int = 0


class _Extras(NamedTuple):
    """What a preset's adapter said about a row beyond its fields."""

    discount: str | None
    refund_amount: str | None
    problem: str | None


_PLAIN = _Extras(None, None, None)


class ReceiptReader:
    """Streams a sales file as batches of receipts, a receipt's rows grouped wherever they stand nearby."""

    def __init__(self, sales: SalesFile, columns: ColumnMap, settings: ReadSettings) -> None:
        self.sales = sales
        self.columns = columns
        self.settings = settings
        self.counts = ReadCounts()
        at = {name: i for i, name in enumerate(columns.names)}
        self._at = at
        self._receipt = at["receipt"]
        self._amount = at.get("amount")
        self._quantity = at.get("quantity")
        self._category = at.get("category")
        self._sku = at.get("sku")
        self._refund_of = at.get("refund_of")
        self._date = at.get("date")
        self._member, self._name = at.get("member"), at.get("name")
        self._channel, self._store = at.get("channel"), at.get("store")
        self._timezone, self._time = at.get("timezone"), at.get("time")
        self._key_at = tuple(at[part] for part in settings.receipt_key if part in at)
        self._by_day = "day" in settings.receipt_key
        self._seen: set[str] = set()

    def batches(self, size: int) -> Iterator[list[Draft]]:
        """Receipts in batches of `size`, in the order their first rows stand in the file.

        A receipt's rows need not be adjacent: a row joins its receipt while that receipt is in the batch being
        read or in the one before it, which is held back until the next one is full. Memory holds two batches,
        whatever the file's length; a receipt id that comes back later still is the database's to recognise
        (booked by this run: those rows are rejected)."""
        held: dict[str, Draft] | None = None
        current: dict[str, Draft] = {}
        last_id, last = "", None
        for receipt_id, number, cells, kind, values, extras in self._rows():
            if receipt_id and receipt_id == last_id:  # the common case: the next row of the same receipt
                draft: Draft | None = last
            elif receipt_id:
                draft = current.get(receipt_id) or (held.get(receipt_id) if held is not None else None)
            else:
                draft = None
            if draft is None:
                if len(current) >= size:
                    if held is not None:
                        yield self._finish(held)
                    held, current = current, {}
                draft = Draft(receipt_id, [], set())
                current[receipt_id or f"\x00{number}"] = draft  # a row without an id is a receipt of its own
            draft.records.append(_record((number, cells)))
            self._take(draft, number, kind, values, extras)
            last_id, last = receipt_id, draft
        if held is not None:
            yield self._finish(held)
        if current:
            yield self._finish(current)

    def _take(self, draft: Draft, number: int, kind: str, values: tuple[str | None, ...], extras: _Extras) -> None:
        """Read one row into its receipt as it comes (nothing of it is kept but the line); the first row that
        cannot be read rejects the whole receipt."""
        if draft.problem is not None:
            return
        first = not draft.kinds
        draft.kinds.add(kind)
        try:
            if kind == "bad":
                raise ValueProblem(extras.problem or "unreadable row")
            if first:
                draft.kind = "refund" if kind == "refund" else "purchase"
                if self.settings.receipt_key:
                    draft.key_values = values
            elif (kind == "refund") != (draft.kind == "refund"):
                draft.reject(_("a receipt cannot mix sales and refunds"))  # said at its first row
                return
            self._read_row(draft, values, extras)
        except ValueProblem as exc:
            draft.reject(str(exc), number)

    def _finish(self, group: dict[str, Draft]) -> list[Draft]:
        """A batch's receipts, complete: their ids checked (and made under `--receipt-key`)."""
        self._seen = set()
        for draft in group.values():
            self._close(draft)
        return list(group.values())

    def _rows(self) -> Iterator[tuple[str, int, list[str], str, tuple[str | None, ...], _Extras]]:
        """Every row but the skipped ones: (receipt id, or its grouping key under `--receipt-key`), row number,
        cells, kind, fields in `names` order, and what a preset's adapter said."""
        counts, receipt_at, refund_at = self.counts, self._receipt, self._refund_of
        pick, width, strip = self.columns.picker(), self.columns.width, str.strip
        group = self._group if self.settings.receipt_key else None
        for number, cells in rows(self.sales):
            counts.rows += 1
            if pick is not None and len(cells) >= width:  # a generic file's complete row: the quick way
                values: tuple[str | None, ...] = tuple(map(strip, pick(cells)))
                kind, extras = generic_kind(values[refund_at] if refund_at is not None else None), _PLAIN
            else:
                kind, values, extras = self._values(number, cells)
            if kind == "skip":
                counts.skipped += 1
                continue
            receipt_id = values[receipt_at] or ""
            if group is not None and receipt_id:
                receipt_id = group(receipt_id, values)
            yield receipt_id, number, cells, kind, values, extras

    def _group(self, number: str, values: tuple[str | None, ...]) -> str:
        """Rows belong to one receipt when their number and the receipt key's cells agree (for the day: the
        date as written, up to its time); `_keyed` then makes the stored id of them."""
        cells = [values[at] or "" for at in self._key_at]
        if self._by_day and self._date is not None:
            cells.append(re.split(r"[ T,]", (values[self._date] or "").strip(), maxsplit=1)[0])
        return "\x1f".join([number, *cells])

    def _keyed(self, draft: Draft, values: tuple[str | None, ...]) -> str:
        """The receipt's id under `--receipt-key`: its parts (the local day ISO-written) and the number, joined
        by '/': `2026-12-01/17`, `2/1093/17` for till 2, closing 1093."""
        number = draft.receipt_id.split("\x1f", 1)[0]
        parts: list[str] = []
        for part in self.settings.receipt_key:
            if part == "day":
                assert draft.when is not None
                parts.append(local_date(draft.when, self.settings.zone).isoformat())
                continue
            value = (self._get(values, part) or "").strip()
            if not value:
                raise ValueProblem(_("the receipt key needs the {part}, which is empty").format(part=part))
            parts.append(value)
        return "/".join([*parts, number])

    def _values(self, number: int, cells: list[str]) -> tuple[str, tuple[str | None, ...], _Extras]:
        """(kind, the fields in `names` order, extras) of one record; kind is line, refund, skip or bad."""
        try:
            if isinstance(cells, UnreadableRow):
                raise ValueProblem(cells.problem)
            row = self.columns.row(number, cells)
        except ValueProblem as exc:
            return "bad", ("",) * len(self.columns.names), _Extras(None, None, str(exc))
        return row.kind, self.columns.named(row), _Extras(row.discount, row.refund_amount, row.skip_reason)

    def _close(self, draft: Draft) -> None:
        """The checks that need the whole receipt: an id, and the id it is stored under."""
        try:
            if draft.problem is not None:  # its own reason first (a row that cannot be read has no id either)
                return
            if not draft.receipt_id:
                raise ValueProblem(_("the row has no receipt id"))
            if self.settings.receipt_key and draft.key_values is not None:
                draft.receipt_id = self._keyed(draft, draft.key_values)
            if draft.receipt_id in self._seen:
                raise ValueProblem(
                    _("receipt {receipt_id} appears twice in the file, written two ways").format(
                        receipt_id=draft.receipt_id
                    )
                )
        except ValueProblem as exc:
            draft.reject(str(exc))
        finally:
            if "\x1f" in draft.receipt_id:
                draft.receipt_id = draft.receipt_id.split("\x1f", 1)[0]
            draft.key_values = None
            self._seen.add(draft.receipt_id)

    def _get(self, values: tuple[str | None, ...], name: str) -> str | None:
        """A field's text, or None when the file has no such column."""
        at = self._at.get(name)
        return None if at is None else values[at]

    def _read_row(self, draft: Draft, values: tuple[str | None, ...], extras: _Extras) -> None:
        get, settings = self._get, self.settings
        date = (values[self._date] if self._date is not None else None) or ""
        if draft.when is None:
            self._read_date(draft, values, date)
        elif date and date != draft.date_text:
            self._when(values, date)  # a later row of the receipt with another date: it must at least be a date
        if not draft.member_ref:
            draft.member_ref = (values[self._member] if self._member is not None else None) or ""
            draft.name = (values[self._name] if self._name is not None else None) or ""
            if has_control(draft.member_ref) or has_control(draft.name):
                raise ValueProblem(_("the member or name holds a control character (such as ESC)"))
            draft.channel = (values[self._channel] if self._channel is not None else None) or None
            draft.store = (values[self._store] if self._store is not None else None) or None
        amount_text = values[self._amount] if self._amount is not None else None
        unit_price = get(values, "unit_price") if amount_text is None else None
        if unit_price is not None:  # quantity x unit price (ERP and web-shop exports)
            quantity = parse_quantity(get(values, "quantity"), settings.decimal_comma, signed=True)
            amount = line_amount(parse_unit_price(unit_price, settings.decimal_comma), quantity)
        else:
            amount = parse_amount(amount_text or "", settings.decimal_comma)
        if draft.kind == "refund":
            draft.refund_of = draft.refund_of or get(values, "refund_of") or ""
            draft.refund_amount = (draft.refund_amount or Decimal(0)) + abs(amount)
            return
        quantity_text = values[self._quantity] if self._quantity is not None else None
        quantity = ONE if not quantity_text else parse_quantity(quantity_text, settings.decimal_comma)
        category = values[self._category] if self._category is not None else None
        sku = values[self._sku] if self._sku is not None else None
        draft.lines.append(_line((amount, category or "", sku or None, quantity)))
        if extras.discount:
            draft.lines.append(Line(-abs(parse_amount(extras.discount, settings.decimal_comma)), ""))
        if extras.refund_amount:
            draft.refund_amount = abs(parse_amount(extras.refund_amount, settings.decimal_comma))

    def _read_date(self, draft: Draft, values: tuple[str | None, ...], date: str) -> None:
        """The receipt's instant, from its first row: a date, and not one that cannot be meant."""
        if not date:
            raise ValueProblem(_("the date is empty"))
        draft.when = self._when(values, date)
        draft.date_text = date
        why = implausible(local_date(draft.when, self.settings.zone), self.settings.today)
        if why is not None:
            raise ValueProblem(_("date {date!r}: {why}").format(date=date, why=why))

    def _when(self, values: tuple[str | None, ...], date: str) -> dt.datetime:
        zone_name = values[self._timezone] if self._timezone is not None else None
        zone = zone_for(zone_name, self.settings.zone) if zone_name else self.settings.zone
        time = values[self._time] if self._time is not None else None
        return parse_when(date, zone, time or None, self.settings.date_order)
