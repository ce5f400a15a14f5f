"""Column presets for real exports (`--format`), and the overrides `--map` / `--mapping`.

Columns are matched by name (columns.py: case, spaces and punctuation ignored), never by position: every
vendor has several generations of its files.  What each
preset reads, and what was inferred rather than seen, is in the README.
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field

from loyaltycli.domain.money import format_amount
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.importers.columns import match_columns

FIELDS = (
    "receipt",
    "date",
    "time",
    "timezone",
    "member",
    "name",
    "amount",
    "category",
    "sku",
    "quantity",
    "channel",
    "store",
    "refund_of",
    "unit_price",
    "till",  # the register's number, for --receipt-key till (DSFinV-K's Z_KASSE_ID)
    "closing",  # the daily closing's number, for --receipt-key closing (DSFinV-K's Z_NR)
)
REQUIRED = ("receipt", "date", "amount")  # `amount`, or `unit_price` (with `quantity`)


@dataclass(slots=True)
class Row:
    """One CSV record with its fields picked out (still text) and what the format made of it."""

    number: int
    cells: list[str]
    fields: dict[str, str]
    kind: str = "line"  # line | refund | skip
    skip_reason: str | None = None
    discount: str | None = None  # an order-level discount to add as a line of the receipt
    refund_amount: str | None = None  # an order-level refund (Shopify) that follows the purchase

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(frozen=True)
class Format:
    name: str
    columns: dict[str, tuple[str, ...]]
    adapt: Callable[[Row], None] = lambda row: None
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)


def generic_kind(refund_of: str | None) -> str:
    """A row of the generic format is a sale's line, or a refund when it names the receipt it refunds."""
    return "refund" if refund_of else "line"


def _generic(row: Row) -> None:
    row.kind = generic_kind(row.get("refund_of"))


SHOPIFY_CHANNELS = {
    "web": "online",
    "shopify_draft_order": "online",
    "pos": "store",
    "android": "online",
    "iphone": "online",
}


def _shopify(row: Row) -> None:
    if row.get("cancelled_at"):
        row.kind, row.skip_reason = "skip", "the order was cancelled"
        return
    if not row.get("member"):  # Email is there but empty in this row: the phone names the customer (per row)
        row.fields["member"] = row.get("order_phone") or row.get("billing_phone")
    price, qty = row.get("price"), row.get("quantity") or "1"
    if price:
        row.fields["amount"] = _times(price, qty, row.get("line_discount"))
    channel = row.get("channel").lower()
    row.fields["channel"] = SHOPIFY_CHANNELS.get(channel, channel)
    if row.get("discount_amount") not in ("", "0", "0.00"):
        row.discount = row.get("discount_amount")
    status = row.get("financial_status").lower()
    if status in ("refunded", "partially_refunded") and row.get("refunded_amount") not in ("", "0", "0.00"):
        row.refund_amount = row.get("refunded_amount")


def _times(price: str, qty: str, discount: str) -> str:
    """Shopify gives unit price and quantity; the line amount is their product less the line discount."""

    from loyaltycli.importers.values import parse_amount, parse_quantity

    amount = parse_amount(price, None) * parse_quantity(qty, None)
    if discount:
        amount -= abs(parse_amount(discount, None))
    return format_amount(amount)


def _square(row: Row) -> None:
    if row.get("category") == "None":
        row.fields["category"] = ""
    if row.get("event_type").lower() == "refund":
        row.kind = "refund"
        row.fields["refund_of"] = row.get("receipt")
        row.fields["receipt"] = f"{row.get('payment') or row.get('receipt')}~refund"
    net, tax = row.get("net_sales"), row.get("tax")
    if net:
        from loyaltycli.importers.values import ValueProblem, parse_amount

        try:
            total = parse_amount(net, None) + (parse_amount(tax, None) if tax else 0)
            row.fields["amount"] = format_amount(total)
        except ValueProblem:
            row.fields["amount"] = net


def _sumup(row: Row) -> None:
    kind = row.get("type").lower()
    description = row.get("description").upper()
    if "SCHICHTWECHSEL" in description or "SHIFT CHANGE" in description:
        row.kind, row.skip_reason = "skip", "a shift change, not a sale"
        return
    if kind in ("refund", "rückerstattung", "erstattung"):
        row.kind = "refund"
        row.fields["refund_of"] = row.get("refunded") or row.get("receipt")
        row.fields["receipt"] = f"{row.get('receipt')}~refund"
    elif row.get("refunded"):
        row.kind = "refund"
        row.fields["refund_of"] = row.get("refunded")
    if not row.get("member"):  # SumUp keeps no customer: merchants type the card or number into the description
        row.fields["member"] = member_in_text(row.get("description"))


_MEMBER_WORDS = {"kunde", "kundin", "kd", "kdnr", "kundennr", "kundennummer", "karte", "customer", "member", "card"}
_TOKENS = re.compile(r"[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*")


def member_in_text(text: str) -> str:
    """A member named in free text, or "": a card number (13 digits, its check digit right), an id as this
    tool gives them (`M000123`), or whatever follows a word such as `Kunde`, `Kd-Nr.` or `Customer`."""
    from loyaltycli.domain.cards import is_card_number

    tokens: list[str] = _TOKENS.findall(text)
    for token in tokens:
        if is_card_number(token) or re.fullmatch(r"M[0-9]{6,}", token):
            return token
    for word, following in zip(tokens, tokens[1:], strict=False):
        if word.replace("-", "").lower() in _MEMBER_WORDS and any(ch.isdigit() for ch in following):
            return following
    return ""


GENERIC = Format(
    "generic",
    {name: (name,) for name in FIELDS},
    _generic,
)

SHOPIFY = Format(
    "shopify",
    {
        "receipt": ("Name",),
        "date": ("Created at", "Paid at"),
        "member": ("Email", "Phone", "Billing Phone"),
        "name": ("Billing Name",),
        "amount": ("Lineitem price",),
        "sku": ("Lineitem sku",),
        "quantity": ("Lineitem quantity",),
        "category": ("Lineitem category", "Product Type", "Vendor"),
        "channel": ("Source",),
        "store": ("Location",),
    },
    _shopify,
    {
        "price": ("Lineitem price",),
        "line_discount": ("Lineitem discount",),
        "discount_amount": ("Discount Amount",),
        "financial_status": ("Financial Status",),
        "refunded_amount": ("Refunded Amount",),
        "cancelled_at": ("Cancelled at",),
        "order_phone": ("Phone",),
        "billing_phone": ("Billing Phone",),
    },
)

SQUARE = Format(
    "square",
    {
        "receipt": ("Transaction ID", "Payment ID"),
        "date": ("Date",),
        "time": ("Time",),
        "timezone": ("Time Zone",),
        "member": ("Customer Reference ID", "Customer ID"),
        "name": ("Customer Name",),
        "amount": ("Gross Sales", "Product Sales"),
        "category": ("Category",),
        "sku": ("SKU",),
        "quantity": ("Qty",),
        "channel": ("Channel",),
        "store": ("Location",),
    },
    _square,
    {"net_sales": ("Net Sales",), "tax": ("Tax",), "event_type": ("Event Type",), "payment": ("Payment ID",)},
)

SUMUP = Format(
    "sumup",
    {
        "receipt": ("Transaktionsnummer", "Transaction ID"),
        "date": ("Datum", "Date"),
        "time": ("Time", "Uhrzeit"),
        "amount": ("Preis (brutto)", "Price (Gross)"),
        "quantity": ("Menge", "Quantity"),
        "category": ("Kategorie", "Category"),
        "sku": ("Artikelnummer", "SKU"),
    },
    _sumup,
    {
        "type": ("Typ", "Type"),
        "description": ("Beschreibung", "Description"),
        "refunded": ("Transaction refunded", "Erstattete Transaktion"),
    },
)

# DSFinV-K (dsfinvk.py joins each item row of lines.csv with its receipt's header from transactions.csv).
DSFINVK_SALE = "beleg"  # BON_TYP of a sale; AVTraining, AVBelegabbruch, AVBelegstorno, AVSachbezug ... are not
DSFINVK_GOODS = {"", "umsatz", "rabatt", "aufschlag", "pfand", "pfandrueckzahlung"}
DSFINVK_GOODS |= {"einzweckgutscheinkauf", "mehrzweckgutscheinkauf"}
DSFINVK_CATEGORY = {
    "pfand": "deposit",
    "pfandrueckzahlung": "deposit",
    "einzweckgutscheinkauf": "gift-card",
    "mehrzweckgutscheinkauf": "gift-card",
}


def _german_number(text: str) -> str:
    """`1.234,56000` (DSFinV-K's decimal comma and `.` thousands) as `1234.56000`; a number without a comma
    is written with a decimal point (DSFinV-K always writes the decimals: 2 for amounts, 3 for quantities,
    5 for unit prices, so `2.50000` and `1.000` are 2.5 and 1)."""
    raw = text.strip()
    return raw.replace(".", "").replace(",", ".") if "," in raw else raw


def _dsfinvk(row: Row) -> None:
    kind = row.get("bon_typ")
    if not kind:
        from loyaltycli.importers.values import ValueProblem

        raise ValueProblem(_("receipt {receipt} is not in transactions.csv").format(receipt=row.get("receipt") or "?"))
    if kind.lower() != DSFINVK_SALE:
        row.kind, row.skip_reason = "skip", f"a receipt of type {kind}, not a sale"
        return
    business = row.get("gv_typ").lower()
    if business not in DSFINVK_GOODS:  # tips, cash moved in or out, vouchers taken as payment: not goods
        row.kind, row.skip_reason = "skip", f"a line of type {row.get('gv_typ')}, not goods"
        return
    row.fields["date"] = row.get("date") or row.get("start")
    row.fields["category"] = DSFINVK_CATEGORY.get(business) or row.get("category") or row.get("group_id")
    price, quantity = _german_number(row.get("unit_price")), _german_number(row.get("quantity") or "1")
    cancelled = "1" in (row.get("line_storno"), row.get("receipt_storno"))
    if cancelled and not (price.startswith("-") or quantity.startswith("-")):
        quantity = f"-{quantity}"  # a storno line or receipt takes goods back: a return
    row.fields["unit_price"], row.fields["quantity"] = price, quantity


DSFINVK = Format(
    "dsfinvk",
    {
        "receipt": ("BON_ID",),
        "date": ("BON_ENDE",),
        "member": ("KUNDE_ID",),
        "name": ("KUNDE_NAME",),
        "unit_price": ("STK_BR",),
        "quantity": ("MENGE",),
        "category": ("WARENGR",),
        "sku": ("ART_NR",),
        "till": ("Z_KASSE_ID",),
        "closing": ("Z_NR",),
    },
    _dsfinvk,
    {
        "bon_typ": ("BON_TYP",),
        "receipt_storno": ("BON_STORNO",),
        "line_storno": ("P_STORNO",),
        "gv_typ": ("GV_TYP",),
        "start": ("BON_START",),
        "group_id": ("WARENGR_ID",),
    },
)

FORMATS = {f.name: f for f in (GENERIC, SHOPIFY, SQUARE, SUMUP, DSFINVK)}


class ColumnMap:
    """Where each field is in this file's header (an index), and the format's row adapter."""

    def __init__(self, fmt: Format, index: dict[str, int]) -> None:
        self.fmt = fmt
        self.index = index
        self._names = tuple(index)
        self._pick = operator.itemgetter(*index.values())
        self.width = max(index.values()) + 1  # cells a row needs to have every mapped column
        self._plain = fmt.adapt is _generic
        # The fields a row is handed on with, in this order: a preset's adapter may fill in any field.
        self.names = self._names if self._plain else FIELDS

    def picker(self) -> Callable[[list[str]], tuple[str, ...]] | None:
        """For a generic file: picks a complete row's cells in `names` order (a row shorter than the header,
        and every row of a preset, goes through `row`)."""
        if not self._plain:
            return None
        if len(self.index) == 1:
            only = next(iter(self.index.values()))
            return lambda cells: (cells[only],)
        return self._pick

    def named(self, row: Row) -> tuple[str | None, ...]:
        """A row's fields in `names` order; None for a field the file and the preset do not have."""
        fields = row.fields
        return tuple([fields.get(name) for name in self.names])

    def row(self, number: int, cells: list[str]) -> Row:
        if len(cells) >= self.width:
            picked = self._pick(cells)
            values = picked if isinstance(picked, tuple) else (picked,)
            fields = dict(zip(self._names, map(str.strip, values), strict=True))
        else:
            fields = {n: cells[i].strip() if i < len(cells) else "" for n, i in self.index.items()}
        row = Row(number, cells, fields)
        if not self._plain or fields.get("refund_of"):
            self.fmt.adapt(row)
        return row


def column_map(fmt_name: str, header: list[str], overrides: dict[str, str], path: str) -> ColumnMap:
    """Match the format's columns (and the overrides) against the header; missing required fields: exit 2."""
    fmt = FORMATS.get(fmt_name.lower())
    if fmt is None:
        raise BadInputError(
            _("--format: {fmt_name!r} is not one of {formats}.").format(fmt_name=fmt_name, formats=", ".join(FORMATS))
        )
    index = match_columns({**fmt.columns, **fmt.extra}, header, overrides, path)
    missing = [name for name in REQUIRED if name not in index and not (name == "amount" and "unit_price" in index)]
    if missing:
        wanted = ", ".join(f"{m} ({' or '.join(fmt.columns.get(m, (m,)))})" for m in missing)
        raise BadInputError(
            _(
                "{path}: the header row has no column for {wanted}; is the header missing, or is this not a {name} export? (--format, --map FIELD=COLUMN)"
            ).format(path=path, wanted=wanted, name=fmt.name)
        )
    return ColumnMap(fmt, index)


RECEIPT_KEY_PARTS = ("day", "store", "till", "closing")


def parse_receipt_key(text: str | None) -> tuple[str, ...]:
    """`--receipt-key day`, `till+closing`, ...: what makes a receipt number unique besides the number itself,
    for tills that number receipts per day or per closing."""
    if not text or text.strip().lower() in ("", "id", "receipt"):
        return ()
    parts = tuple(part.strip().lower() for part in text.split("+"))
    unknown = [part for part in parts if part not in RECEIPT_KEY_PARTS]
    if unknown or len(set(parts)) != len(parts):
        raise BadInputError(
            _("--receipt-key: {text!r} is not a '+'-joined choice of {parts}.").format(
                text=text, parts=", ".join(RECEIPT_KEY_PARTS)
            )
        )
    return parts


def check_receipt_key(parts: tuple[str, ...], columns: ColumnMap, path: str) -> None:
    """Every part of the receipt key but the day needs its column in the file."""
    for part in parts:
        if part != "day" and part not in columns.names and part not in columns.index:
            raise BadInputError(
                _(
                    "{path}: --receipt-key {part}: the file has no {part} column; name it with --map {part}=COLUMN."
                ).format(path=path, part=part)
            )


def parse_overrides(maps: list[str], mapping_file: str | None, fields: tuple[str, ...] = FIELDS) -> dict[str, str]:
    """`--map FIELD=COLUMN` pairs and a `--mapping FILE.toml` of `field = "Column"` lines."""
    result: dict[str, str] = {}
    if mapping_file:
        from loyaltycli.importers.files import read_text

        try:
            data = tomllib.loads(read_text(mapping_file, "mapping file"))
        except tomllib.TOMLDecodeError as exc:
            raise BadInputError(
                _("{mapping_file}: invalid TOML ({exc}).").format(mapping_file=mapping_file, exc=exc)
            ) from None
        table = data.get("columns", data)
        for name, column in table.items():
            if not isinstance(column, str):
                raise BadInputError(
                    _("{mapping_file}: {name} must name a column as a string.").format(
                        mapping_file=mapping_file, name=name
                    )
                )
            result[_field(name, mapping_file, fields)] = column
    for item in maps:
        name, sep, column = item.partition("=")
        if not sep or not column.strip():
            raise BadInputError(_("--map: {item!r} is not FIELD=COLUMN.").format(item=item))
        result[_field(name.strip(), "--map", fields)] = column.strip()
    return result


def _field(name: str, where: str, fields: tuple[str, ...] = FIELDS) -> str:
    if name.lower() not in fields:
        raise BadInputError(
            _("{where}: {name!r} is not a field (fields: {fields}).").format(
                where=where, name=name, fields=", ".join(fields)
            )
        )
    return name.lower()
