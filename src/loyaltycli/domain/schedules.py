"""When a campaign runs, in words a shop owner reads ("Tuesdays 16:00–18:00", "dienstags 16:00–18:00")."""

from __future__ import annotations

from loyaltycli.domain.program import WEEKDAYS, Campaign
from loyaltycli.i18n import N_, _, day

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        (
            N_("Mondays"),
            N_("Tuesdays"),
            N_("Wednesdays"),
            N_("Thursdays"),
            N_("Fridays"),
            N_("Saturdays"),
            N_("Sundays"),
        ),
        strict=True,
    )
)
SINGULAR = dict(
    zip(
        WEEKDAYS,
        (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday")),
        strict=True,
    )
)
WEEKS = {1: N_("first"), 8: N_("second"), 15: N_("third"), 22: N_("fourth")}


def describe_schedule(campaign: Campaign) -> str:
    """`Tuesdays 16:00–18:00, from 2026-01-01`; `the first Saturday of the month, 2026-01-01 to 2026-12-31`."""
    parts = [p for p in (_days(campaign), _hours(campaign)) if p]
    period = (
        _("{start} to {end}").format(start=day(campaign.starts), end=day(campaign.ends))
        if campaign.ends is not None
        else _("from {start}").format(start=day(campaign.starts))
    )
    return ", ".join([" ".join(parts), period]) if parts else period


def _days(campaign: Campaign) -> str:
    weekdays = [d for d in WEEKDAYS if d in campaign.weekdays]
    monthdays = sorted(campaign.monthdays, key=lambda d: (d == -1, d))
    first = monthdays[0] if monthdays else None
    if len(weekdays) == 1 and first in WEEKS and monthdays == list(range(first, first + 7)):
        return _("the {week} {day} of the month").format(week=_(WEEKS[first]), day=_(SINGULAR[weekdays[0]]))
    words = []
    if weekdays:
        positions = [WEEKDAYS.index(d) for d in weekdays]
        consecutive = len(weekdays) >= 3 and positions == list(range(positions[0], positions[0] + len(positions)))
        names = [_(DAY_NAMES[d]) for d in weekdays]
        words.append(_("{first} to {last}").format(first=names[0], last=names[-1]) if consecutive else _join(names))
    if monthdays:
        days = _join([_("the last day") if d == -1 else _ordinal(d) for d in monthdays])
        words.append((_("on {days} of the month") if weekdays else _("{days} of the month")).format(days=days))
    return " ".join(words)


def _hours(campaign: Campaign) -> str:
    return campaign.hours.replace("-", "–") if campaign.hours else ""


def _ordinal(number: int) -> str:
    if _("the {number}th") != "the {number}th":  # a language without English suffixes (German: "dem 1.")
        return _("the {number}th").format(number=number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"the {number}{suffix}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + _(" and ") + words[-1]
