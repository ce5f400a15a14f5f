"""`import`: the day's sales CSV, streamed, grouped into receipts and booked in batches.

Each batch of whole receipts is one transaction, so an interrupted import
leaves only whole receipts and a re-run skips them as duplicates.  Receipts
go through the same `Planner` and `PurchaseWriter` as `purchase`; speed comes
from batching (bulk look-ups, bulk inserts, member state cached for the run),
not from a second copy of the rules.  Who a receipt's reference names, and the
customers `--enroll-unknown` enrols, is `services/sale_members.py`.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from loyaltycli import i18n
from loyaltycli.domain.dates import utc_naive
from loyaltycli.domain.member_state import MemberState
from loyaltycli.domain.money import amount_limit_problem, from_cents, to_cents
from loyaltycli.domain.phones import parse_phone
from loyaltycli.domain.receipts import ReceiptInput
from loyaltycli.errors import LoyaltyError
from loyaltycli.i18n import _
from loyaltycli.importers.csvfile import inspect_file
from loyaltycli.importers.formats import check_receipt_key, column_map, parse_overrides, parse_receipt_key
from loyaltycli.importers.receipts import Draft, ReadSettings, ReceiptReader
from loyaltycli.services.batch_import import FileOptions, ImportHaltedError, Rejects, run_batches
from loyaltycli.services.context import today_in
from loyaltycli.services.purchases import Planner, expire_if_lapsed
from loyaltycli.services.refunds import RefundRequest, refund_in
from loyaltycli.services.returns import ReturnRequest, return_in
from loyaltycli.services.sale_members import ImportMembers
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import Database
from loyaltycli.storage.receipts import StoredReceipt, member_of_receipt, stored_among
from loyaltycli.storage.records import Transaction
from loyaltycli.storage.writer import PurchaseWriter

BATCH_RECEIPTS = 5000
ZERO = Decimal(0)


@dataclass(frozen=True)
class ImportOptions(FileOptions):
    """`import`: the options of every file import, and those of sales."""

    enroll_unknown: bool = False
    receipt_key: str | None = None  # `--receipt-key`: day, store, till, closing, joined by '+'


@dataclass
class ImportSummary:
    rows: int = 0
    receipts: int = 0
    imported: int = 0
    duplicates: int = 0
    refunds: int = 0
    returns: int = 0
    rejected: int = 0
    rejected_receipts: int = 0
    enrolled: int = 0
    skipped: int = 0
    anonymous: int = 0
    points: int = 0
    points_reversed: int = 0
    dry_run: bool = False


@dataclass(frozen=True)
class Rejected:
    row: int
    receipt: str
    reason: str


class Importer:
    def __init__(
        self,
        db: Database,
        options: ImportOptions,
        now: dt.datetime,
        on_reject: Callable[[Rejected], None],
        on_progress: Callable[[int], None],
    ) -> None:
        self.db = db
        self.options = options
        # The run's own instant: what it writes carries it, so a receipt id met again further down
        # the file is told apart from one an earlier run stored (random microseconds keep two runs
        # within the same second apart).
        self.now = now.replace(microsecond=secrets.randbelow(1_000_000))
        self.on_reject = on_reject
        self.on_progress = on_progress
        self.summary = ImportSummary(dry_run=options.dry_run)
        self.rejects: Rejects
        self._commit_began = 0.0
        self.committed = (0, 0)  # receipts and members committed by finished batches
        self.committed_summary = ImportSummary(dry_run=options.dry_run)  # the counts as of the last commit
        self.lapses = False  # whether a programme version lets points lapse with inactivity
        # Seconds spent on each part of the run (for benchmarks/import_bench.py).
        self.phases = dict.fromkeys(("parsing", "members", "planning", "writing"), 0.0)

    # ------------------------------------------------------------------ the run

    def run(self) -> ImportSummary:
        began = time.perf_counter()
        try:
            return self._run()
        finally:
            self.phases["planning"] += time.perf_counter() - began - sum(self.phases.values())

    def _run(self) -> ImportSummary:
        if self.options.format.strip().lower() != "dsfinvk":
            return self._run_on(self.options.path, self.options.delimiter)
        from loyaltycli.importers.dsfinvk import joined

        with joined(self.options.path) as path:  # its items with their receipts' headers, as one table
            return self._run_on(path, ";")

    def _run_on(self, path: str, delimiter: str | None) -> ImportSummary:
        overrides = parse_overrides(list(self.options.maps), self.options.mapping_file)
        sales = inspect_file(path, delimiter)
        columns = column_map(self.options.format, sales.header, overrides, self.options.path)
        with self.db.read() as tx:
            self.ctx = today_in(tx, self.now)
        self.zone = self.ctx.program.zone
        self.members = ImportMembers(self.ctx, self.now, self.options.enroll_unknown)
        # Points lapse with inactivity only under that expiry policy: without it no receipt needs the check.
        self.lapses = any(v.program.expiry.policy == "inactivity" for v in self.ctx.versions)
        receipt_key = parse_receipt_key(self.options.receipt_key)
        check_receipt_key(receipt_key, columns, self.options.path)
        settings = ReadSettings(
            self.ctx.program.zone, self.ctx.today, self.options.date_order, self.options.decimal_comma, receipt_key
        )
        reader = self.reader = ReceiptReader(sales, columns, settings)
        self.rejects = Rejects(self.options.rejects_path, sales)
        try:
            batches = self._timed("parsing", reader.batches(BATCH_RECEIPTS))
            run_batches(self.db, self.options.dry_run, batches, self._book_timed, self._committed, self._after_batch)
            self._count_rows()
        except KeyboardInterrupt as exc:
            exc.kept = self._kept()  # type: ignore[attr-defined]
            exc.describe = lambda: _("interrupted: {kept}").format(kept=self._kept())  # type: ignore[attr-defined]
            raise
        except Exception as exc:
            if self.committed == (0, 0) or isinstance(exc, LoyaltyError):
                raise
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            rows = self.summary.rows

            def describe() -> str:
                return _("The import stopped at row {rows} ({reason}); {kept}.").format(
                    rows=i18n.number(rows), reason=reason, kept=self._kept()
                )

            halted = ImportHaltedError(describe())
            halted.describe = describe  # type: ignore[attr-defined]
            raise halted from exc
        finally:
            self.rejects.close()
        return self.summary

    def _book_timed(self, tx: Transaction, batch: list[Draft]) -> None:
        self._book(tx, batch)
        self._commit_began = time.perf_counter()

    def _committed(self) -> None:
        self.phases["writing"] += time.perf_counter() - self._commit_began
        self.committed = (self.summary.imported + self.summary.refunds + self.summary.returns, self.summary.enrolled)
        self.committed_summary = replace(self.summary)

    def _after_batch(self) -> None:
        self._forget_batch()
        self.on_progress(self.summary.rows)

    def _timed(self, phase: str, batches: Iterator[list[Draft]]) -> Iterator[list[Draft]]:
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            self.phases[phase] += time.perf_counter() - started
            if batch is None:
                return
            yield batch

    def _kept(self) -> str:
        receipts, members = self.committed
        if not receipts and not members:
            return _("nothing of this import was written")
        return _(
            "{receipts} and {members} new of {path} were booked before that (whole receipts only); "
            "run the same command again to import the rest"
        ).format(receipts=i18n.receipts(receipts), members=i18n.members(members), path=self.options.path)

    # ------------------------------------------------------------------ reading

    # ------------------------------------------------------------------ booking a batch

    def _forget_batch(self) -> None:
        """Repeats of earlier batches' receipts are asked of the database; the members' look-ups and state
        are kept for the next batch unless there are too many to keep."""
        self.members.forget_if_many()

    def _count_rows(self) -> None:
        self.summary.rows, self.summary.skipped = self.reader.counts.rows, self.reader.counts.skipped

    def _book(self, tx: Transaction, batch: list[Draft]) -> None:
        started = time.perf_counter()
        self.members.forget_if_changed(tx)
        self._count_rows()
        fresh = self._not_yet_stored(tx, batch)
        writer = PurchaseWriter(tx, self.now, "import")
        self.planner = Planner(tx, self.ctx, "import")
        self.summary.enrolled += self.members.resolve(tx, writer, fresh)
        self.phases["members"] += time.perf_counter() - started
        for draft in fresh:
            if draft.problem:
                self._reject(draft)
            elif draft.kind == "refund":
                self._flush(tx, writer)
                self._refund(tx, draft, draft.refund_of, draft.refund_amount, draft.receipt_id)
            else:
                self._purchase(tx, writer, draft)
        self._flush(tx, writer)

    def _flush(self, tx: Transaction, writer: PurchaseWriter) -> None:
        if len(writer):
            started = time.perf_counter()
            writer.flush(list(self.members.states.values()))
            self.phases["writing"] += time.perf_counter() - started

    def _not_yet_stored(self, tx: Transaction, batch: list[Draft]) -> list[Draft]:
        """Drop receipts stored before this run (duplicates: the same day, total and member); one stored by
        this very run means the file named it again far further down, which is refused, and one stored with
        other data is another sale under a reused number, which is refused with that reason."""
        stored = stored_among(tx, [d.receipt_id for d in batch if d.receipt_id and not d.problem])
        this_run = utc_naive(self.now)
        fresh = []
        for draft in batch:
            self.summary.receipts += 1
            earlier = stored.get(draft.receipt_id) if not draft.problem else None
            if earlier is None:
                fresh.append(draft)
            elif earlier.created_at == this_run:
                draft.reject(
                    _(
                        "receipt {receipt_id} has rows more than {receipts} receipts apart in the file; its first rows "
                        "are booked already, these are not (put a receipt's rows near each other)"
                    ).format(receipt_id=draft.receipt_id, receipts=i18n.number(BATCH_RECEIPTS)),
                )
                fresh.append(draft)
            elif (difference := self._differs(draft, earlier)) is not None:
                draft.reject(difference)
                fresh.append(draft)
            else:
                self.summary.duplicates += 1
        return fresh

    def _differs(self, draft: Draft, earlier: StoredReceipt) -> str | None:
        """Why a receipt id that is stored already names another sale (another day, amount or member), or None
        for a true repeat. Tills that number receipts per day or closing reuse numbers: that must be said,
        never skipped as a duplicate."""
        if draft.kind == "refund" or earlier.kind not in ("purchase", "return") or draft.when is None:
            return None
        if draft.when.astimezone(self.zone).date().isoformat() != earlier.local_day:
            what = _("another day ({day})").format(day=i18n.day(dt.date.fromisoformat(earlier.local_day)))
        elif to_cents(sum((line.amount for line in draft.lines), ZERO)) != earlier.signed_cents:
            what = _("another amount ({amount})").format(
                amount=i18n.money(from_cents(earlier.total_cents), self.ctx.program.program.currency)
            )
        elif not self._same_member(draft.member_ref, earlier):
            what = _("another member ({member})").format(member=earlier.member_id or _("anonymous"))
        else:
            return None
        return _(
            "receipt {receipt_id} is already stored for {what}; if the till numbers its receipts per day or "
            "per closing, import with --receipt-key day (or till+closing)"
        ).format(receipt_id=draft.receipt_id, what=what)

    def _same_member(self, ref: str, earlier: StoredReceipt) -> bool:
        if earlier.member_id is None:
            return not ref
        if earlier.member_status in ("erased", "merged"):  # its contact data is gone or moved on: no telling
            return True
        if not ref:
            return False
        ref = ref.strip()
        if ref == earlier.member_id or (
            earlier.member_email_key is not None and ref.lower() == earlier.member_email_key
        ):
            return True
        return earlier.member_phone is not None and parse_phone(ref, self.ctx.program.region) == earlier.member_phone

    # ------------------------------------------------------------------ receipts

    def _purchase(self, tx: Transaction, writer: PurchaseWriter, draft: Draft) -> None:
        assert draft.when is not None
        state = None
        if draft.member_ref:
            found = self.members.state_of(tx, draft.member_ref, draft.when.date())
            if isinstance(found, str):
                draft.reject(found)
                self._reject(draft)
                return
            state = found
        local = draft.when.astimezone(self.ctx.program.zone)  # the receipt's day and wall clock, converted once
        day = local.date()
        receipt = ReceiptInput(tuple(draft.lines), day, draft.channel, local.time())
        total = receipt.total
        too_large = amount_limit_problem(total)
        if too_large is not None:
            draft.reject(_("the receipt total {problem}").format(problem=too_large))
            self._reject(draft)
            return
        if total < 0:
            self._return(tx, writer, draft, state)
            return
        if self.lapses and state is not None and not self.options.dry_run:
            self._lapse(tx, writer, state, day)
        plan, _earning = self.planner.plan(state, receipt, draft.when, draft.receipt_id, draft.store, total)
        writer.add(plan)
        self.summary.imported += 1
        self.summary.points += plan.points
        if state is None:
            self.summary.anonymous += 1
        if draft.refund_amount:
            self._flush(tx, writer)
            self._refund(tx, draft, draft.receipt_id, draft.refund_amount, f"{draft.receipt_id}~refund")

    def _return(self, tx: Transaction, writer: PurchaseWriter, draft: Draft, state: MemberState | None) -> None:
        """A receipt with a negative total and no `refund_of`: a return without its receipt (SPEC §2)."""
        self._flush(tx, writer)
        member = lookup.by_pk(tx, state.pk) if state is not None else None
        goods = tuple(line._replace(amount=-line.amount) for line in draft.lines)
        request = ReturnRequest("", goods, draft.when, draft.receipt_id, draft.channel, draft.store)
        try:
            result = return_in(tx, self.ctx, member, request, self.now, "import")
        except LoyaltyError as exc:
            draft.reject(exc.message)
            self._reject(draft)
            return
        self.summary.returns += 1
        self.summary.points_reversed += result.points_reversed
        if state is not None:
            self.members.forget(state.pk)  # the return changed its debt and history: read afresh

    def _lapse(self, tx: Transaction, writer: PurchaseWriter, state: MemberState, day: dt.date) -> None:
        if self.ctx.version_on(day).program.expiry.policy != "inactivity":
            return
        self._flush(tx, writer)
        expire_if_lapsed(tx, self.ctx, state, day, self.now)

    def _refund(self, tx: Transaction, draft: Draft, original: str, amount: Decimal | None, refund_id: str) -> None:
        try:
            result = refund_in(tx, self.ctx, RefundRequest(original, amount, refund_id, draft.when), self.now, "import")
        except LoyaltyError as exc:
            draft.reject(exc.message)
            self._reject(draft)
            return
        self.summary.refunds += 1
        self.summary.points_reversed += result.points_reversed
        member = member_of_receipt(tx, original)
        if member is not None:
            self.members.forget(member)

    def _reject(self, draft: Draft) -> None:
        assert draft.problem is not None
        bad, reason = draft.problem
        self.summary.rejected_receipts += 1
        for row in draft.records:
            why = (
                reason
                if row.number == bad
                else _("another row of receipt {receipt_id} (row {row}) was rejected").format(
                    receipt_id=draft.receipt_id, row=bad
                )
            )
            self.summary.rejected += 1
            self.rejects.write(row.cells, why)
            self.on_reject(Rejected(row.number, draft.receipt_id, why))


def import_sales(
    db: Database,
    options: ImportOptions,
    now: dt.datetime,
    on_reject: Callable[[Rejected], None] = lambda r: None,
    on_progress: Callable[[int], None] = lambda n: None,
    phases: dict[str, float] | None = None,
) -> ImportSummary:
    """Import a sales CSV (SPEC §4); a file that cannot be read at all raises before anything is written.

    Whatever stops it carries `summary` (what was counted up to then) and `committed` (receipts and members
    booked), so a script still gets its JSON document.  `phases`, when given, gets the seconds spent reading
    the file (parsing), finding and enrolling members, planning and writing."""
    importer = Importer(db, options, now, on_reject, on_progress)
    try:
        return importer.run()
    except (LoyaltyError, KeyboardInterrupt) as exc:
        # What a script is told: the counts of what was committed, not of the batch that was rolled back.
        exc.summary = importer.summary if options.dry_run else importer.committed_summary  # type: ignore[union-attr]
        exc.committed = importer.committed  # type: ignore[union-attr]
        raise
    finally:
        if phases is not None:
            phases.update(importer.phases)
