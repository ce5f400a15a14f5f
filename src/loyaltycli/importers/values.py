"""Money, dates and quantities as real exports write them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from loyaltycli.domain.money import amount_limit_problem, quantity_limit_problem
from loyaltycli.i18n import N_, _

CENT = Decimal("0.01")
# What may stand around the digits in a real export: a currency sign or code, a sign, parentheses.
_CURRENCY = re.compile(r"^(?:[$€£¥]|[A-Z]{3}|CHF|Fr\.)\s*|\s*(?:[$€£¥]|[A-Z]{3}|CHF|Fr\.)$")
# Digits with at most one decimal separator and optional thousands separators, ASCII digits only.
_DIGITS = re.compile(
    r"^(?:[0-9]{1,3}(?:([.,'’  ])[0-9]{3})(?:\1[0-9]{3})*(?:[.,][0-9]+)?|[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)$"
)
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


class ValueProblem(ValueError):
    """A cell that cannot be read; the message is the reject reason."""


_SIMPLE = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
# Plain amounts read before (`12.50` -> Decimal): a shop's file repeats its prices thousands of times.
_PLAIN_AMOUNTS: dict[str, Decimal] = {}


def parse_amount(text: str, decimal_comma: bool | None, places: int = 2, what: str = N_("amount")) -> Decimal:
    """`12.50`, `12,50`, `1.234,56`, `$1,149.00`, `($33.62)`, `-4.00 EUR` -> Decimal with two places.

    `decimal_comma`: True reads `1.234,56`; None decides per value (the last of
    `.` and `,` is the decimal mark; a lone `,` with 1-2 digits after it too).
    """
    known = _PLAIN_AMOUNTS.get(text)
    if known is not None and places == 2:
        return known
    if places == 2 and _SIMPLE.fullmatch(text):  # the common case: 12.50
        value = Decimal(text)
        problem = amount_limit_problem(value)  # the one limit, for every length of text
        if problem is not None:
            raise ValueProblem(f"{_(what)} {problem}")
        if len(_PLAIN_AMOUNTS) >= 100_000:
            _PLAIN_AMOUNTS.clear()
        _PLAIN_AMOUNTS[text] = value
        return value
    raw = text.strip()
    if not raw:
        raise ValueProblem(_("the {what} is empty").format(what=_(what)))
    cleaned, negative = _unwrap(raw)
    if not _DIGITS.fullmatch(cleaned):
        raise ValueProblem(_("{what} {text!r} is not a plain decimal number").format(what=_(what), text=text))
    cleaned = re.sub(r"['’  ]", "", cleaned)
    number = _normalise(cleaned, decimal_comma)
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueProblem(_("{what} {text!r} is not a number").format(what=_(what), text=text)) from None
    step = Decimal(1).scaleb(-places)
    if value != value.quantize(step):
        raise ValueProblem(
            _("{what} {text!r} has more than {places} decimals").format(what=_(what), text=text, places=places)
        )
    problem = amount_limit_problem(value)
    if problem is not None:
        raise ValueProblem(f"{_(what)} {problem}")
    return -value.quantize(step) if negative else value.quantize(step)


def parse_unit_price(text: str, decimal_comma: bool | None) -> Decimal:
    """A unit price (`UnitPrice` of ERP and web-shop exports): like an amount, with up to four decimals."""
    return parse_amount(text, decimal_comma, places=4, what=N_("unit price"))


def line_amount(unit_price: Decimal, quantity: Decimal) -> Decimal:
    """quantity x unit price, rounded half up to cents, within the limits (a negative quantity is a return)."""
    amount = (unit_price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    problem = amount_limit_problem(amount)
    if problem is not None:
        raise ValueProblem(_("the line amount {problem}").format(problem=problem))
    return amount


def _unwrap(raw: str) -> tuple[str, bool]:
    """The digits of an amount and whether it is negative: `($33.62)`, `-4.00 EUR`, `€ -4,00`, `4.00-`."""
    negative = signed = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    for _attempt in range(2):  # one sign and a currency, in either order
        raw = _CURRENCY.sub("", raw).strip()
        if signed or not raw:
            continue
        if raw[0] in "+-":
            signed, negative, raw = True, negative != (raw[0] == "-"), raw[1:].strip()
        elif raw.endswith("-"):
            signed, negative, raw = True, not negative, raw[:-1].strip()
    return raw, negative


def _normalise(cleaned: str, decimal_comma: bool | None) -> str:
    if decimal_comma:
        return cleaned.replace(".", "").replace(",", ".")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            return cleaned.replace(".", "").replace(",", ".")
        return cleaned.replace(",", "")
    if "," in cleaned:
        return cleaned.replace(",", "") if _THOUSANDS_COMMA.match(cleaned) else cleaned.replace(",", ".")
    if decimal_comma is None and _THOUSANDS_DOT.match(cleaned) and cleaned.count(".") > 1:
        return cleaned.replace(".", "")
    return cleaned


ONE = Decimal(1)


def parse_quantity(text: str | None, decimal_comma: bool | None, signed: bool = False) -> Decimal:
    if not text or text == "1":
        return ONE
    if not text.strip():
        return ONE
    raw = text.strip()
    if not _QUANTITY.fullmatch(raw):
        raise ValueProblem(_("quantity {text!r} is not a plain decimal number").format(text=text))
    value = Decimal(raw.replace(",", "."))
    if value == 0:
        raise ValueProblem(_("quantity {text!r} is not a usable quantity").format(text=text))
    problem = quantity_limit_problem(value)
    if problem is not None:
        raise ValueProblem(_("quantity {problem}").format(problem=problem))
    return value if signed else abs(value)


_QUANTITY = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)")


# Dates written with `/`, `.` or `-` in the order of the export's country (`--date-order`), with an optional
# time (also `8:26 PM`); SumUp's `17.04.2026, 12:32` is one of them.
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?:,?[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
DATE_ORDERS = ("dmy", "mdy", "ymd")
_SPACED_OFFSET = re.compile(r"^(.*\d)\s+([+-]\d{2}):?(\d{2})$")
_EXCEL = re.compile(r"^\d{5}(\.\d+)?$")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_when(text: str, zone: ZoneInfo, time_text: str | None = None, order: str = "dmy") -> dt.datetime:
    """ISO 8601 (with `T` or a space, with or without an offset), `dd.mm.yyyy[ HH:MM]`, SumUp's
    `dd.mm.yyyy, HH:MM`, Shopify's `2025-12-07 19:08:25 +0000`, Excel serial days.

    A separate time column (Square, old SumUp) is joined to a bare date.  No
    offset means the programme's zone; a bare date means 12:00 there.
    """
    raw = text.strip()
    if time_text and time_text.strip() and ":" not in raw:
        raw = f"{raw} {time_text.strip()}"
    if not raw:
        raise ValueProblem(_("the date is empty"))
    value = _parse(raw, order)
    if value is None:
        raise ValueProblem(_("date {text!r} is not a date").format(text=text))
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    value = value.replace(tzinfo=zone) if value.tzinfo is None else value
    if 1 < value.year < 9999:  # far from the ends of the calendar: converting it cannot overflow
        return value
    try:
        value.astimezone(dt.UTC).astimezone(zone)
    except (OverflowError, ValueError):
        raise ValueProblem(
            _("date {text!r} is out of the range of dates that can be recorded").format(text=text)
        ) from None
    return value


def _parse(raw: str, order: str = "dmy") -> dt.date | dt.datetime | None:
    try:
        if len(raw) == 10 and raw[4] == "-":
            return dt.date.fromisoformat(raw)
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        pass
    spaced = _SPACED_OFFSET.match(raw)
    if spaced:
        try:
            return dt.datetime.fromisoformat(f"{spaced.group(1)}{spaced.group(2)}:{spaced.group(3)}")
        except ValueError:
            return None
    numeric = _NUMERIC_DATE.match(raw)
    if numeric:
        return _numeric_date(numeric, order)
    if _EXCEL.match(raw):
        return EXCEL_EPOCH + dt.timedelta(days=float(raw))
    return None


def _numeric_date(match: re.Match[str], order: str) -> dt.date | dt.datetime | None:
    first, _sep, second, third, hour, minute, sec, half = match.groups()
    if len(first) == 4:
        year, month, day = first, second, third  # a four-digit year first is always year-month-day
    elif order == "mdy":
        month, day, year = first, second, third
    elif order == "ymd":
        year, month, day = first, second, third
    else:
        day, month, year = first, second, third
    if len(year) not in (2, 4) or len(month) > 2 or len(day) > 2:
        return None
    full_year = int(year) if len(year) == 4 else int(year) + (2000 if int(year) < 70 else 1900)
    try:
        if hour is None:
            return dt.date(full_year, int(month), int(day))
        hours = int(hour)
        if half:
            if not 1 <= hours <= 12:
                return None
            hours = hours % 12 + (12 if half.lower() == "pm" else 0)
        return dt.datetime(full_year, int(month), int(day), hours, int(minute), int(sec or 0))
    except ValueError:
        return None


# Square writes the zone's display name; the ones seen or likely in exports.
ZONE_NAMES = {
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
    "london": "Europe/London",
    "berlin": "Europe/Berlin",
    "paris": "Europe/Paris",
    "sydney": "Australia/Sydney",
    "tokyo": "Asia/Tokyo",
}


def zone_for(name: str, default: ZoneInfo) -> ZoneInfo:
    """An IANA zone for a zone column (an IANA name or a display name); else the programme's zone."""
    raw = name.strip()
    if not raw:
        return default
    key = ZONE_NAMES.get(raw.lower(), raw)
    try:
        return ZoneInfo(key)
    except (ValueError, KeyError, OSError):
        return default
