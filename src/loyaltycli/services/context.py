"""What every service needs inside its transaction: the programme in force and today's date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from loyaltycli.domain.dates import local_date, refuse_implausible
from loyaltycli.domain.program import Program
from loyaltycli.i18n import set_home_region
from loyaltycli.storage.programs import Versioned, all_versions, version_for
from loyaltycli.storage.records import Transaction


@dataclass(frozen=True)
class Today:
    """The programme versions, the one in force today, and today's date in its time zone."""

    versions: list[Versioned]
    current: Versioned
    now: dt.datetime
    today: dt.date
    by_day: dict[dt.date, Versioned] = field(default_factory=dict, compare=False, repr=False)

    @property
    def program(self) -> Program:
        return self.current.program

    def written_day(self, day: dt.date, what: str) -> dt.date:
        """The day a write is dated, refused (exit 2) when it is after today or before 1970 (SPEC §1)."""
        return refuse_implausible(day, self.today, what)

    def version_on(self, day: dt.date) -> Versioned:
        """The version governing receipts dated `day` (remembered per day: an import asks 60,000 times)."""
        if day not in self.by_day:
            self.by_day[day] = version_for(self.versions, day)
        return self.by_day[day]


def today_in(tx: Transaction, now: dt.datetime) -> Today:
    versions = all_versions(tx)
    latest = versions[-1] if versions else version_for(versions, now.date())
    today = local_date(now, latest.program.zone)
    set_home_region(latest.program.region)  # phone numbers of the shop's country are shown as written there
    return Today(versions, version_for(versions, today), now, today)
