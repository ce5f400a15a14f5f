"""When a campaign runs, in words a shop owner reads ("Tuesdays 16:00–18:00")."""

from __future__ import annotations

from loyaltycli.domain.program import WEEKDAYS, Campaign

DAY_NAMES = dict(
    zip(WEEKDAYS, ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"), strict=True)
)
SINGULAR = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
WEEKS = {1: "first", 8: "second", 15: "third", 22: "fourth"}


def describe_schedule(campaign: Campaign) -> str:
    """`Tuesdays 16:00–18:00, from 2026-01-01`; `the first Saturday of the month, 2026-01-01 to 2026-12-31`."""
    parts = [p for p in (_days(campaign), _hours(campaign)) if p]
    period = (
        f"{campaign.starts.isoformat()} to {campaign.ends.isoformat()}"
        if campaign.ends is not None
        else f"from {campaign.starts.isoformat()}"
    )
    return ", ".join([" ".join(parts), period]) if parts else period


def _days(campaign: Campaign) -> str:
    weekdays = [d for d in WEEKDAYS if d in campaign.weekdays]
    monthdays = sorted(campaign.monthdays, key=lambda d: (d == -1, d))
    first = monthdays[0] if monthdays else None
    if len(weekdays) == 1 and first in WEEKS and monthdays == list(range(first, first + 7)):
        return f"the {WEEKS[first]} {SINGULAR[weekdays[0]]} of the month"
    words = []
    if weekdays:
        positions = [WEEKDAYS.index(d) for d in weekdays]
        consecutive = len(weekdays) >= 3 and positions == list(range(positions[0], positions[0] + len(positions)))
        names = [DAY_NAMES[d] for d in weekdays]
        words.append(f"{names[0]} to {names[-1]}" if consecutive else _join(names))
    if monthdays:
        days = _join(["the last day" if d == -1 else _ordinal(d) for d in monthdays])
        words.append(("on " if weekdays else "") + f"{days} of the month")
    return " ".join(words)


def _hours(campaign: Campaign) -> str:
    return campaign.hours.replace("-", "–") if campaign.hours else ""


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"the {day}{suffix}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
