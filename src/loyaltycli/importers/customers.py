"""Customer lists as shops keep them (SPEC §4a): which column is which field, and the cells' values.

Pure reading, no database. `services/customer_import.py` books what this reads.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from loyaltycli.domain.contacts import control_problem
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.importers.columns import match_columns
from loyaltycli.importers.values import ValueProblem, parse_amount, parse_when

_UTC = ZoneInfo("UTC")
CUSTOMER_FIELDS = (
    "name",
    "first_name",
    "last_name",
    "id",
    "email",
    "phone",
    "birthday",
    "marketing",
    "enrolled",
    "points",
    "points_date",
    "expires",
    "spend",
    "referred_by",
)

# Header names as shops write them, English and German (a spreadsheet of the customer card box).
GENERIC = {
    "name": ("name", "Name", "Kunde", "Kundenname", "Full Name"),
    "first_name": ("first_name", "First Name", "Vorname"),
    "last_name": ("last_name", "Last Name", "Nachname", "Familienname"),
    "id": ("id", "Kundennummer", "Customer ID", "Kunden-Nr.", "Kundennr", "Kd-Nr", "Kundenkarte", "Member ID"),
    "email": ("email", "E-Mail", "Email", "E-Mail-Adresse", "Mail"),
    "phone": (
        "phone",
        "Telefon",
        "Tel",
        "Handy",
        "Mobil",
        "Telefonnummer",
        "Handynummer",
        "Mobilnummer",
        "Phone Number",
    ),
    "birthday": ("birthday", "Geburtstag", "Geburtsdatum", "Birth Date", "Date of Birth"),
    "marketing": ("marketing", "Newsletter", "Werbung", "Accepts Marketing", "Accepts Email Marketing"),
    "enrolled": ("enrolled", "Kunde seit", "Mitglied seit", "Customer Since", "Created At"),
    "points": ("points", "Punkte", "Punktestand", "Balance"),
    "points_date": ("points_date", "Punkte vom", "Points Date"),
    "expires": ("expires", "Punkte gültig bis", "Verfall", "Expires"),
    "spend": ("spend", "Umsatz", "Total Spent"),
    "referred_by": ("referred_by", "Geworben von", "Referred By"),
}
# Shopify's customers export: First Name, Last Name, Email, Phone, Accepts Email Marketing, Total Spent.
SHOPIFY = {
    **GENERIC,
    "id": ("Customer ID",),
    "phone": ("Phone", "Default Address Phone"),
    "marketing": ("Accepts Email Marketing", "Accepts Marketing"),
}
PRESETS = {"generic": GENERIC, "shopify": SHOPIFY}

_WHOLE = re.compile(r"[0-9]{1,3}(?:([.,' ])[0-9]{3})(?:\1[0-9]{3})*|[0-9]+")
YES = {"yes", "ja", "true", "1", "x", "y", "j", "wahr"}
NO = {"no", "nein", "false", "0", "", "n", "falsch"}


def customer_columns(fmt: str, header: list[str], overrides: dict[str, str], path: str) -> dict[str, int]:
    """Field -> column index; a name (or first and last name) is required."""
    preset = PRESETS.get(fmt.lower())
    if preset is None:
        raise BadInputError(_("--format: {fmt!r} is not one of {presets}.").format(fmt=fmt, presets=", ".join(PRESETS)))
    index = match_columns(preset, header, overrides, path)
    if "name" not in index and "first_name" not in index and "last_name" not in index:
        raise BadInputError(
            _(
                "{path}: the header row has no column for the name (name, Name, First Name/Last Name, Vorname/Nachname); is the header missing? (--map name=COLUMN)"
            ).format(path=path)
        )
    return index


def unread_columns(header: list[str], index: dict[str, int]) -> list[str]:
    """The columns of the file that no field reads (`Straße`, `PLZ`, `Ort`): said, never dropped silently."""
    used = set(index.values())
    return [h.strip() for i, h in enumerate(header) if i not in used and h.strip()]


@dataclass(frozen=True)
class Customer:
    """One row of a customer list, read and checked (contacts are validated by the enrolment path)."""

    row: int
    name: str
    member_id: str | None
    email: str | None
    phone: str | None
    birthday: dt.date | None
    marketing: bool
    enrolled: dt.date | None
    points: int
    points_date: dt.date | None
    expires: dt.date | None
    spend: Decimal
    referred_by: str | None


def read_customer(
    number: int, cells: list[str], index: dict[str, int], order: str, decimal_comma: bool | None
) -> Customer:
    """A `Customer`, or ValueProblem naming the field that cannot be read."""

    def get(name: str) -> str:
        i = index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    name = " ".join(get("name").split()) or " ".join(f"{get('first_name')} {get('last_name')}".split())
    if not name:
        raise ValueProblem(_("the name is empty"))
    problem = control_problem(name, _("the name"))
    if problem is not None:
        raise ValueProblem(problem)
    return Customer(
        row=number,
        name=name,
        member_id=get("id") or None,
        email=get("email") or None,
        phone=get("phone") or None,
        birthday=_day(get("birthday"), "birthday", order),
        marketing=_yes_no(get("marketing")),
        enrolled=_day(get("enrolled"), "enrolled", order),
        points=_points(get("points")),
        points_date=_day(get("points_date"), "points_date", order),
        expires=_day(get("expires"), "expires", order),
        spend=_spend(get("spend"), decimal_comma),
        referred_by=get("referred_by") or None,
    )


def _day(text: str, field: str, order: str) -> dt.date | None:
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # ISO, as most lists write it: the quick way
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # the general reader says what is wrong with it
    try:
        return _written_day(text, order)
    except ValueProblem:
        raise ValueProblem(_("{field} {text!r} is not a date").format(field=field, text=text)) from None


@functools.lru_cache(maxsize=65536)
def _written_day(text: str, order: str) -> dt.date:
    """A date in any written form (remembered: a list of 100,000 customers has a few thousand dates)."""
    return parse_when(text, _UTC, None, order).date()


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueProblem(
        _("marketing {text!r} is not yes or no (yes/no, ja/nein, true/false, 1/0, x or empty)").format(text=text)
    )


def _points(text: str) -> int:
    if not text:
        return 0
    if not _WHOLE.fullmatch(text.strip()):
        raise ValueProblem(_("points {text!r} is not a whole number of points of 0 or more").format(text=text))
    points = int(re.sub(r"[.,' ]", "", text.strip()))
    if points > 10_000_000:
        raise ValueProblem(_("points {text!r} is more than 10,000,000").format(text=text))
    return points


def _spend(text: str, decimal_comma: bool | None) -> Decimal:
    if not text:
        return Decimal(0)
    value = parse_amount(text, decimal_comma, what="spend")
    if value < 0:
        raise ValueProblem(_("spend {text!r} is negative").format(text=text))
    return value
