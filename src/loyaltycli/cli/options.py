"""Options shared by many commands, and the parsers that turn their text into values."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from loyaltycli import i18n
from loyaltycli.i18n import _

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print rows as CSV on stdout.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Compute and show, write nothing.")]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="When it happened: YYYY-MM-DD or YYYY-MM-DDTHH:MM[+hh:mm]; default now."),
]


def day(text: str | None, option: str) -> dt.date | None:
    """An optional calendar date option (`--as-of`, `--from`, `--birthday`); `today` and `yesterday` are
    read in the programme's time zone (`report suspicious --from yesterday` in cron)."""
    if text is None:
        return None
    from loyaltycli.domain.dates import parse_date

    relative = RELATIVE_DAYS.get(text.strip().lower())
    if relative is not None:
        return _today() - dt.timedelta(days=relative)
    return parse_date(text, option)


RELATIVE_DAYS = {"today": 0, "yesterday": 1}


def _today() -> dt.date:
    from loyaltycli.cli.state import STATE, now
    from loyaltycli.services.programs import today

    return today(STATE.database(), now())


def period(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """`--from` and `--to`; a range that ends before it starts is bad input (exit 2)."""
    first, last = day(since, "--from"), day(until, "--to")
    if first is not None and last is not None and last < first:
        from loyaltycli.errors import BadInputError

        raise BadInputError(
            _("--to {isoformat} is before --from {isoformat2}; give the earlier day first.").format(
                isoformat=i18n.day(last), isoformat2=i18n.day(first)
            )
        )
    return first, last


FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # two tills' clocks may differ a little


def instant(text: str | None, dry_run: bool = False) -> dt.datetime | None:
    """A `--date` value, read in the programme's time zone (which is in the database). A time of day later than
    now is refused (SPEC §1: a write dated after now cannot be meant); a bare date is 12:00 and is checked by
    its day, and `--dry-run` may look ahead."""
    if text is None:
        return None
    from loyaltycli.cli.state import STATE, now
    from loyaltycli.services.programs import parse_when

    value = parse_when(STATE.database(), text, "--date")
    if not dry_run and len(text.strip()) > 10 and value > now() + FUTURE_TOLERANCE:
        from loyaltycli.errors import BadInputError

        raise BadInputError(
            _("--date {text}: that is later than now; nothing can be recorded before it happens.").format(
                text=text.strip()
            )
        )
    return value


# Options of the file imports (`import`, `member import`).
MapOption = Annotated[
    list[str] | None, typer.Option("--map", help="FIELD=COLUMN: read FIELD from that column (repeatable).")
]
MappingOption = Annotated[str | None, typer.Option("--mapping", help='A TOML file of field = "Column" lines.')]
DelimiterOption = Annotated[str | None, typer.Option("--delimiter", help="`,` `;` or `tab` (default: detected).")]
DecimalCommaOption = Annotated[
    bool, typer.Option("--decimal-comma", help="Amounts are written 1.234,56 (default: detected).")
]
RejectsOption = Annotated[str | None, typer.Option("--rejects", help="Write rejected rows here, with a reason column.")]
DateOrderOption = Annotated[
    str,
    typer.Option(
        "--date-order", help="How dates such as 12/1/10 are read: dmy (default), mdy or ymd; 2026-12-01 always."
    ),
]


def date_order(text: str) -> str:
    """`--date-order`: dmy, mdy or ymd."""
    from loyaltycli.errors import BadInputError
    from loyaltycli.importers.values import DATE_ORDERS

    order = text.strip().lower()
    if order not in DATE_ORDERS:
        raise BadInputError(
            _("--date-order: {text!r} is not one of {date_orders}.").format(
                text=text, date_orders=", ".join(DATE_ORDERS)
            )
        )
    return order
