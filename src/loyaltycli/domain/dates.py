"""Dates and instants in the programme's time zone (SPEC §1 "Time")."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _

NOON = dt.time(12, 0)
EARLIEST = dt.date(1970, 1, 1)


def implausible(day: dt.date, today: dt.date) -> str | None:
    """Why a write dated `day` cannot be meant (SPEC §1): after today, or before 1970; else None."""
    if day > today:
        return _("{day} is after today ({today}); nothing can be recorded in the future").format(
            day=written_day(day), today=written_day(today)
        )
    if day < EARLIEST:
        return _("{day} is before 1970").format(day=written_day(day))
    return None


def written_day(day: dt.date) -> str:
    """A day in a sentence as the reader's language writes it (`24.12.2026` in German, ISO in English)."""
    from loyaltycli.i18n import day as in_words

    return in_words(day)


def refuse_implausible(day: dt.date, today: dt.date, what: str) -> dt.date:
    """`day` itself, or BadInputError (exit 2) when it cannot be meant; `--dry-run` does not call this."""
    reason = implausible(day, today)
    if reason is not None:
        raise BadInputError(f"{what}: {reason}.")
    return day


# A date written the German way, day first: `01.11.2026`, `3.4.1985` (the dots make it unambiguous).
_DOTTED = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")


def parse_date(text: str, what: str = "date") -> dt.date:
    """A calendar date written as ISO 8601 (`2026-03-01`) or the German way (`01.03.2026`)."""
    raw = text.strip()
    try:
        dotted = _DOTTED.match(raw)
        if dotted is not None:
            day, month, year = (int(part) for part in dotted.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadInputError(
            _("{what}: {text!r} is not a valid date (write it as YYYY-MM-DD or DD.MM.YYYY).").format(
                what=what, text=text
            )
        ) from None


def parse_instant(text: str, tz: ZoneInfo, what: str = "--date") -> dt.datetime:
    """An ISO 8601 date or date-time; no offset means the programme's zone, a bare date 12:00 there."""
    raw = text.strip()
    if len(raw) == 10 or _DOTTED.match(raw):
        return dt.datetime.combine(parse_date(raw, what), NOON, tzinfo=tz)
    date_part, _sep, clock = raw.partition(" ")
    if _DOTTED.match(date_part) and clock:  # `01.11.2026 14:05`
        raw = f"{parse_date(date_part, what).isoformat()}T{clock.strip()}"
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise BadInputError(
            _("{what}: {text!r} is not a valid date or date-time (write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM).").format(
                what=what, text=text
            )
        ) from None
    return in_range(value.replace(tzinfo=tz) if value.tzinfo is None else value, tz, text, what)


def in_range(value: dt.datetime, tz: ZoneInfo, text: str, what: str) -> dt.datetime:
    """An instant that can be converted to UTC and to the programme's zone (`9999-12-31T23:59-14:00` cannot)."""
    try:
        value.astimezone(dt.UTC).astimezone(tz)
    except (OverflowError, ValueError):
        raise BadInputError(
            _("{what}: {text!r} is out of the range of dates that can be recorded.").format(what=what, text=text)
        ) from None
    return value


def local_date(instant: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The calendar date of an instant in the programme's zone."""
    return instant.astimezone(tz).date()


def local_clock(instant: dt.datetime, tz: ZoneInfo) -> dt.time:
    """The wall-clock time of an instant in the programme's zone (what a happy hour is measured by)."""
    return instant.astimezone(tz).time()


@functools.lru_cache(maxsize=4096)
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def start_of_next(day: dt.date, period: str) -> dt.date:
    """The first day of the month or year after the one `day` falls in."""
    if period == "year":
        return dt.date(day.year + 1, 1, 1)
    return add_months(day.replace(day=1), 1)


def birthday_in(year: int, birthday: dt.date) -> dt.date:
    """The birthday in `year`; 29 February falls on 28 February in other years."""
    return dt.date(year, birthday.month, min(birthday.day, calendar.monthrange(year, birthday.month)[1]))


def last_valid_day(expires_on: dt.date) -> dt.date:
    """The last day points can be used: what people are told (`gültig bis 31.12.2027`), where a lot stores the
    first day without them (2028-01-01)."""
    return expires_on - dt.timedelta(days=1)


def local_minute(stored: dt.datetime | None, tz: ZoneInfo) -> str | None:
    """A stored instant (naive UTC) as people read it: the programme's wall clock, to the minute."""
    if stored is None:
        return None
    return stored.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def utc_naive(instant: dt.datetime) -> dt.datetime:
    """How instants are stored: UTC without an offset (the same on SQLite and PostgreSQL)."""
    return instant.astimezone(dt.UTC).replace(tzinfo=None)
