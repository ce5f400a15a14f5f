"""`import`: a sales CSV from a till or web shop (SPEC §4)."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict
from typing import Annotated, Any

import typer

from loyaltycli import i18n
from loyaltycli.cli.options import (
    DateOrderOption,
    DecimalCommaOption,
    DelimiterOption,
    DryRunOption,
    JsonOption,
    MapOption,
    MappingOption,
    RejectsOption,
)
from loyaltycli.cli.options import date_order as parse_date_order
from loyaltycli.cli.output import RejectPrinter, emit_json, message
from loyaltycli.cli.state import STATE, now
from loyaltycli.errors import LoyaltyError, kept_note
from loyaltycli.i18n import _
from loyaltycli.importers import SALES_PRESETS, named_list


def import_(
    path: Annotated[str, typer.Argument(help="The sales CSV file (for --format dsfinvk: the export's folder or zip).")],
    fmt: Annotated[str, typer.Option("--format", help=named_list(SALES_PRESETS))] = "generic",
    maps: MapOption = None,
    mapping: MappingOption = None,
    delimiter: DelimiterOption = None,
    decimal_comma: DecimalCommaOption = False,
    enroll_unknown: Annotated[
        bool, typer.Option("--enroll-unknown", help="Enrol unknown e-mails and phones (with the signup bonus).")
    ] = False,
    rejects: RejectsOption = None,
    date_order: DateOrderOption = "dmy",
    receipt_key: Annotated[
        str | None,
        typer.Option(
            "--receipt-key",
            help="When the till numbers receipts per day or per closing: day, store, till, closing, joined by '+' "
            "(e.g. day, or till+closing with --map till=... --map closing=...).",
        ),
    ] = None,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    """Import sales: rows become receipts; bad rows are rejected with a reason (exit 1)."""
    from loyaltycli.services.imports import ImportOptions, Rejected, import_sales

    options = ImportOptions(
        path,
        format=fmt,
        maps=tuple(maps or ()),
        mapping_file=mapping,
        delimiter=delimiter,
        decimal_comma=True if decimal_comma else None,
        date_order=parse_date_order(date_order),
        rejects_path=rejects,
        dry_run=dry_run,
        enroll_unknown=enroll_unknown,
        receipt_key=receipt_key,
    )
    printer = RejectPrinter(path, rejects)

    def on_reject(rejected: Rejected) -> None:
        printer.show(rejected.row, rejected.reason, rejected.receipt)

    db = STATE.database()
    phases: dict[str, float] = {}
    try:
        with _progress(path) as on_progress:
            summary = import_sales(db, options, now(), on_reject, on_progress, phases)
    except (LoyaltyError, KeyboardInterrupt) as exc:
        if json_out and hasattr(exc, "summary"):  # a script gets its document also when the import stops
            receipts, members = getattr(exc, "committed", (0, 0))
            error_text = _in_english(exc)
            emit_json(
                {
                    **asdict(exc.summary),
                    "committed_receipts": receipts,
                    "committed_members": members,
                    "error": error_text,
                }
            )
        raise
    printer.finish()
    if os.environ.get("LOYALTY_TIMINGS"):  # for benchmarks/import_bench.py: where an import's time went
        print(" ".join(f"{phase}={seconds:.3f}" for phase, seconds in phases.items()), file=sys.stderr)
    if json_out:
        emit_json(asdict(summary))
    message(import_summary(summary, dry_run))
    if summary.rejected:
        raise typer.Exit(1)


def _in_english(exc: BaseException) -> str:
    """The error of a stopped import as `--json` gives it: in English and with plain numbers, whatever the
    language of the terminal (what machines read never changes with the language)."""
    describe = getattr(exc, "describe", None)
    if describe is None:
        return exc.message if isinstance(exc, LoyaltyError) else f"interrupted: {kept_note(exc)}"
    spoken = i18n.language()
    i18n.set_language("en")
    try:
        return str(describe())
    finally:
        i18n.set_language(spoken)


def import_summary(summary: Any, dry_run: bool) -> str:
    """What an import did, in one or two sentences; skipped rows and receipts without a member are named."""
    text = (_("Dry run: ") if dry_run else "") + _(
        "{rows}, {receipts}: {imported} imported, {duplicates} already there, {refunds}, {returns}, "
        "{rejected} rejected, {enrolled} enrolled, {points}."
    ).format(
        rows=i18n.rows(summary.rows),
        receipts=i18n.receipts(summary.receipts),
        imported=i18n.number(summary.imported),
        duplicates=i18n.number(summary.duplicates),
        refunds=i18n.ngettext("{count} refund", "{count} refunds", summary.refunds).format(
            count=i18n.number(summary.refunds)
        ),
        returns=i18n.ngettext("{count} return", "{count} returns", summary.returns).format(
            count=i18n.number(summary.returns)
        ),
        rejected=i18n.rows(summary.rejected),
        enrolled=i18n.number(summary.enrolled),
        points=i18n.points(summary.points),
    )
    if summary.skipped:
        text += " " + _("{rows} skipped (not sales, such as payouts or fees).").format(rows=i18n.rows(summary.skipped))
    if summary.anonymous:
        text += " " + _("{receipts} without a member earned no points.").format(
            receipts=i18n.receipts(summary.anonymous)
        )
    return text


class _progress:  # noqa: N801 - used as a context manager like a function
    """A Rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return lambda rows: None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task(f"importing {self.path}", total=_estimated_rows(self.path), rate="")
        started = time.monotonic()

        def update(rows: int) -> None:
            rate = rows / max(time.monotonic() - started, 1e-6)
            self.bar.update(
                task, completed=rows, description=f"importing {self.path}: {rows:,} rows", rate=f"{rate:,.0f} rows/s"
            )

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _estimated_rows(path: str) -> int | None:
    """Rows in the file, estimated from its size and the length of its first lines (for the ETA)."""
    import os

    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            sample = fh.read(1 << 20)
    except OSError:
        return None
    lines = sample.count(b"\n")
    return max(1, int(size * lines / len(sample))) if lines and sample else None


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
